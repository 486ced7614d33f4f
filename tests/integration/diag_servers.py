"""Hostile and fake counterparts for the diagnostics tests, all on 127.0.0.1: real sockets, real TLS.

Each imitates something a support engineer meets in the field: a port nothing listens on, a host that drops
connection attempts, a listener that never answers, a server that trickles or floods, a web server that is not
Jira, a proxy that wants a password, certificates that are expired, for another host, self-signed or from an
unknown CA, and a server stuck on TLS 1.0.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from assistant.diagnostics.check_network import check_dns, check_tcp, check_tls
from assistant.diagnostics.check_url import check_url
from assistant.diagnostics.context import DiagnosticContext
from assistant.diagnostics.model import CheckResult, Report
from assistant.diagnostics.runner import Check, diagnose

# The checks below the authenticated ones, as the network and HTTP tests run them.
NETWORK = (
    Check("url", "URL", check_url),
    Check("dns", "Name resolution", check_dns),
    Check("tcp", "TCP connection", check_tcp),
    Check("tls", "TLS", check_tls),
)
MARGIN = 0.5
"""Seconds a hostile server may add to the timeout before a check has taken too long."""


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A check that crashes is turned into a failure and logged at ERROR; none of these tests may get that far."""
    with caplog.at_level(logging.ERROR):
        yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


Handler = Callable[[socket.socket, bytes, threading.Event], None]
"""Serves one connection: the socket, the request head it sent, and an event set when the server stops."""


def free_port() -> int:
    """A port nothing listens on (bound, then released): connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextlib.contextmanager
def black_hole() -> Iterator[int]:
    """A port whose connection attempts go unanswered: a listener with a full accept queue drops new SYNs,
    exactly as a firewall that drops packets looks to the client (Linux, `tcp_abort_on_overflow=0`)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port: int = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.1)
    try:
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


class Server:
    """A threaded TCP (optionally TLS) server that hands each connection and its request head to `handler`.

    With `reads_head=False` the handler answers at once, as a web server does to bytes it cannot parse.
    """

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None, reads_head: bool = True) -> None:
        self.handler = handler
        self.tls = tls
        self.reads_head = reads_head
        self.stopping = threading.Event()
        self.requests: list[bytes] = []
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="diag-server", daemon=True)

    def url(self, scheme: str = "http", host: str = "127.0.0.1", path: str = "") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()
        self._thread.join(timeout=2)
        self._listener.close()
        with self._lock:
            for client in self._clients:
                with contextlib.suppress(OSError):
                    client.shutdown(socket.SHUT_RDWR)
                client.close()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._clients.append(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        sock = client
        with contextlib.suppress(OSError):
            sock.settimeout(5)
            if self.tls is not None:
                sock = self.tls.wrap_socket(client, server_side=True)
                with self._lock:
                    self._clients.append(sock)
            head = read_head(sock) if self.reads_head else b""
            self.requests.append(head)
            self.handler(sock, head, self.stopping)


def read_head(sock: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return head


def request_path(head: bytes) -> str:
    fields = head.split(b"\r\n", 1)[0].split()
    return fields[1].decode() if len(fields) > 1 else ""


def response(status: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# Handlers ------------------------------------------------------------------------------------------------


def canned(status: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Handler:
    """The same answer to every request."""

    def handle(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
        sock.sendall(response(status, body, headers))

    return handle


def silent(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
    """Accepts, reads the request, and never answers."""
    stopping.wait(30)


def trickle(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
    """One byte a second, from the status line on: per-read timeouts never fire."""
    for byte in response("200 OK", b'{"state":"RUNNING"}', {"Content-Type": "application/json"}):
        if stopping.wait(1):
            return
        sock.sendall(bytes([byte]))


def trickle_body(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
    """Prompt headers, then a body one byte a second."""
    body = b'{"state":"RUNNING"}'
    sock.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode())
    for byte in body:
        if stopping.wait(1):
            return
        sock.sendall(bytes([byte]))


def flood(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
    """Announces ten gigabytes of JSON and keeps sending until the client goes away (generated lazily)."""
    size = 10 * 1024**3
    sock.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n[".encode())
    chunk = b"0," * 32768
    sent = 0
    while sent < size and not stopping.is_set():
        sock.sendall(chunk)
        sent += len(chunk)


def redirect_loop(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
    """`/a` sends to `/b` and `/b` back to `/a`, for every path."""
    path = request_path(head)
    target = path + "/again" if not path.endswith("/again") else path.removesuffix("/again")
    sock.sendall(response("302 Found", headers={"Location": target}))


def redirect(prefix: str = "", status: str = "302 Found") -> Handler:
    """Redirects every path to `prefix` + the same path: to itself when `prefix` is empty."""

    def handle(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
        sock.sendall(response(status, headers={"Location": prefix + request_path(head)}))

    return handle


def jira_like(server_info: bytes, date: str | None = None) -> Handler:
    """A minimal Jira: /status RUNNING and the given serverInfo."""

    def handle(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
        headers = {"Content-Type": "application/json;charset=UTF-8"}
        if date is not None:
            headers["Date"] = date
        path = request_path(head)
        if path.endswith("/status"):
            sock.sendall(response("200 OK", b'{"state":"RUNNING"}', headers))
        elif path.endswith("/rest/api/2/serverInfo"):
            sock.sendall(response("200 OK", server_info, headers))
        else:
            sock.sendall(response("404 Not Found", b"{}", headers))

    return handle


def proxy_demanding_auth(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
    """An HTTP proxy that answers every request, CONNECT included, with 407."""
    sock.sendall(
        response(
            "407 Proxy Authentication Required",
            b"<html><body>Proxy login required</body></html>",
            {"Proxy-Authenticate": 'Basic realm="corporate proxy"', "Content-Type": "text/html", "Via": "1.1 squid"},
        )
    )


def tunnelling_proxy(sock: socket.socket, head: bytes, stopping: threading.Event) -> None:
    """A forward proxy that honours CONNECT (the way https reaches Jira through a corporate proxy)."""
    fields = head.split(b"\r\n", 1)[0].split()
    if len(fields) < 2 or fields[0] != b"CONNECT":
        sock.sendall(response("405 Method Not Allowed"))
        return
    host, _, port = fields[1].decode().rpartition(":")
    try:
        upstream = socket.create_connection((host, int(port)), timeout=5)
    except OSError:
        sock.sendall(response("502 Bad Gateway"))
        return
    sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    with upstream:
        pump = threading.Thread(target=_pipe, args=(upstream, sock), daemon=True)
        pump.start()
        _pipe(sock, upstream)
        pump.join(timeout=5)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


# Certificates --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertFiles:
    ca_file: Path
    """The CA a client must be given to trust the server (for the self-signed case: the certificate itself)."""
    server: ssl.SSLContext


def _server_context(cert_pem: bytes, key_pem: bytes, directory: Path, name: str) -> ssl.SSLContext:
    cert_file, key_file = directory / f"{name}.pem", directory / f"{name}-key.pem"
    cert_file.write_bytes(cert_pem)
    key_file.write_bytes(key_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def trustme_cert(
    directory: Path,
    name: str,
    *identities: str,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> CertFiles:
    """A leaf from a fresh trustme CA, with the CA written out as the file a user would pick."""
    ca = trustme.CA()
    leaf = ca.issue_cert(*identities, not_before=not_before, not_after=not_after)
    ca_file = directory / f"{name}-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    chain = b"".join(blob.bytes() for blob in leaf.cert_chain_pems)
    return CertFiles(ca_file, _server_context(chain, leaf.private_key_pem.bytes(), directory, name))


def self_signed_cert(directory: Path, host: str = "127.0.0.1") -> CertFiles:
    """A certificate that signs itself, as appliances and quick installs ship them."""
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jira.selfsigned.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ca_file = directory / "self-signed.pem"
    ca_file.write_bytes(cert_pem)
    return CertFiles(ca_file, _server_context(cert_pem, key_pem, directory, "self-signed"))


def tls10_only(context: ssl.SSLContext) -> ssl.SSLContext | None:
    """The same server context restricted to TLS 1.0; None where this OpenSSL cannot serve it at all."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0 is the point of this server
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ssl.SSLError, ValueError):
        return None
    return context


# Running checks -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnosis:
    ctx: DiagnosticContext
    report: Report
    seconds: float

    def result(self, check_id: str) -> CheckResult:
        return next(check for check in self.report.checks if check.id == check_id)

    def status(self, check_id: str) -> tuple[str, str | None]:
        found = self.result(check_id)
        return found.status, found.code


def diagnosed(checks: tuple[Check, ...], url: str, **options: Any) -> Diagnosis:
    """Runs `checks` through the real runner over a fresh context and times the whole diagnosis."""
    return diagnose_with(DiagnosticContext(url, **options), checks)


def diagnose_with(ctx: DiagnosticContext, checks: tuple[Check, ...]) -> Diagnosis:
    started = time.monotonic()
    report = diagnose(ctx, checks)
    return Diagnosis(ctx, report, time.monotonic() - started)
