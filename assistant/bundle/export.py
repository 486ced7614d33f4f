"""Building and writing a bundle: the part of the API the export command and the GUI's worker call.

`build_bundle` runs scrypt for encrypted bundles (about a third of a second at the default cost) and reads the
CA file the connection names, so the GUI calls it from its worker, never on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from pathlib import Path
from typing import Any

import assistant
from assistant.bundle.errors import BundleError
from assistant.bundle.model import (
    AUTH_FIELDS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_BUNDLE_BYTES,
    MAX_CA_PEM_CHARS,
    MODES,
    REQUIRED_SECRETS,
    SECRET_KINDS_BY_METHOD,
    TIME_FIELDS,
    BundleValidation,
    Mode,
    format_time,
    now_text,
)
from assistant.bundle.reading import read_bundle
from assistant.bundle.sealing import MIN_SCRYPT_N, ScryptParams, seal, seal_section
from assistant.core.connection import Connection
from assistant.core.files import write_atomic
from assistant.core.profiles import ConnectorProfile
from assistant.core.secrets import SERVICE_NAME, entry_name

MIN_PASSPHRASE_CHARS = 8


def build_bundle(
    connection: Connection,
    profile: ConnectorProfile,
    validation: BundleValidation | None,
    mode: Mode,
    passphrase: str | None = None,
    *,
    scrypt_n: int | None = None,
    min_scrypt_n: int = MIN_SCRYPT_N,
    now: dt.datetime | None = None,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> dict[str, Any]:
    """The bundle document for `connection` with its secrets in `mode`.

    `salt` and `nonce` are for reproducing the documented test vector only; left out, they are random, as they
    must be for every real bundle. Raises BundleError for what the caller can fix (no passphrase, a missing
    secret, an unreadable CA file) and ValueError for a programming mistake (an unknown mode).
    """
    if mode not in MODES:
        raise ValueError(f"unknown secrets mode {mode!r}")
    document: dict[str, Any] = {
        "format": {"name": FORMAT_NAME, "version": FORMAT_VERSION},
        "created_at": now_text(now),
        "tool_version": assistant.__version__,
        "name": connection.name,
        "profile": profile_document(profile),
        "jira": _jira(connection, validation),
        "auth": _auth(connection),
    }
    if validation is not None:
        document["validation"] = validation.as_document()
    secrets = _secrets_to_export(connection, mode)
    kinds = sorted(secrets)
    if mode == "encrypted":
        if not passphrase or len(passphrase) < MIN_PASSPHRASE_CHARS:
            raise BundleError(f"an encrypted bundle needs a passphrase of at least {MIN_PASSPHRASE_CHARS} characters")
        params = ScryptParams() if scrypt_n is None else ScryptParams(n=scrypt_n)
        params.check("scrypt_n", min_n=min_scrypt_n)
        document["secrets"] = seal_section(kinds, params, salt=salt, nonce=nonce)
        seal(document, secrets, passphrase)
    elif mode == "keyring":
        entries = [{"kind": kind, "entry": entry_name(connection.name, kind)} for kind in kinds]
        document["secrets"] = {"mode": mode, "kinds": kinds, "service": SERVICE_NAME, "entries": entries}
    elif mode == "plaintext":
        document["secrets"] = {"mode": mode, "kinds": kinds, "values": dict(secrets)}
    else:
        document["secrets"] = {"mode": mode, "kinds": sorted(_carried(connection))}
    # Whatever this program writes, it must read back: the same checks, short of opening the seal.
    read_bundle(dump_bundle(document), None, min_scrypt_n=min_scrypt_n)
    return document


def dump_bundle(bundle: dict[str, Any]) -> bytes:
    """Readable JSON (indented, keys sorted); the seal does not depend on this layout, only on the content."""
    data = (json.dumps(bundle, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(f"the bundle would be {len(data)} bytes, above the {MAX_BUNDLE_BYTES // 1024} KiB limit")
    return data


def write_bundle(path: Path | str, data: bytes, mode: Mode) -> None:
    """Atomically (temporary file in the same directory, then rename); plaintext secrets get mode 0600."""
    write_atomic(Path(path), data, mode=0o600 if mode == "plaintext" else 0o644)


def profile_document(profile: ConnectorProfile) -> dict[str, Any]:
    """The profile as its own JSON file format has it, so `parse_profile` reads it back unchanged."""
    document: dict[str, Any] = {
        "id": profile.id,
        "display_name": profile.display_name,
        "link_name": profile.link_name,
        "redirect_urls": list(profile.redirect_urls),
        "scope": profile.scope.value,
        "project_permissions": list(profile.project_permissions),
        "service_account": {"name": profile.service_account.name, "display_name": profile.service_account.display_name},
    }
    if profile.description:
        document["description"] = profile.description
    return document


def proxy_without_credentials(proxy: str) -> str:
    """A proxy URL's user name and password are not part of any mode's secrets; they never enter a bundle."""
    try:
        parts = urllib.parse.urlsplit(proxy)
        has_credentials = parts.username is not None or parts.password is not None
    except ValueError:
        raise BundleError("the proxy URL cannot be read", "jira.proxy") from None
    if not has_credentials:
        return proxy
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def read_ca_pem(path: str) -> str:
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_CA_PEM_CHARS + 1)
    except OSError as exc:
        raise BundleError(f"cannot read the CA file {path}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > MAX_CA_PEM_CHARS:
        raise BundleError(f"the CA file {path} is larger than {MAX_CA_PEM_CHARS // 1024} KiB")
    text = data.decode("ascii", errors="replace").strip()
    start = text.find("-----BEGIN CERTIFICATE-----")
    if start < 0:
        raise BundleError(f"the CA file {path} holds no PEM certificate")
    return text[start:] + "\n"


def _jira(connection: Connection, validation: BundleValidation | None) -> dict[str, Any]:
    jira: dict[str, Any] = {"base_url": connection.base_url.rstrip("/")}
    facts = validation.facts if validation is not None else None
    if facts is not None:
        optional = {
            "advertised_base_url": facts.advertised_base_url,
            "version": facts.version,
            "deployment": facts.deployment,
        }
        jira.update({key: value for key, value in optional.items() if value})
    if connection.ca_file:
        jira["ca_certificate_pem"] = read_ca_pem(connection.ca_file)
    if connection.proxy:
        jira["proxy"] = proxy_without_credentials(connection.proxy)
    if connection.project_key:
        jira["project_key"] = connection.project_key
    return jira


def _auth(connection: Connection) -> dict[str, Any]:
    if connection.method not in AUTH_FIELDS:
        raise BundleError(f"unknown authentication method {connection.method!r}", "auth.method")
    auth: dict[str, Any] = {"method": connection.method}
    for name in AUTH_FIELDS[connection.method]:
        value = getattr(connection, name)
        if value is not None and value != "":
            auth[name] = format_time(value) if name in TIME_FIELDS else value
    return auth


def _carried(connection: Connection) -> list[str]:
    allowed = SECRET_KINDS_BY_METHOD[connection.method]
    return [kind for kind in connection.secrets if kind in allowed]


def _secrets_to_export(connection: Connection, mode: Mode) -> dict[str, str]:
    """The method's secrets; a mode that carries secrets refuses a connection lacking one it cannot work without."""
    if mode == "omitted":
        return {}
    missing = [kind for kind in REQUIRED_SECRETS[connection.method] if not connection.secrets.get(kind)]
    if missing:
        names = ", ".join(kind.replace("_", " ") for kind in missing)
        raise BundleError(
            f"the {connection.method} connection {connection.name!r} has no {names} here, so a bundle with "
            f"{mode} secrets would not work; export with --secrets omitted, or set the connection up again"
        )
    return {kind: connection.secrets[kind] for kind in _carried(connection)}
