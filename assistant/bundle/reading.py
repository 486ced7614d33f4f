"""Reading a bundle: every check that stands between an untrusted file and a `Connection`.

Order matters. The size is checked before parsing, the format version before the schema (so a newer bundle
says so instead of listing unknown members), the schema before any member is used, and the seal is checked
against the document exactly as written (before any migration). `read_bundle` never touches the secret store
or the disk: what it returns is for showing, verifying or importing.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, cast

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from assistant.bundle import schema
from assistant.bundle.canonical import canonical_json, parse_strict
from assistant.bundle.errors import BundleFormatError, BundleSecretsError, BundleTooLarge
from assistant.bundle.migrate import upgrade
from assistant.bundle.model import (
    MAX_BUNDLE_BYTES,
    SECRET_KINDS_BY_METHOD,
    TIME_FIELDS,
    BundleValidation,
    JiraFacts,
    Mode,
    OpenedBundle,
    StepRecord,
    parse_time,
)
from assistant.bundle.sealing import MIN_SCRYPT_N, check_section, unseal
from assistant.core.connection import Connection, Secrets
from assistant.core.profiles import ConnectorProfile, ProfileError, parse_profile
from assistant.core.secrets import SERVICE_NAME, SecretStore, SecretStoreError
from assistant.jira.session import Target


def read_bundle(data: bytes, passphrase: str | None = None, *, min_scrypt_n: int = MIN_SCRYPT_N) -> OpenedBundle:
    """Checks and opens a bundle; an encrypted one is decrypted (and its integrity proven) when a passphrase is
    given, and otherwise opened without secrets. Raises only BundleError subclasses."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleTooLarge(f"{len(data)} bytes is above the {MAX_BUNDLE_BYTES // 1024} KiB a bundle may have")
    original = parse_strict(data)
    document = upgrade(copy.deepcopy(original))
    schema.validate(document)
    profile = _profile(document["profile"])
    auth, jira, section = document["auth"], document["jira"], document["secrets"]
    mode = cast(Mode, section["mode"])
    kinds = tuple(section["kinds"])
    _check_kinds(auth["method"], kinds)
    _check_jira(jira)
    _check_public_key(auth.get("public_key_pem"))
    parse_time(document["created_at"], "created_at")
    secrets: dict[str, str] = {}
    entries: dict[str, str] = {}
    if mode == "encrypted":
        check_section(section, min_scrypt_n)
        if passphrase is not None:
            secrets = unseal(original, passphrase, min_n=min_scrypt_n)
    elif mode == "plaintext":
        if set(section["values"]) != set(kinds):
            raise BundleFormatError("must hold exactly the kinds listed in secrets.kinds", "secrets.values")
        secrets = dict(section["values"])
    elif mode == "keyring":
        entries = _keyring_entries(section, kinds)
    connection = _connection(document, profile, Secrets(secrets))
    available = mode in ("plaintext", "omitted") or (mode == "encrypted" and passphrase is not None)
    return OpenedBundle(
        document=_public(document),
        connection=connection,
        profile=profile,
        mode=mode,
        kinds=kinds,
        secrets_available=available,
        jira=JiraFacts(jira.get("version"), jira.get("deployment"), jira.get("advertised_base_url")),
        ca_certificate_pem=jira.get("ca_certificate_pem"),
        validation=_validation(document.get("validation"), jira),
        created_at=document["created_at"],
        tool_version=document["tool_version"],
        keyring_entries=entries,
    )


def secrets_from_store(opened: OpenedBundle, store: SecretStore) -> Secrets:
    """The secrets a keyring bundle names, read from `store`; every one must exist, or none is returned."""
    found: dict[str, str] = {}
    for kind, entry in opened.keyring_entries.items():
        profile_id, _, entry_kind = entry.partition("/")
        try:
            value = store.get(profile_id, entry_kind)
        except (SecretStoreError, ValueError) as exc:
            raise BundleSecretsError(str(exc), "secrets.entries") from None
        if not value:
            raise BundleSecretsError(
                f"the keyring entry {entry} is not here (secrets: {store.location}); this bundle only works where its "
                "secrets are kept: export it there with --secrets encrypted",
                "secrets.entries",
            )
        found[kind] = value
    return Secrets(found)


def _profile(document: Mapping[str, Any]) -> ConnectorProfile:
    try:
        return parse_profile(canonical_json(dict(document)), source="profile")
    except ProfileError as exc:
        raise BundleFormatError(exc.problem, f"profile.{exc.field}" if exc.field else "profile") from None


def _check_kinds(method: str, kinds: tuple[str, ...]) -> None:
    allowed = SECRET_KINDS_BY_METHOD[method]
    for index, kind in enumerate(kinds):
        if kind not in allowed:
            raise BundleFormatError(f"a {method} connection has no secret {kind!r}", f"secrets.kinds[{index}]")


def _check_jira(jira: Mapping[str, Any]) -> None:
    # ValueError as well as TargetError: urllib's own (e.g. "Invalid IPv6 URL" for "https://[host") escapes Target.
    try:
        Target(jira["base_url"])
    except ValueError as exc:
        raise BundleFormatError(str(exc), "jira.base_url") from None
    if "proxy" in jira:
        try:
            Target(jira["base_url"], proxy=jira["proxy"])
        except ValueError as exc:
            raise BundleFormatError(str(exc), "jira.proxy") from None
    if "ca_certificate_pem" in jira:
        try:
            x509.load_pem_x509_certificates(jira["ca_certificate_pem"].encode("utf-8"))
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise BundleFormatError("not a readable PEM certificate", "jira.ca_certificate_pem") from None


def _check_public_key(pem: str | None) -> None:
    if pem is None:
        return
    try:
        load_pem_public_key(pem.encode("utf-8"))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise BundleFormatError("not a readable PEM public key", "auth.public_key_pem") from None


def _keyring_entries(section: Mapping[str, Any], kinds: tuple[str, ...]) -> dict[str, str]:
    if section["service"] != SERVICE_NAME:
        raise BundleFormatError(f"this program keeps secrets under the service {SERVICE_NAME!r}", "secrets.service")
    entries: dict[str, str] = {}
    for index, item in enumerate(section["entries"]):
        profile_id, _, kind = item["entry"].partition("/")
        if kind != item["kind"] or profile_id != profile_id.strip() or not profile_id.isprintable():
            raise BundleFormatError(
                f"must be a connection name, '/', then {item['kind']!r}", f"secrets.entries[{index}]"
            )
        if kind in entries:
            raise BundleFormatError(f"names {kind!r} twice", f"secrets.entries[{index}]")
        entries[kind] = item["entry"]
    if set(entries) != set(kinds):
        raise BundleFormatError("must name one entry for each kind in secrets.kinds", "secrets.entries")
    return entries


def _connection(document: Mapping[str, Any], profile: ConnectorProfile, secrets: Secrets) -> Connection:
    auth, jira = document["auth"], document["jira"]
    fields: dict[str, Any] = {}
    for name, value in auth.items():
        if name != "method":
            fields[name] = parse_time(value, f"auth.{name}") if name in TIME_FIELDS else value
    return Connection(
        base_url=Target(jira["base_url"]).base_url,
        method=auth["method"],
        name=document["name"],
        proxy=jira.get("proxy"),
        project_key=jira.get("project_key"),
        profile_id=profile.id,
        secrets=secrets,
        **fields,
    )


def _validation(document: Mapping[str, Any] | None, jira: Mapping[str, Any]) -> BundleValidation | None:
    if document is None:
        return None
    parse_time(document["validated_at"], "validation.validated_at")
    steps = tuple(
        StepRecord(s["id"], s["title"], s["status"], s["detail"], s["duration_ms"], s.get("code"))
        for s in document["steps"]
    )
    facts = JiraFacts(jira.get("version"), jira.get("deployment"), jira.get("advertised_base_url"))
    return BundleValidation(document["validated_at"], document["ok"], document.get("identity"), steps, facts)


def _public(document: Mapping[str, Any]) -> dict[str, Any]:
    public = copy.deepcopy(dict(document))
    public["secrets"] = {k: v for k, v in public["secrets"].items() if k not in ("ciphertext", "values")}
    return public
