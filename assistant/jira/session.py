"""The one way the product makes HTTP requests: `open_session(Target(...))`.

Trust, proxies, timeouts and redirects are decided here once, because each of them has a default in `requests`
that is wrong for a tool whose job is to prove a connection:

- `requests` lets `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE` override a session's `verify`, and turning `verify` off
  switches checking off. The adapter below ignores `verify` entirely: trust is the OS store (see `trust`)
  plus the CA file the user picked, and certificate checking is always on.
- Without a timeout a request can hang forever; every request gets connect and read timeouts.
- Redirects are not followed unless the caller asks, and never to another host or from https to http, so an
  Authorization header cannot leave for a host the user did not name.
- `trust_env` is off so that `~/.netrc` cannot add credentials behind the product's back; proxy variables
  (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) are still honoured, read here explicitly.
"""

from __future__ import annotations

import functools
import json
import re
import ssl
import threading
import urllib.parse
from collections.abc import Generator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool

import assistant
from assistant.core.redaction import redact_url
from assistant.jira.trust import os_trust_context

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 20.0
DEFAULT_JSON_LIMIT = 2 * 1024 * 1024
USER_AGENT = f"jira-link-assistant/{assistant.__version__} (python-requests/{requests.__version__})"

_Timeout = float | tuple[float | None, float | None] | None


class SessionError(Exception):
    """Base of what this module raises itself; network failures stay `requests` exceptions."""


class TargetError(SessionError, ValueError):
    """The Jira address, proxy, CA file or timeouts the user entered cannot be used."""


class RedirectRefused(SessionError, requests.exceptions.RequestException):
    """A redirect the caller asked to follow leads somewhere credentials must not go."""

    def __init__(self, source: str, location: str, reason: str) -> None:
        self.source = redact_url(source)
        self.location = redact_url(location)
        super().__init__(
            f"refused to follow the redirect from {self.source} to {self.location}: {reason}; "
            "credentials are only sent to the Jira address that was entered"
        )


Problem = Literal["too-large", "html", "not-json"]


class UnexpectedResponse(SessionError):
    """A body that is not the JSON a caller expected; it names what came instead."""

    def __init__(self, response: requests.Response, problem: Problem, detail: str, excerpt: str = "") -> None:
        self.problem = problem
        self.status = response.status_code
        self.url = redact_url(response.url)
        self.content_type = response.headers.get("Content-Type", "")
        self.excerpt = excerpt
        shown = f": {excerpt!r}" if excerpt else ""
        super().__init__(f"expected JSON from {self.url} (HTTP {self.status}) but {detail}{shown}")


# Target ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where and how to reach one Jira instance; validated on construction so errors surface at entry."""

    base_url: str
    ca_file: Path | None = None
    proxy: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", _checked_base_url(self.base_url))
        if self.ca_file is not None:
            object.__setattr__(self, "ca_file", Path(self.ca_file))
        if self.proxy is not None:
            object.__setattr__(self, "proxy", _checked_proxy(self.proxy))
        for name in ("connect_timeout", "read_timeout"):
            value = getattr(self, name)
            if not value > 0:
                raise TargetError(f"the {name.replace('_', ' ')} must be positive, not {value!r}")

    def url(self, path: str) -> str:
        """An address below the base URL, so callers never glue strings with doubled or missing slashes."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def __repr__(self) -> str:
        proxy = _shown(self.proxy) if self.proxy else None
        return (
            f"Target(base_url={self.base_url!r}, ca_file={self.ca_file!r}, proxy={proxy!r}, "
            f"connect_timeout={self.connect_timeout!r}, read_timeout={self.read_timeout!r})"
        )


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)?[^/@?#]*@")


def _shown(url: str) -> str:
    """The URL as it may appear in a message: user name and password masked (proxy URLs carry them)."""
    return _USERINFO.sub(lambda m: f"{m.group(1) or ''}***@", url)


def _split(text: str, what: str) -> urllib.parse.SplitResult:
    """urlsplit, with its ValueError (e.g. an unclosed IPv6 bracket) turned into a message naming the field."""
    try:
        return urllib.parse.urlsplit(text)
    except ValueError as exc:
        raise TargetError(f"{what} cannot be read: {exc}") from None


def _checked_base_url(url: str) -> str:
    text = url.strip()
    if not text:
        raise TargetError("the Jira base URL is empty")
    if any(c.isspace() for c in text):
        raise TargetError(f"the Jira base URL {_shown(text)!r} contains spaces")
    if "://" not in text:
        raise TargetError(
            f"the Jira base URL {_shown(text)!r} has no scheme: write it in full, e.g. https://{_shown(text)}"
        )
    shown = _shown(text)
    parts = _split(text, f"the Jira base URL {shown!r}")
    if parts.scheme.lower() not in ("http", "https"):
        raise TargetError(f"the Jira base URL {shown!r} uses {parts.scheme}://; Jira is reached over https://")
    if not parts.hostname:
        raise TargetError(f"the Jira base URL {shown!r} names no host")
    if parts.username is not None or parts.password is not None:
        raise TargetError("the Jira base URL must not contain a user name or password; enter them separately")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise TargetError(f"the Jira base URL {shown!r} has an invalid port") from None
    if "?" in text or "#" in text:
        raise TargetError(
            f"the Jira base URL {shown!r} contains a query or fragment; use the address Jira is served at, "
            "e.g. https://jira.example.com or https://example.com/jira"
        )
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


def _checked_proxy(proxy: str) -> str:
    text = proxy.strip()
    shown = _shown(text)
    if "://" not in text:
        raise TargetError(f"the proxy {shown!r} has no scheme: write it in full, e.g. http://{shown}")
    parts = _split(text, f"the proxy {shown!r}")
    if parts.scheme.lower() not in ("http", "https"):
        raise TargetError(f"the proxy {shown!r} uses {parts.scheme}://; only http:// and https:// proxies work")
    if not parts.hostname:
        raise TargetError(f"the proxy {shown!r} names no host")
    return text


# Connection accounting ------------------------------------------------------------------------------------


class ConnectionStats:
    """How many connections a session established (for https: completed handshakes): keep-alive, measured."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.connections_opened = 0
        self.tls_handshakes = 0

    def record(self, *, tls: bool) -> None:
        with self._lock:
            self.connections_opened += 1
            self.tls_handshakes += tls

    def __repr__(self) -> str:
        return f"ConnectionStats(connections_opened={self.connections_opened}, tls={self.tls_handshakes})"


# urllib3 reconnects a dropped keep-alive connection on the same connection object, so counting new pool
# connections would hide exactly the reconnections a keep-alive measurement is about: count sockets instead.
class _CountingHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, stats: ConnectionStats, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stats = stats

    def connect(self) -> None:
        super().connect()
        self._stats.record(tls=False)


class _CountingHTTPSConnection(HTTPSConnection):
    def __init__(self, *args: Any, stats: ConnectionStats, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stats = stats

    def connect(self) -> None:
        super().connect()
        self._stats.record(tls=True)


# The adapter --------------------------------------------------------------------------------------------


class _TrustingAdapter(HTTPAdapter):
    """Sends with exactly the session's trust and a timeout, whatever `verify` and `timeout` callers pass."""

    def __init__(self, context: ssl.SSLContext, default_timeout: tuple[float, float], stats: ConnectionStats):
        self._context = context
        self._default_timeout = default_timeout
        self._stats = stats
        super().__init__()

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, ssl_context=self._context, **pool_kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        # The context reaches the origin's TLS inside a CONNECT tunnel, and an https:// proxy's own TLS.
        return super().proxy_manager_for(
            proxy, ssl_context=self._context, proxy_ssl_context=self._context, **proxy_kwargs
        )

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: bool | str | None,
        proxies: Mapping[str, str] | None = None,
        cert: tuple[str, str] | str | None = None,
    ) -> ConnectionPool:
        pool = super().get_connection_with_tls_context(request, True, proxies=proxies, cert=cert)
        if isinstance(pool, HTTPConnectionPool) and pool.conn_kw.get("stats") is not self._stats:
            secure = isinstance(pool, HTTPSConnectionPool)
            pool.ConnectionCls = _CountingHTTPSConnection if secure else _CountingHTTPConnection
            pool.conn_kw["stats"] = self._stats
        return pool

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        super().cert_verify(conn, url, True, cert)  # type: ignore[no-untyped-call]
        # requests names certifi's bundle here even for verify=True, and urllib3 would load it into our
        # context: the trust would silently grow beyond the OS store and the user's file.
        conn.ca_certs = None
        conn.ca_cert_dir = None

    def send(  # noqa: PLR0917 - the signature is requests'
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: _Timeout = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        return super().send(
            request, stream=stream, timeout=self._timeout(timeout), verify=True, cert=cert, proxies=proxies
        )

    def _timeout(self, timeout: _Timeout) -> float | tuple[float, float]:
        connect, read = self._default_timeout
        if timeout is None:
            return connect, read
        if isinstance(timeout, tuple):
            given_connect, given_read = timeout
            return (
                connect if given_connect is None else given_connect,
                read if given_read is None else given_read,
            )
        return timeout


# The session --------------------------------------------------------------------------------------------


class JiraSession(requests.Session):
    """A `requests.Session` bound to one `Target`; use `open_session` to make one."""

    def __init__(self, target: Target, context: ssl.SSLContext) -> None:
        super().__init__()
        self.target = target
        self.stats = ConnectionStats()
        self.trust_env = False
        self.headers["User-Agent"] = USER_AGENT
        if target.proxy:
            self.proxies = {"http": target.proxy, "https": target.proxy}
        adapter = _TrustingAdapter(context, (target.connect_timeout, target.read_timeout), self.stats)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        if args:
            raise TypeError("JiraSession.request takes its options by keyword")
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, **kwargs)

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return super().get(url, **kwargs)

    def options(self, url: str | bytes, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return super().options(url, **kwargs)

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: MutableMapping[str, str] | None,
        stream: bool | None,
        verify: bool | str | None,
        cert: str | tuple[str, str] | None,
    ) -> Any:
        if not self.target.proxy and url is not None:
            from_env = get_environ_proxies(url.decode() if isinstance(url, bytes) else url)
            proxies = {**from_env, **(proxies or {})}
        return super().merge_environment_settings(url, proxies, stream, verify, cert)

    def resolve_redirects(  # noqa: PLR0917 - the signature is requests'
        self,
        resp: requests.Response,
        req: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool = True,
        cert: Any = None,
        proxies: Any = None,
        yield_requests: bool = False,
        **adapter_kwargs: Any,
    ) -> Generator[Any, None, None]:
        if yield_requests:
            # requests asks this only to fill `Response.next` for a redirect it did not follow; a caller
            # reads the Location header instead, and no check runs on a hop that is not taken.
            return
        yield from super().resolve_redirects(
            resp, req, stream, timeout, verify, cert, proxies, yield_requests, **adapter_kwargs
        )

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        location = super().get_redirect_target(resp)
        if location is not None:
            _check_redirect(resp.url, urllib.parse.urljoin(resp.url, location))
        return location


def _port(parts: urllib.parse.SplitResult) -> int | None:
    try:
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None


def _check_redirect(source: str, location: str) -> None:
    old, new = urllib.parse.urlsplit(source), urllib.parse.urlsplit(location)
    if new.scheme not in ("http", "https"):
        raise RedirectRefused(source, location, f"it leads to a {new.scheme or 'schemeless'} address")
    if old.scheme == "https" and new.scheme == "http":
        raise RedirectRefused(source, location, "it would leave https for unencrypted http")
    if (old.hostname or "").lower() != (new.hostname or "").lower():
        raise RedirectRefused(source, location, "it leads to another host")
    upgrade = (old.scheme, _port(old), new.scheme, _port(new)) == ("http", 80, "https", 443)
    if _port(old) != _port(new) and not upgrade:
        raise RedirectRefused(source, location, "it leads to another port")


def _trust(target: Target) -> ssl.SSLContext:
    """The context for a target: shared by every session with the same CA file, as it stands on disk now.

    Loading the OS store parses every system certificate (~17 ms); a context is read-only once built and safe to
    share between threads, so it is built once per process and CA file. A changed file makes a new one.
    """
    if target.ca_file is None:
        return _context(None, None)
    try:
        stat = target.ca_file.stat()
    except FileNotFoundError:
        raise TargetError(f"the CA file {target.ca_file} does not exist") from None
    return _context(str(target.ca_file), (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=16)
def _context(ca_file: str | None, stamp: tuple[int, int] | None) -> ssl.SSLContext:
    context = os_trust_context()
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (ssl.SSLError, OSError) as exc:
            raise TargetError(
                f"the CA file {ca_file} holds no usable PEM certificate ({exc.__class__.__name__})"
            ) from None
    return context


def open_session(target: Target) -> JiraSession:
    """A keep-alive session for `target`; close it (or use it as a context manager) when done."""
    return JiraSession(target, _trust(target))


# Reading answers ----------------------------------------------------------------------------------------


def read_json(response: requests.Response, *, limit_bytes: int = DEFAULT_JSON_LIMIT) -> Any:
    """The JSON body, read in chunks and abandoned past `limit_bytes`, so a proxy's endless page or a wrong
    endpoint cannot fill memory; HTML and other non-JSON answers raise `UnexpectedResponse` naming them."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit_bytes:
        response.close()
        raise UnexpectedResponse(response, "too-large", f"it announced {declared} bytes (limit {limit_bytes})")
    body = bytearray()
    for chunk in response.iter_content(64 * 1024):
        body += chunk
        if len(body) > limit_bytes:
            response.close()
            raise UnexpectedResponse(response, "too-large", f"the body exceeds the limit of {limit_bytes} bytes")
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    excerpt = " ".join(bytes(body[:400]).decode("utf-8", "replace").split())[:120]
    if media in ("text/html", "application/xhtml+xml") or excerpt.lower().startswith(("<!doctype", "<html")):
        raise UnexpectedResponse(response, "html", f"got an HTML page ({media or 'no content type'})", excerpt)
    if not body.strip():
        raise UnexpectedResponse(response, "not-json", f"got an empty body ({media or 'no content type'})")
    try:
        return json.loads(bytes(body))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UnexpectedResponse(
            response, "not-json", f"got something else ({media or 'no content type'})", excerpt
        ) from None
