"""Reading a TLS server for the report: a handshake with the product's trust, and the chain as presented.

The `tls` check needs more than "verification failed": a support engineer wants to see *which* certificate
expired on which date, which names it carries and who issued it. Python's `ssl` module hands out certificates
only after a successful verification, so the chain of a failing server is read over a second, read-only
connection (`read_presented`), the one place in the client where verification is off. Every connection here
runs under a hard deadline: a server that trickles its handshake one byte at a time cannot stretch it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from assistant.jira.trust import os_trust_context

_TUNNEL_REPLY_LIMIT = 16 * 1024
# OpenSSL's verify codes (X509_V_ERR_*), as `SSLCertVerificationError.verify_code` carries them.
_EXPIRED_CODES = frozenset({9, 10})  # not yet valid, expired
_UNTRUSTED_CODES = frozenset({18, 19, 20, 21, 2, 27})  # self-signed, self-signed in chain, no issuer, untrusted
_HOSTNAME_CODES = frozenset({62, 64})  # host name mismatch, IP address mismatch


class ProbeTimeout(Exception):
    """The deadline passed during `stage` (connect, tunnel or handshake)."""

    def __init__(self, stage: str, budget: float) -> None:
        super().__init__(f"no answer during the {stage} within {budget:.1f} s")
        self.stage = stage


class ProxyUnreachable(Exception):
    """The configured proxy did not accept the connection."""


class TunnelRefused(Exception):
    """The proxy answered the CONNECT request with something other than 200."""

    def __init__(self, status: int, status_line: str) -> None:
        super().__init__(f"the proxy answered CONNECT with {status_line!r}")
        self.status = status
        self.status_line = status_line


@dataclass(frozen=True)
class Endpoint:
    """Where the TLS session goes, and the http:// proxy whose CONNECT tunnel carries it, if any."""

    host: str
    port: int
    proxy: str | None = None


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    sha256: str
    names: tuple[str, ...]

    @classmethod
    def of(cls, der: bytes) -> CertificateFacts:
        cert = x509.load_der_x509_certificate(der)
        try:
            alt_names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            names = tuple(str(name.value) for name in alt_names)
        except x509.ExtensionNotFound:
            names = ()
        return cls(
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            sha256=cert.fingerprint(hashes.SHA256()).hex(":").upper(),
            names=names,
        )

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "names": list(self.names),
            "not_before": self.not_before.isoformat(timespec="seconds"),
            "not_after": self.not_after.isoformat(timespec="seconds"),
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Handshake:
    protocol: str
    cipher: str
    chain: tuple[CertificateFacts, ...] = field(default=())


# Trust ----------------------------------------------------------------------------------------------------


def trust_context(ca_file: Path | None) -> ssl.SSLContext:
    """The trust the session factory builds: the OS store, plus the user's CA file when one was chosen."""
    context = os_trust_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


def classify(error: ssl.SSLError) -> str:
    """The finding code of a failed handshake."""
    if isinstance(error, ssl.SSLCertVerificationError):
        code = error.verify_code
        if code in _EXPIRED_CODES:
            return "TLS_EXPIRED"
        if code in _HOSTNAME_CODES:
            return "TLS_HOSTNAME_MISMATCH"
        return "TLS_UNTRUSTED"
    return "TLS_PROTOCOL"


# Connections ----------------------------------------------------------------------------------------------


def handshake(endpoint: Endpoint, context: ssl.SSLContext, deadline: float) -> Handshake:
    """A verified handshake exactly as the product's session makes it; raises `ssl.SSLError` when it fails."""
    with _tls_socket(endpoint, context, deadline) as tls:
        return _described(tls)


def read_presented(endpoint: Endpoint, deadline: float) -> Handshake | None:
    """The certificates the server presents, read WITHOUT verifying them, for the report only.

    This connection exists only to show a support engineer what the server sent when verification failed
    (or to name the old protocol it insists on). It is closed right after the handshake: no request, no
    header and no credential is ever written to it, so nothing can travel over an unverified channel.
    The product's own connections always verify (see `assistant.jira.session`).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # read-only certificate probe; see the docstring above
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    with contextlib.suppress(ssl.SSLError):
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # so an outdated server still shows what it offers
    try:
        with _tls_socket(endpoint, context, deadline) as tls:
            return _described(tls)
    except (OSError, ProbeTimeout, ProxyUnreachable, TunnelRefused):
        return None


@contextlib.contextmanager
def _tls_socket(endpoint: Endpoint, context: ssl.SSLContext, deadline: float) -> Iterator[ssl.SSLSocket]:
    raw = open_tcp(endpoint, deadline)
    try:
        tls = context.wrap_socket(raw, server_hostname=endpoint.host, do_handshake_on_connect=False)
    except BaseException:
        raw.close()
        raise
    try:
        with _watchdog(tls, deadline, "TLS handshake"):
            tls.do_handshake()
        yield tls
    finally:
        tls.close()


def open_tcp(endpoint: Endpoint, deadline: float) -> socket.socket:
    """A TCP connection to the endpoint, or through the proxy's CONNECT tunnel to it."""
    if endpoint.proxy is None:
        return _connect(endpoint.host, endpoint.port, deadline)
    parts = urllib.parse.urlsplit(endpoint.proxy)
    try:
        sock = _connect(parts.hostname or "", parts.port or 8080, deadline)
    except ProbeTimeout as exc:
        raise ProxyUnreachable(f"the proxy {parts.hostname}:{parts.port or 8080} did not answer") from exc
    except OSError as exc:
        raise ProxyUnreachable(f"the proxy {parts.hostname}:{parts.port or 8080} refused: {exc}") from exc
    try:
        with _watchdog(sock, deadline, "proxy tunnel"):
            _tunnel(sock, endpoint, parts)
    except BaseException:
        sock.close()
        raise
    return sock


def _connect(host: str, port: int, deadline: float) -> socket.socket:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ProbeTimeout("connect", 0)
    try:
        sock = socket.create_connection((host, port), timeout=remaining)
    except TimeoutError:
        raise ProbeTimeout("connect", remaining) from None
    sock.settimeout(max(deadline - time.monotonic(), 0.01))
    return sock


def _tunnel(sock: socket.socket, endpoint: Endpoint, proxy: urllib.parse.SplitResult) -> None:
    authority = f"{endpoint.host}:{endpoint.port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
    if proxy.username is not None:
        user = urllib.parse.unquote(proxy.username)
        password = urllib.parse.unquote(proxy.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        lines.append(f"Proxy-Authorization: Basic {token}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    reply = bytearray()
    while b"\r\n\r\n" not in reply:
        chunk = sock.recv(1024)
        if not chunk or len(reply) > _TUNNEL_REPLY_LIMIT:
            break
        reply += chunk
    status_line = bytes(reply).split(b"\r\n", 1)[0].decode("latin-1").strip()
    fields = status_line.split()
    status = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0
    if status != 200:
        raise TunnelRefused(status, status_line or "no answer")


@contextlib.contextmanager
def _watchdog(sock: socket.socket, deadline: float, stage: str) -> Iterator[None]:
    """Shuts the socket down at the deadline: a per-read timeout alone lets a trickling peer go on forever."""
    budget = deadline - time.monotonic()
    fired = threading.Event()

    def expire() -> None:
        fired.set()
        with contextlib.suppress(OSError):
            # The plain socket's shutdown, also for an SSLSocket: its own override would drop the TLS state
            # under the thread that is blocked in the handshake.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    timer = threading.Timer(max(budget, 0.0), expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except (OSError, ssl.SSLError):
        if fired.is_set() or time.monotonic() >= deadline:
            raise ProbeTimeout(stage, budget) from None
        raise
    finally:
        timer.cancel()
    if fired.is_set():
        raise ProbeTimeout(stage, budget)


def _described(tls: ssl.SSLSocket) -> Handshake:
    cipher = tls.cipher()
    return Handshake(
        protocol=tls.version() or "unknown",
        cipher=cipher[0] if cipher else "unknown",
        chain=tuple(CertificateFacts.of(der) for der in presented_chain(tls)),
    )


def presented_chain(tls: ssl.SSLSocket) -> list[bytes]:
    """The certificates as the server sent them (DER), leaf first.

    `SSLSocket.get_unverified_chain()` is public from Python 3.13; CPython 3.10-3.12 have the same method on
    the socket's underlying `_sslobj`. Where neither exists, the leaf alone is shown (its issuer still names
    the next link).
    """
    getter = getattr(tls, "get_unverified_chain", None) or getattr(
        getattr(tls, "_sslobj", None), "get_unverified_chain", None
    )
    if getter is not None:
        items = getter() or []
        return [item if isinstance(item, bytes) else ssl.PEM_cert_to_DER_cert(item.public_bytes()) for item in items]
    leaf = tls.getpeercert(binary_form=True)
    return [leaf] if leaf else []
