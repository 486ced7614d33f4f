"""Export and import of connector bundles as plain functions for the worker (scrypt, files and the keyring block).

Heavy modules (the bundle package pulls in the JSON schema validator and the cryptography primitives) are
imported inside the functions, so the wizard starts without them. Every `BundleError` becomes a `Failure` that
names the member at fault and what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.connection import Connection
from assistant.core.profiles import ConnectorProfile
from assistant.core.secrets import SecretStore
from assistant.gui.failures import Failure
from assistant.jira.validation import ValidationResult

if TYPE_CHECKING:
    from assistant.bundle import Mode, OpenedBundle

MODE_WORDS = {
    "keyring": "secrets stay in this system's keyring",
    "encrypted": "secrets sealed with a passphrase",
    "omitted": "no secrets",
    "plaintext": "secrets in clear text",
}


@contextmanager
def _explained(title: str, remedy: str) -> Iterator[None]:
    from assistant.bundle import BundleError

    try:
        yield
    except BundleError as exc:
        raise Failure(title, str(exc), remedy) from None
    except OSError as exc:
        raise Failure(title, f"{exc.filename or 'the file'}: {exc.strerror or type(exc).__name__}", remedy) from None


def export_preview(connection: Connection, profile: ConnectorProfile, validation: ValidationResult | None) -> str:
    """What any bundle of this link holds besides its secrets: the bundle built without them, as text."""
    from assistant.bundle import BundleValidation, build_bundle, preview

    recorded = BundleValidation.from_result(validation) if validation is not None else None
    with _explained("The bundle cannot be built", "Set the link up again, then export."):
        return preview(build_bundle(connection, profile, recorded, "omitted"), with_secrets_line=False)


@dataclass(frozen=True)
class Exported:
    path: Path
    mode: str
    kinds: tuple[str, ...]
    read_back: str
    """What reading the written file back proved, in words."""


def export_bundle(
    connection: Connection,
    profile: ConnectorProfile,
    validation: ValidationResult | None,
    mode: Mode,
    passphrase: str | None,
    *,
    path: Path,
    store: SecretStore,
) -> Exported:
    """Builds, writes (atomically) and then reads the file back as an importer would, seal and keyring included."""
    from assistant.bundle import BundleValidation, build_bundle, dump_bundle, write_bundle

    recorded = BundleValidation.from_result(validation) if validation is not None else None
    with _explained("The bundle was not written", "Choose another mode or file and save again."):
        bundle = build_bundle(connection, profile, recorded, mode, passphrase)
        write_bundle(path, dump_bundle(bundle), mode)
    with _explained("The written bundle does not read back", "Save again; if it persists, report it."):
        return _read_back(path, mode, passphrase, store)


def _read_back(path: Path, mode: Mode, passphrase: str | None, store: SecretStore) -> Exported:
    from assistant.bundle import read_bundle, secrets_from_store

    opened = read_bundle(path.read_bytes(), passphrase)
    if opened.mode != mode:
        raise Failure("The written bundle does not read back", f"it reads as {opened.mode}, not {mode}")
    proof = {
        "encrypted": f"the seal opens with the passphrase and holds {len(opened.kinds)} secret(s)",
        "keyring": "every keyring entry it names is present",
        "plaintext": f"{len(opened.kinds)} secret(s) in clear text; the file is readable by you only (mode 0600)",
        "omitted": "it carries no secrets: supply them where it is imported",
    }[mode]
    if mode == "keyring":
        secrets_from_store(opened, store)
    return Exported(path, mode, opened.kinds, f"Read back: a valid bundle; {proof}.")


def env_text(connection: Connection) -> str:
    """The link as environment variables without its secrets, which is what is safe on a clipboard."""
    from assistant.bundle import env_text as render

    return render(connection, include_secrets=False)


def read_bundle_file(path: str, passphrase: str) -> OpenedBundle:
    """Opens a bundle for preview or import; a sealed one opens without its secrets until a passphrase is given."""
    from assistant.bundle import read_bundle
    from assistant.bundle.model import MAX_BUNDLE_BYTES

    with _explained("The bundle cannot be opened", "Check the file and, for a sealed bundle, the passphrase."):
        with Path(path).expanduser().open("rb") as handle:
            data = handle.read(MAX_BUNDLE_BYTES + 1)
        return read_bundle(data, passphrase or None)


def bundle_preview(opened: OpenedBundle) -> str:
    from assistant.bundle import preview

    return preview(opened.document)


def import_opened(opened: OpenedBundle, store: SecretStore, name: str, replace: bool) -> Connection:
    """Into the saved connections and the secret store, all or nothing; returns the connection with its secrets."""
    from assistant.bundle import import_bundle

    with _explained("Nothing was imported", "Choose another name, or tick Replace to overwrite the saved one."):
        return import_bundle(opened, store, name=name or None, replace=replace)
