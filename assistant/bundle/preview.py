"""A readable summary of a bundle for `bundle inspect`, the GUI's export page and support engineers.

Built from an allow-list of non-secret members: a plaintext bundle's values and an encrypted bundle's
ciphertext are never read here, so no future member can leak into the summary by accident.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import load_pem_public_key

_MARKS = {"pass": "✔", "warn": "!", "fail": "✘", "skip": "-"}
_AUTH_LABELS = (
    ("username", "Service account"),
    ("client_id", "Client ID"),
    ("scope", "Scope"),
    ("redirect_uri", "Redirect URL"),
    ("consumer_key", "Consumer key"),
    ("consumer_name", "Consumer name"),
    ("token_expires_at", "Token expires"),
    ("refresh_expires_at", "Refresh token expires"),
    ("pat_expires_at", "Token expires"),
)


def preview(bundle: Mapping[str, Any], *, with_secrets_line: bool = True) -> str:
    """The bundle's non-secret content as aligned text lines (a document from `build_bundle` or a read one).

    `with_secrets_line=False` leaves out how the secrets travel, for a preview made before the mode is chosen."""
    jira, auth, section = bundle["jira"], bundle["auth"], bundle["secrets"]
    profile = bundle["profile"]
    lines = [
        f"Connector bundle, format {bundle['format']['version']}, made by Jira Link Assistant "
        f"{bundle['tool_version']} at {_time(bundle['created_at'])}",
        _row("Connection", bundle["name"]),
        _row("Jira", _jira(jira)),
    ]
    if jira.get("advertised_base_url") and jira["advertised_base_url"] != jira["base_url"]:
        lines.append(_row("", f"Jira advertises its base URL as {jira['advertised_base_url']}"))
    if jira.get("ca_certificate_pem"):
        lines.append(_row("CA certificate", "included (trusted besides the system's)"))
    if jira.get("proxy"):
        lines.append(_row("Proxy", jira["proxy"]))
    if jira.get("project_key"):
        lines.append(_row("Project", jira["project_key"]))
    lines.append(_row("Profile", f"{profile['display_name']} ({profile['id']})"))
    lines.append(_row("Method", auth["method"]))
    for key, label in _AUTH_LABELS:
        if key in auth:
            value = _time(auth[key]) if key.endswith("_at") else str(auth[key])
            lines.append(_row(f"  {label}", value))
    if "public_key_pem" in auth:
        lines.append(_row("  Public key", _key_summary(auth["public_key_pem"])))
    lines += _validation(bundle.get("validation"))
    if with_secrets_line:
        lines.append(_row("Secrets", _secrets(section)))
    return "\n".join(lines) + "\n"


def _row(label: str, value: str) -> str:
    return f"{label:<22}{value}".rstrip()


def _time(text: str) -> str:
    return text.replace("T", " ").replace("Z", " UTC")


def _jira(jira: Mapping[str, Any]) -> str:
    facts = [f"Jira {jira['version']}" if jira.get("version") else "", jira.get("deployment", "")]
    known = ", ".join(part for part in facts if part)
    return f"{jira['base_url']} ({known})" if known else jira["base_url"]


def _key_summary(pem: str) -> str:
    key = load_pem_public_key(pem.encode("utf-8"))
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    bits = getattr(key, "key_size", None)
    size = f"RSA {bits} bits, " if bits else ""
    return f"{size}SHA-256 {hashlib.sha256(der).hexdigest()[:32]}…"


def _validation(validation: Mapping[str, Any] | None) -> list[str]:
    if validation is None:
        return [_row("Validation", "not recorded")]
    verdict = "passed" if validation["ok"] else "FAILED"
    who = f" as {validation['identity']}" if validation.get("identity") else ""
    lines = [_row("Validation", f"{verdict} at {_time(validation['validated_at'])}{who}")]
    for step in validation["steps"]:
        code = f" [{step['code']}]" if step.get("code") else ""
        lines.append(f"  {_MARKS.get(step['status'], '?')} {step['id']}: {step['detail']}{code}")
    return lines


def _secrets(section: Mapping[str, Any]) -> str:
    kinds = ", ".join(kind.replace("_", " ") for kind in section["kinds"]) or "none"
    mode = section["mode"]
    if mode == "encrypted":
        kdf = section["kdf"]
        return f"encrypted (scrypt N={kdf['n']}, r={kdf['r']}, p={kdf['p']}; AES-256-GCM): {kinds}"
    if mode == "keyring":
        entries = ", ".join(item["entry"] for item in section["entries"])
        return f"in the system keyring under {section['service']}: {entries or 'none'}"
    if mode == "plaintext":
        return f"PLAINTEXT in this file (keep it private): {kinds}"
    return f"omitted (the connection had: {kinds})"
