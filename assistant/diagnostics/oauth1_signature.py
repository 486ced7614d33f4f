"""For OAUTH1_SIGNATURE_INVALID: the base string the client signed beside the one Jira verified against.

Nine times out of ten Jira rebuilt a different URL than the client signed: a reverse proxy changes the scheme,
host or port, or strips the context path, and Jira's configured Base URL follows the proxy's view. Seeing the two
base strings one above the other, with the differing part marked, names that cause at once. Jira sometimes echoes
its base string in the 401 (`oauth_signature_base_string`); when it does not, the advertised Base URL implies it.
When the two agree, the cause is the other one: the public key in the link does not match the private key.

Token, nonce, verifier and signature values are replaced in every base string before it becomes evidence.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

import requests
from oauthlib.oauth1.rfc5849 import signature

from assistant.core.redaction import REDACTED, redact_text
from assistant.jira.answers import form_fields

_BOUNDARIES = ":/.@?&=[]"
_SECRET_OAUTH_PARAMS = ("oauth_token", "oauth_nonce", "oauth_signature", "oauth_verifier")
# A secret OAuth parameter in a form, a base string (encoded once) or an echoed base string (encoded twice).
_ENCODED_VALUE = re.compile(
    r"(?:(?<![A-Za-z0-9_])|(?<=%26)|(?<=%2526))(oauth_(?:token|nonce|signature|verifier))(=|%3D|%253D)(.*?)(?=&|%26|%2526|\s|\"|,|$)"
)


@dataclass(frozen=True)
class BaseString:
    """A signature base string split into its three parts, decoded once (parameters still OAuth-encoded)."""

    method: str
    uri: str
    params: str

    @classmethod
    def parse(cls, text: str) -> BaseString | None:
        parts = text.split("&")
        if len(parts) != 3:
            return None
        method, uri, params = parts
        return cls(method, urllib.parse.unquote(uri), urllib.parse.unquote(params))

    def redacted(self) -> BaseString:
        pairs = []
        for pair in self.params.split("&"):
            name, sep, value = pair.partition("=")
            pairs.append(f"{name}{sep}{REDACTED}" if name in _SECRET_OAUTH_PARAMS and value else pair)
        return BaseString(self.method, redact_text(self.uri), "&".join(pairs))

    def encoded(self) -> str:
        """The base string as signed: the URI and the parameters percent-encoded once more."""
        marker = _quote(REDACTED)
        return f"{self.method}&{_quote(self.uri)}&{_quote(self.params)}".replace(marker, REDACTED)


@dataclass(frozen=True)
class Difference:
    part: str
    client: str
    jira: str


@dataclass(frozen=True)
class SignatureComparison:
    client: BaseString
    jira: BaseString
    source: str
    """`reported by Jira` (echoed in the 401) or `implied by Jira's Base URL`."""
    differences: tuple[Difference, ...]

    @property
    def marked(self) -> str:
        """The two URLs one above the other, with carets under the part where Jira's differs."""
        client, jira = self.client.uri, self.jira.uri
        prefix = _to_boundary(jira, _common_prefix(client, jira))
        suffix = _common_prefix(client[prefix:][::-1], jira[prefix:][::-1])
        suffix = len(jira) - _to_boundary(jira, len(jira) - suffix, forward=True)
        width = max(len(jira) - prefix - suffix, 1)
        labels = ("signed by this client", f"{self.source}")
        pad = max(len(label) for label in labels) + 2
        return "\n".join(
            (
                f"{labels[0] + ':':<{pad}}{client}",
                f"{labels[1] + ':':<{pad}}{jira}",
                " " * (pad + prefix) + "^" * width,
            )
        )

    @property
    def summary(self) -> str:
        if not self.differences:
            return (
                "the client signed exactly what Jira verified, so the URL is not the cause: the public key in "
                "the application link does not belong to the client's private key"
            )
        names = [d.part for d in self.differences]
        parts = " and ".join(filter(None, (", ".join(names[:-1]), names[-1])))
        return f"Jira verified the signature over another {parts} than the client signed ({self.source})"

    def as_evidence(self) -> dict[str, Any]:
        return {
            "signature_base_strings": {
                "signed_by_client": self.client.redacted().encoded(),
                "used_by_jira": self.jira.redacted().encoded(),
                "jira_source": self.source,
                "differences": [{"part": d.part, "client": d.client, "jira": d.jira} for d in self.differences],
                "marked": self.marked,
            }
        }


def client_base_string(request: requests.PreparedRequest) -> BaseString:
    """Rebuilds what the client signed from the request it sent (the `Authorization: OAuth` parameters)."""
    url = request.url or ""
    content_type = str(request.headers.get("Content-Type", ""))
    body = request.body if content_type.startswith("application/x-www-form-urlencoded") else None
    params = signature.collect_parameters(
        uri_query=urllib.parse.urlsplit(url).query,
        body=_text(body or ""),
        headers={name: _text(value) for name, value in request.headers.items()},
        exclude_oauth_signature=True,
    )
    uri = signature.base_string_uri(url)
    return BaseString(request.method or "GET", uri, signature.normalize_parameters(params))


def jira_base_string(response: requests.Response) -> BaseString | None:
    echoed = form_fields(response).get("oauth_signature_base_string")
    return BaseString.parse(echoed) if echoed else None


def implied_base_string(client: BaseString, used_base_url: str, advertised_base_url: str) -> BaseString:
    """What Jira verifies when it rebuilds the URL from its Base URL: the same resource under another root."""
    used = urllib.parse.urlsplit(used_base_url.rstrip("/"))
    path = urllib.parse.urlsplit(client.uri).path
    resource = path[len(used.path) :] if path.startswith(used.path) else path
    return BaseString(
        client.method, signature.base_string_uri(advertised_base_url.rstrip("/") + resource), client.params
    )


def compare(
    response: requests.Response, used_base_url: str, advertised_base_url: str | None
) -> SignatureComparison | None:
    """The comparison for a refused signed call; None when the request carries no OAuth 1.0a parameters."""
    try:
        client = client_base_string(response.request)
    except ValueError:
        return None
    if not client.params:
        return None
    reported = jira_base_string(response)
    if reported is not None:
        jira, source = reported, "reported by Jira"
    elif advertised_base_url:
        jira, source = implied_base_string(client, used_base_url, advertised_base_url), "implied by Jira's Base URL"
    else:
        return None
    return SignatureComparison(client, jira, source, tuple(_differences(client, jira, used_base_url)))


def redact_oauth_values(text: str) -> str:
    """Replaces token, nonce, verifier and signature values however many times the text was form-encoded."""
    return _ENCODED_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def _differences(client: BaseString, jira: BaseString, used_base_url: str) -> list[Difference]:
    ours, theirs = urllib.parse.urlsplit(client.uri), urllib.parse.urlsplit(jira.uri)
    found = []
    if client.method != jira.method:
        found.append(Difference("method", client.method, jira.method))
    if ours.scheme != theirs.scheme:
        found.append(Difference("scheme", ours.scheme, theirs.scheme))
    if (ours.hostname or "") != (theirs.hostname or ""):
        found.append(Difference("host", ours.hostname or "", theirs.hostname or ""))
    if _port(ours) != _port(theirs):
        found.append(Difference("port", str(_port(ours)), str(_port(theirs))))
    context = urllib.parse.urlsplit(used_base_url.rstrip("/")).path
    resource = ours.path[len(context) :] if ours.path.startswith(context) else ours.path
    if theirs.path.endswith(resource):
        jira_context = theirs.path[: len(theirs.path) - len(resource)]
        if jira_context != context:
            found.append(Difference("context path", context or "/", jira_context or "/"))
    else:
        found.append(Difference("path", ours.path, theirs.path))
    if client.redacted().params != jira.redacted().params:
        found.append(Difference("parameters", client.redacted().params, jira.redacted().params))
    return found


def _text(value: str | bytes) -> str:
    # requests-oauthlib sets the Authorization header as bytes.
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _quote(text: str) -> str:
    """RFC 5849 percent-encoding: everything but the unreserved characters."""
    return urllib.parse.quote(text, safe="~")


def _port(parts: urllib.parse.SplitResult) -> int | None:
    return parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def _to_boundary(text: str, index: int, *, forward: bool = False) -> int:
    """Widens a marked span to whole URL parts: a differing port is marked whole, not from its second digit."""
    step = 1 if forward else -1
    while 0 < index < len(text) and text[index - (0 if forward else 1)] not in _BOUNDARIES:
        index += step
    return index


def _common_prefix(first: str, second: str) -> int:
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return length
