"""`JiraProblem`: a failure with a finding code, a plain-words detail and redacted evidence.

Every failure the engine reports carries a code from `assistant.core.findings`, so the CLI, the wizard and the
diagnostics name the same cause the same way. Evidence is redacted when it is captured, not when it is shown:
an exception that travels far (logs, reports, tracebacks) must never carry a secret.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

import requests

from assistant.core.findings import FindingInfo, finding
from assistant.core.redaction import redact_headers, redact_text, redact_url

BODY_EXCERPT_CHARS = 600


@dataclass(frozen=True)
class Evidence:
    """What was asked and what came back, with credentials already removed."""

    request: str
    status: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body_excerpt: str = ""

    @classmethod
    def of(cls, response: requests.Response) -> Evidence:
        request = response.request
        method = request.method or "GET"
        url = redact_url(request.url or response.url)
        return cls(
            request=f"{method} {url}",
            status=f"HTTP {response.status_code} {response.reason or ''}".rstrip(),
            headers=redact_headers(response.headers),
            body_excerpt=redact_text(_excerpt(response)),
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "request": self.request,
            "status": self.status,
            "headers": dict(self.headers),
            "body_excerpt": self.body_excerpt,
        }


def _excerpt(response: requests.Response) -> str:
    # The body has been read under a size limit by whoever got the response; only a prefix is kept.
    try:
        text = response.content[: BODY_EXCERPT_CHARS * 4].decode("utf-8", "replace")
    except (RuntimeError, requests.RequestException):
        return ""
    text = " ".join(text.split())
    return text[:BODY_EXCERPT_CHARS] + ("…" if len(text) > BODY_EXCERPT_CHARS else "")


class JiraProblem(Exception):
    """A failure named by a finding code; `str()` is safe to show and to log."""

    def __init__(self, code: str, detail: str, evidence: Evidence | None = None) -> None:
        self.info: FindingInfo = finding(code)
        self.code = code
        self.detail = redact_text(detail)
        self.evidence = evidence
        super().__init__(f"{self.info.title}: {self.detail}")

    @property
    def remedy(self) -> str:
        return self.info.remedy


def transport_problem(exc: requests.RequestException) -> JiraProblem:
    """A `requests` failure below HTTP, named by layer in plain words; the diagnostics go deeper."""
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None) or ""
    parts = urllib.parse.urlsplit(url) if url else None
    where = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}" if parts else "Jira"
    reason = _reason(exc)
    code = _transport_code(exc, reason.lower())
    if code == "TCP_REFUSED" and parts is not None and parts.scheme == "http" and "reset" in reason.lower():
        return JiraProblem(
            "HTTP_NOT_JIRA",
            f"{where} dropped a plain-HTTP request: it probably speaks HTTPS on this port; try https://",
        )
    details = {
        "DNS_NOT_FOUND": f"the host {parts.hostname if parts else ''} does not resolve",
        "TCP_REFUSED": f"{where} refused the connection",
        "TCP_TIMEOUT": f"connecting to {where} timed out",
        "HTTP_TIMEOUT": f"{where} did not answer in time",
        "TLS_UNTRUSTED": f"the certificate of {where} is not trusted by this machine",
        "TLS_EXPIRED": f"the certificate of {where} has expired or is not yet valid",
        "TLS_HOSTNAME_MISMATCH": f"the certificate of {where} is for another host name",
        "TLS_PROTOCOL": f"no TLS connection could be negotiated with {where}",
        "PROXY_AUTH_REQUIRED": "the proxy demands authentication",
        "PROXY_UNREACHABLE": "the proxy could not be reached",
    }
    detail = details.get(code, f"the request to {where} failed")
    return JiraProblem(code, f"{detail} ({reason})" if reason else detail)


def _reason(exc: BaseException) -> str:
    """The innermost cause's message, without urllib3's pool and object reprs."""
    inner: BaseException = exc
    while inner.__cause__ is not None or (inner.args and isinstance(inner.args[0], BaseException)):
        inner = inner.__cause__ or inner.args[0]
    text = str(inner)
    ssl_reason = re.search(r"\[SSL: [A-Z_]+\] ([^(]+)", text)
    if ssl_reason:
        return ssl_reason.group(1).strip()
    text = re.sub(r"<[^>]+>:?\s*", "", text)
    text = re.sub(r"\w+ConnectionPool\([^)]*\):\s*", "", text)
    text = re.sub(r"Max retries exceeded with url: \S+ \(Caused by \w+\(", "", text)
    return text.strip(" ()'\"")[:200]


def _transport_code(exc: requests.RequestException, lowered: str) -> str:
    if isinstance(exc, requests.exceptions.ProxyError):
        return "PROXY_AUTH_REQUIRED" if "407" in lowered else "PROXY_UNREACHABLE"
    if isinstance(exc, requests.exceptions.SSLError):
        if "expired" in lowered:
            return "TLS_EXPIRED"
        if "hostname" in lowered or "ip address mismatch" in lowered:
            return "TLS_HOSTNAME_MISMATCH"
        return "TLS_UNTRUSTED" if "certificate verify failed" in lowered else "TLS_PROTOCOL"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "TCP_TIMEOUT"
    if isinstance(exc, requests.Timeout):
        return "HTTP_TIMEOUT"
    if any(hint in lowered for hint in ("name or service not known", "nodename nor servname", "getaddrinfo")):
        return "DNS_NOT_FOUND"
    if "timed out" in lowered:
        return "HTTP_TIMEOUT"
    return "TCP_REFUSED" if isinstance(exc, requests.ConnectionError) else "HTTP_NOT_JIRA"
