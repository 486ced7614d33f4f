"""Importing a bundle into the assistant's own saved connections and secret store: all of it or nothing.

Secrets are written first, the CA certificate next and the settings file last, because the settings file is
what makes a connection exist; every step records how to undo itself, and any failure undoes what was done
(restoring the previous secrets and files when an existing connection was being replaced) before the error is
raised. Each file is written atomically, so even a crash leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from pathlib import Path

from assistant.bundle.errors import BundleImportError, BundleSecretsError
from assistant.bundle.model import OpenedBundle
from assistant.bundle.reading import secrets_from_store
from assistant.core import saved
from assistant.core.connection import SECRET_KINDS, Connection, Secrets
from assistant.core.files import write_atomic
from assistant.core.secrets import SecretStore, SecretStoreError


def import_bundle(
    opened: OpenedBundle, store: SecretStore, *, name: str | None = None, replace: bool = False
) -> Connection:
    """Saves the bundle's connection (under `name`, default the bundle's) with its secrets in `store`.

    Refuses to overwrite an existing connection unless `replace`; returns the connection as saved.
    """
    try:
        target = saved.check_name(name or opened.connection.name)
        settings_path = saved.path_for(target)
    except saved.SavedConnectionError as exc:
        raise BundleImportError(str(exc), "name") from None
    if settings_path.exists() and not replace:
        raise BundleImportError(
            f"a connection named {target!r} already exists; import under another name or replace it", "name"
        )
    secrets = _secrets(opened, store)
    ca_path = saved.config_dir() / "ca" / f"{target}.pem"
    connection = dataclasses.replace(
        opened.connection, name=target, secrets=secrets, ca_file=str(ca_path) if opened.ca_certificate_pem else None
    )
    undo: list[Callable[[], None]] = []
    try:
        _write_secrets(store, target, secrets, undo)
        if opened.ca_certificate_pem:
            _remember(ca_path, undo)
            write_atomic(ca_path, opened.ca_certificate_pem.encode("utf-8"), 0o644)
        _remember(settings_path, undo)
        saved.save(connection)
    except (OSError, SecretStoreError, saved.SavedConnectionError) as exc:
        _roll_back(undo)
        raise BundleImportError(f"nothing was imported: {exc}") from None
    except BaseException:
        _roll_back(undo)
        raise
    return connection


def _secrets(opened: OpenedBundle, store: SecretStore) -> Secrets:
    if opened.mode == "keyring":
        return secrets_from_store(opened, store)
    if not opened.secrets_available:
        raise BundleSecretsError("the secrets are sealed: give the bundle's passphrase to import them", "secrets")
    return opened.connection.secrets


def _write_secrets(store: SecretStore, name: str, secrets: Secrets, undo: list[Callable[[], None]]) -> None:
    """The bundle's secrets replace every secret the name had, so a replaced connection keeps no stale one."""
    for kind in SECRET_KINDS:
        previous = store.get(name, kind)
        value = secrets.get(kind)
        if value is None and previous is None:
            continue
        undo.append(_restorer(store, name, kind, previous))
        if value is None:
            store.delete(name, kind)
        else:
            store.set(name, kind, value)


def _restorer(store: SecretStore, name: str, kind: str, previous: str | None) -> Callable[[], None]:
    if previous is None:
        return lambda: store.delete(name, kind)
    return lambda: store.set(name, kind, previous)


def _remember(path: Path, undo: list[Callable[[], None]]) -> None:
    """Records how to put back what `path` holds now (or to remove it, if it does not exist)."""
    if not path.exists():
        undo.append(lambda: path.unlink(missing_ok=True))
        return
    previous, mode = path.read_bytes(), path.stat().st_mode & 0o777
    undo.append(lambda: write_atomic(path, previous, mode))


def _roll_back(undo: list[Callable[[], None]]) -> None:
    for action in reversed(undo):
        with contextlib.suppress(OSError, SecretStoreError):
            action()
