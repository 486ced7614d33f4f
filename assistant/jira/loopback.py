"""The loopback receiver for an OAuth redirect: one callback on localhost, then it is gone.

Jira matches OAuth 2.0 redirect URLs exactly, port included, and allows plain http only for the host
`localhost`; browsers resolve `localhost` to 127.0.0.1 or ::1, so the receiver listens on both, on one fixed
port, and on nothing else. It accepts the first request that carries what the flow expects (the one-shot
`state`, or the OAuth 1.0a request token), answers the browser with a page that says the tab can be closed,
and stops listening. The page and the log never show the code or verifier.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import socket
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

_DONE_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Jira Link Assistant</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h1>Authorization received</h1>"
    "<p>Jira Link Assistant has what it needs. You can close this tab and return to the assistant.</p>"
    "</body></html>"
)
_REFUSED_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Jira Link Assistant</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h1>This link is not for the current authorization</h1>"
    "<p>Start the authorization again from Jira Link Assistant.</p></body></html>"
)


class LoopbackError(Exception):
    """The receiver cannot listen, or no callback arrived."""


@dataclass(frozen=True)
class Callback:
    """The query parameters of the redirect, as the browser delivered them."""

    params: Mapping[str, str]

    def __repr__(self) -> str:
        return f"Callback(params={sorted(self.params)})"


class _Server(http.server.HTTPServer):
    receiver: LoopbackReceiver

    def __init__(self, family: socket.AddressFamily, address: tuple[str, int], receiver: LoopbackReceiver) -> None:
        self.address_family = family
        self.receiver = receiver
        super().__init__(address, _Handler, bind_and_activate=False)
        if family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        self.server_bind()
        self.server_activate()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    timeout = 10

    def do_GET(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        receiver = self.server.receiver
        if parsed.path != receiver.path:
            self._answer(404, "<!DOCTYPE html><title>Not found</title>")
            return
        params = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        if not receiver.offer(params):
            self._answer(400, _REFUSED_PAGE)
            return
        self._answer(200, _DONE_PAGE)

    def _answer(self, status: int, page: str) -> None:
        body = page.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        # The request line holds the authorization code: nothing of it is logged.
        return


class LoopbackReceiver:
    """Listens on http://localhost:PORT/PATH (127.0.0.1 and ::1) for exactly one matching callback.

    `expected` names query parameters and the values they must have (e.g. `state`); a request without them is
    answered with a refusal page and the receiver keeps waiting. A callback that carries `error` ends the wait
    too, so the flow can report Jira's refusal.
    """

    def __init__(self, port: int, path: str = "/callback", expected: Mapping[str, str] | None = None) -> None:
        self.port = port
        self.path = path
        self.expected = dict(expected or {})
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._result: Callback | None = None
        self._arrived = threading.Event()
        self._lock = threading.Lock()

    @property
    def redirect_uri(self) -> str:
        return f"http://localhost:{self.port}{self.path}"

    def start(self) -> LoopbackReceiver:
        try:
            first = _Server(socket.AF_INET, ("127.0.0.1", self.port), self)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise LoopbackError(
                    f"port {self.port} on this machine is in use by another program: choose another port and "
                    "register the matching redirect URL in Jira"
                ) from exc
            raise LoopbackError(f"cannot listen on 127.0.0.1:{self.port}: {exc.strerror}") from exc
        self.port = first.server_address[1]
        self._servers.append(first)
        # ::1 is optional: a machine without IPv6 still resolves localhost to 127.0.0.1.
        with contextlib.suppress(OSError):
            self._servers.append(_Server(socket.AF_INET6, ("::1", self.port), self))
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="oauth-loopback", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def offer(self, params: Mapping[str, str]) -> bool:
        """Takes the first callback that matches; returns whether this one was taken."""
        if "error" not in params and any(params.get(k) != v for k, v in self.expected.items()):
            return False
        with self._lock:
            if self._result is not None:
                return False
            self._result = Callback(dict(params))
        self._arrived.set()
        return True

    def wait(self, timeout: float | None = None, cancel: threading.Event | None = None) -> Callback:
        """Blocks until the callback arrives, `cancel` is set, or `timeout` passes; then stops listening."""
        try:
            waited = 0.0
            while not self._arrived.wait(0.1):
                waited += 0.1
                if cancel is not None and cancel.is_set():
                    raise LoopbackError("the authorization was cancelled")
                if timeout is not None and waited >= timeout:
                    raise LoopbackError(f"no redirect arrived at {self.redirect_uri} within {timeout:.0f} s")
            assert self._result is not None
            return self._result
        finally:
            self.close()

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()

    def __enter__(self) -> LoopbackReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def ensure_port_free(port: int) -> None:
    """Raises LoopbackError when the port cannot be listened on; checked before Jira is told to redirect there."""
    LoopbackReceiver(port).start().close()
