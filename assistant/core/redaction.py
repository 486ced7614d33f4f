"""Redaction by allow-list: what may leave the process in a log line, a report or an error message.

Support engineers paste our evidence into tickets, so it is built to be safe by construction: only headers
on an allow-list survive, and in text, URLs and forms every value whose name says it is a credential is
replaced — whether or not the caller remembered that it was one.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Iterable, Mapping

REDACTED = "«redacted»"

SAFE_HEADERS = frozenset(
    {
        "allow",
        "cache-control",
        "content-length",
        "content-type",
        "date",
        "location",
        "retry-after",
        "server",
        "via",
        "www-authenticate",
        "x-arequestid",
        "x-ausername",
        "x-authentication-denied-reason",
        "x-seraph-loginreason",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-fillrate",
        "x-ratelimit-interval-seconds",
        "proxy-authenticate",
    }
)

# Parameter and field names whose values are credentials in some protocol Jira speaks.
SECRET_NAMES = (
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "clientsecret",
    "code",
    "code_verifier",
    "oauth_token",
    "oauth_token_secret",
    "oauth_verifier",
    "oauth_signature",
    "password",
    "os_password",
    "passphrase",
    "rawtoken",
    "token",
    "private_key",
    "secret",
    "pat",
    "authorization",
    "cookie",
    "set-cookie",
    "jsessionid",
    # requests-oauthlib's names for the OAuth 1.0a token and its secret, which it logs at DEBUG.
    "resource_owner_key",
    "resource_owner_secret",
)
_NAMES = "|".join(sorted((re.escape(n) for n in SECRET_NAMES), key=len, reverse=True))
# name=value in query strings, forms and OAuth headers (quoted or not).
_PAIR = re.compile(rf'(?i)(?<![A-Za-z0-9_])({_NAMES})(\s*=\s*)("[^"]*"|[^&\s,;"]*)')
# "name": "value" in JSON.
_JSON_PAIR = re.compile(rf'(?i)("(?:{_NAMES})"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}}\s]+)')
_BEARER = re.compile(r"(?i)\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}")
# A whole Authorization header line, whatever its scheme.
_AUTH_HEADER = re.compile(r"(?im)^(\s*(?:proxy-)?authorization\s*:\s*).+$")
_PEM = re.compile(r"-----BEGIN ([A-Z ]*PRIVATE KEY)-----.*?(-----END \1-----|$)", re.DOTALL)


def redact_text(text: str, known_secrets: Iterable[str] = ()) -> str:
    """Replaces credential values in free text: name=value pairs, JSON fields, auth headers, private keys.

    `known_secrets` are values the caller holds (a password, a token); they are removed wherever they appear.
    """
    for secret in known_secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    text = _PEM.sub(f"-----BEGIN \\1-----{REDACTED}-----END \\1-----", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _JSON_PAIR.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)
    return _PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def redact_url(url: str) -> str:
    """Keeps scheme, host, path and parameter names; credential values and user-info are replaced."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # unreadable (e.g. an unclosed IPv6 bracket): show it as text, credentials removed
        return redact_text(re.sub(r"//[^/@]*@", f"//{REDACTED}@", url))
    try:
        port = parts.port
    except ValueError:  # an out-of-range port: show what was written, minus any user-info
        port = None
        netloc = parts.netloc.rpartition("@")[2]
    else:
        netloc = parts.hostname or ""
        if ":" in netloc:
            netloc = f"[{netloc}]"
        if port:
            netloc = f"{netloc}:{port}"
    if parts.username or parts.password:
        netloc = f"{REDACTED}@{netloc}"
    query = redact_text(parts.query)
    fragment = redact_text(parts.fragment)
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Only allow-listed headers survive, and their values are redacted as text too."""
    kept: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() not in SAFE_HEADERS:
            continue
        kept[name] = redact_url(value) if name.lower() == "location" else redact_text(value)
    return kept


class RedactingFilter(logging.Filter):
    """Attached to the product's log handlers so no record is written before it has been redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage())
        record.args = None
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True
