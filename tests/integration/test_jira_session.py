"""The product's HTTP session against the sandbox and small local servers: trust, timeouts, redirects, proxies.

Small servers of our own stand in where the sandbox cannot: a TLS server signed by an unrelated CA, a redirect
to another host name, a counting proxy, a listener that never answers.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
import trustme

import assistant
from assistant.jira.session import (
    RedirectRefused,
    Target,
    TargetError,
    UnexpectedResponse,
    open_session,
    read_json,
)
from assistant.sandbox import Sandbox

_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


# Small local servers ----------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    with_length: bool = True


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.replies: dict[str, Reply] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class ReplyHandler(BaseHTTPRequestHandler):
    """Answers each path with its `Reply` and records what arrived."""

    protocol_version = "HTTP/1.1"
    server: LocalServer

    def do_GET(self) -> None:
        self.server.seen.append((self.path, dict(self.headers.items())))
        reply = self.server.replies.get(urllib.parse.urlsplit(self.path).path, Reply(404, b'{"error": 1}'))
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.with_length:
            self.send_header("Content-Length", str(len(reply.body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ForwardingProxy(ReplyHandler):
    """A plain HTTP forward proxy that counts what it relays."""

    def do_GET(self) -> None:
        self.server.seen.append((self.path, dict(self.headers.items())))
        target = urllib.parse.urlsplit(self.path)
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        try:
            upstream.request("GET", target.path or "/", headers={"Host": target.netloc})
            answer = upstream.getresponse()
            body = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.getheader("Content-Type", "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Via", "1.1 test-proxy")
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None) -> Iterator[LocalServer]:
    server = LocalServer(handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def local() -> Iterator[LocalServer]:
    with serving(ReplyHandler) as server:
        yield server


@pytest.fixture
def unrelated_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def unrelated_ca_file(unrelated_ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "unrelated-ca.pem"
    unrelated_ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def foreign_tls(unrelated_ca: trustme.CA) -> Iterator[LocalServer]:
    """An HTTPS server whose certificate chains to `unrelated_ca`, not to the sandbox's CA or the OS store."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    unrelated_ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    with serving(ReplyHandler, tls=context) as server:
        server.replies["/status"] = Reply(body=b'{"state": "RUNNING"}')
        yield server


# Target validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("jira.example.com", "has no scheme: write it in full, e.g. https://jira.example.com"),
        ("jira.example.com:8443", "has no scheme"),
        ("ftp://x", "uses ftp://"),
        ("https://", "names no host"),
        ("http://host/path?q=1", "contains a query or fragment"),
        ("https://host/jira#top", "contains a query or fragment"),
        ("https://host:99999", "invalid port"),
        ("https://jira.example.com/ jira", "contains spaces"),
        ("", "is empty"),
    ],
)
def test_malformed_base_urls_are_refused_with_the_problem_named(url: str, complaint: str) -> None:
    with pytest.raises(TargetError, match="Jira base URL") as raised:
        Target(url)
    assert complaint in str(raised.value)


def test_credentials_in_the_base_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(TargetError, match="user name or password") as raised:
        Target("https://admin:s3cret-pw@jira.example.com")
    assert "s3cret-pw" not in str(raised.value)


def test_base_url_is_normalised() -> None:
    target = Target("  HTTPS://Jira.Example.com:8443/jira/ ")
    assert target.base_url == "https://jira.example.com:8443/jira"
    assert target.url("/rest/api/2/myself") == "https://jira.example.com:8443/jira/rest/api/2/myself"


@pytest.mark.parametrize(
    ("proxy", "complaint"), [("proxy:3128", "has no scheme"), ("socks5://proxy:1080", "uses socks5://")]
)
def test_unusable_proxies_are_refused(proxy: str, complaint: str) -> None:
    with pytest.raises(TargetError, match=complaint):
        Target("https://jira.example.com", proxy=proxy)


def test_target_repr_hides_proxy_credentials() -> None:
    target = Target("https://jira.example.com", proxy="http://user:pr0xy-pw@proxy.example.com:3128")
    assert "pr0xy-pw" not in repr(target)
    assert "proxy.example.com:3128" in repr(target)


def test_timeouts_must_be_positive() -> None:
    with pytest.raises(TargetError, match="read timeout must be positive"):
        Target("https://jira.example.com", read_timeout=0)


def test_a_missing_or_unreadable_ca_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="does not exist"):
        open_session(Target("https://jira.example.com", ca_file=tmp_path / "nope.pem"))
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(TargetError, match="holds no usable PEM certificate"):
        open_session(Target("https://jira.example.com", ca_file=garbage))


# Trust --------------------------------------------------------------------------------------------------


def test_the_users_ca_file_makes_the_sandbox_trusted(tls_sandbox: Sandbox) -> None:
    with open_session(Target(tls_sandbox.base_url, ca_file=tls_sandbox.ca_cert)) as session:
        response = session.get(session.target.url("/rest/api/2/serverInfo"))
    assert read_json(response)["baseUrl"] == tls_sandbox.base_url


def test_without_the_ca_file_the_sandbox_is_untrusted_even_with_verify_false(tls_sandbox: Sandbox) -> None:
    with open_session(Target(tls_sandbox.base_url)) as session:
        with pytest.raises(requests.exceptions.SSLError, match="certificate verify failed"):
            session.get(session.target.url("/status"))
        with pytest.raises(requests.exceptions.SSLError, match="certificate verify failed"):
            session.get(session.target.url("/status"), verify=False)


def test_ca_bundle_variables_neither_replace_nor_extend_the_trust(
    tls_sandbox: Sandbox, foreign_tls: LocalServer, unrelated_ca_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(unrelated_ca_file))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(unrelated_ca_file))
    foreign = f"https://127.0.0.1:{foreign_tls.port}/status"
    # The variables are live: plain requests would trust the unrelated CA because of them.
    with requests.Session() as plain:
        assert plain.get(foreign, timeout=5).json() == {"state": "RUNNING"}

    with open_session(Target(tls_sandbox.base_url, ca_file=tls_sandbox.ca_cert)) as session:
        assert session.get(session.target.url("/status")).json() == {"state": "RUNNING"}
        with pytest.raises(requests.exceptions.SSLError, match="certificate verify failed"):
            session.get(foreign)
        with pytest.raises(requests.exceptions.SSLError, match="certificate verify failed"):
            session.get(foreign, verify=str(unrelated_ca_file))


def test_the_foreign_server_is_trusted_once_its_ca_is_the_users_file(
    foreign_tls: LocalServer, unrelated_ca_file: Path
) -> None:
    target = Target(f"https://localhost:{foreign_tls.port}", ca_file=unrelated_ca_file)
    with open_session(target) as session:
        assert session.get(target.url("/status")).json() == {"state": "RUNNING"}


# Connections, headers, timeouts -------------------------------------------------------------------------


def test_five_requests_share_one_connection_and_one_handshake(tls_sandbox: Sandbox) -> None:
    with open_session(Target(tls_sandbox.base_url, ca_file=tls_sandbox.ca_cert)) as session:
        for _ in range(5):
            assert session.get(session.target.url("/rest/api/2/serverInfo")).status_code == 200
        assert session.stats.connections_opened == 1
        assert session.stats.tls_handshakes == 1


def test_connections_closed_by_the_server_are_counted_when_reopened(local: LocalServer) -> None:
    local.replies["/once"] = Reply(body=b'{"ok": true}', with_length=False)
    with open_session(Target(f"http://127.0.0.1:{local.port}")) as session:
        for _ in range(3):
            assert session.get(session.target.url("/once")).json() == {"ok": True}
        assert session.stats.connections_opened == 3
        assert session.stats.tls_handshakes == 0


def test_requests_name_the_product_in_the_user_agent(local: LocalServer) -> None:
    local.replies["/ua"] = Reply()
    with open_session(Target(f"http://127.0.0.1:{local.port}")) as session:
        session.get(session.target.url("/ua"))
    expected = f"jira-link-assistant/{assistant.__version__} (python-requests/{requests.__version__})"
    assert local.seen[-1][1]["User-Agent"] == expected


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """Accepts TCP connections (through the backlog) and never answers."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as listener:
        yield int(listener.getsockname()[1])


def test_the_targets_read_timeout_applies_when_the_caller_gives_none(silent_listener: int) -> None:
    target = Target(f"http://127.0.0.1:{silent_listener}", read_timeout=0.5)
    with open_session(target) as session:
        started = time.monotonic()
        with pytest.raises(requests.exceptions.ReadTimeout):
            session.get(target.url("/rest/api/2/serverInfo"))
    assert 0.4 <= time.monotonic() - started < 0.5 + 2.0


def test_a_callers_timeout_wins_and_a_missing_half_is_filled_in(silent_listener: int) -> None:
    target = Target(f"http://127.0.0.1:{silent_listener}")  # default read timeout: 20 s
    with open_session(target) as session:
        for timeout in (0.3, (None, 0.3)):
            started = time.monotonic()
            with pytest.raises(requests.exceptions.ReadTimeout):
                session.get(target.url("/status"), timeout=timeout)
            assert time.monotonic() - started < 0.3 + 2.0


# Redirects ----------------------------------------------------------------------------------------------


def test_redirects_are_not_followed_unless_asked(tls_sandbox_sso: Sandbox) -> None:
    sandbox = tls_sandbox_sso
    with open_session(Target(sandbox.base_url, ca_file=sandbox.ca_cert)) as session:
        answer = session.get(session.target.url("/rest/api/2/myself"))
        assert answer.status_code == 302
        assert answer.history == []
        assert "/idp/login" in answer.headers["Location"]
        assert session.post(session.target.url("/rest/api/2/issue"), json={}).status_code == 302

        followed = session.get(session.target.url("/rest/api/2/myself"), allow_redirects=True)
        assert [r.status_code for r in followed.history] == [302]
        assert followed.status_code == 200
        with pytest.raises(UnexpectedResponse, match="got an HTML page") as raised:
            read_json(followed)
        assert raised.value.problem == "html"
        assert "text/html" in str(raised.value)
        assert "<!DOCTYPE html>" in raised.value.excerpt


@pytest.fixture
def tls_sandbox_sso() -> Iterator[Sandbox]:
    with Sandbox(tls=True, faults={"sso-redirect"}) as sandbox:
        yield sandbox


def test_a_redirect_to_another_host_is_refused_before_anything_is_sent(local: LocalServer) -> None:
    local.replies["/start"] = Reply(302, b"", {"Location": f"http://localhost:{local.port}/landing?x=1"})
    local.replies["/landing"] = Reply()
    # Plain requests follows it: the other host name is reachable, so only the refusal stops the hop.
    assert requests.get(f"http://127.0.0.1:{local.port}/start", timeout=5).status_code == 200
    local.seen.clear()

    with open_session(Target(f"http://127.0.0.1:{local.port}")) as session:
        with pytest.raises(RedirectRefused, match="another host") as raised:
            session.get(session.target.url("/start"), auth=("admin", "pw"), allow_redirects=True)
        assert session.get(session.target.url("/start")).status_code == 302
    message = str(raised.value)
    assert f"http://127.0.0.1:{local.port}/start" in message
    assert f"http://localhost:{local.port}/landing" in message
    assert [path for path, _ in local.seen] == ["/start", "/start"]


def test_a_redirect_from_https_to_http_is_refused(
    foreign_tls: LocalServer, unrelated_ca_file: Path, local: LocalServer
) -> None:
    foreign_tls.replies["/start"] = Reply(302, b"", {"Location": f"http://127.0.0.1:{local.port}/landing"})
    target = Target(f"https://127.0.0.1:{foreign_tls.port}", ca_file=unrelated_ca_file)
    with open_session(target) as session, pytest.raises(RedirectRefused, match="unencrypted http"):
        session.get(target.url("/start"), allow_redirects=True)
    assert local.seen == []


# Proxies ------------------------------------------------------------------------------------------------


@pytest.fixture
def proxy() -> Iterator[LocalServer]:
    with serving(ForwardingProxy) as server:
        yield server


def test_an_explicit_proxy_carries_the_requests(sandbox: Sandbox, proxy: LocalServer) -> None:
    target = Target(sandbox.base_url, proxy=f"http://127.0.0.1:{proxy.port}")
    with open_session(target) as session:
        answer = session.get(target.url("/rest/api/2/serverInfo"))
    assert read_json(answer)["baseUrl"] == sandbox.base_url
    assert answer.headers["Via"] == "1.1 test-proxy"
    assert [path for path, _ in proxy.seen] == [target.url("/rest/api/2/serverInfo")]


def test_the_environment_proxy_is_honoured_and_no_proxy_bypasses_it(
    sandbox: Sandbox, proxy: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    with open_session(Target(sandbox.base_url)) as session:
        assert session.get(session.target.url("/status")).headers.get("Via") == "1.1 test-proxy"
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        assert "Via" not in session.get(session.target.url("/status")).headers
    assert len(proxy.seen) == 1


def test_an_explicit_proxy_wins_over_the_environment(
    sandbox: Sandbox, proxy: LocalServer, silent_listener: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{silent_listener}")
    target = Target(sandbox.base_url, proxy=f"http://127.0.0.1:{proxy.port}", read_timeout=2)
    with open_session(target) as session:
        assert session.get(target.url("/status")).json() == {"state": "RUNNING"}
    assert len(proxy.seen) == 1


# Reading JSON -------------------------------------------------------------------------------------------


def test_read_json_refuses_an_announced_oversize_body(sandbox: Sandbox) -> None:
    with open_session(Target(sandbox.base_url)) as session:
        answer = session.get(session.target.url("/rest/api/2/serverInfo"), stream=True)
        with pytest.raises(UnexpectedResponse, match="limit 64") as raised:
            read_json(answer, limit_bytes=64)
    assert raised.value.problem == "too-large"


def test_read_json_stops_reading_an_unannounced_oversize_body(local: LocalServer) -> None:
    local.replies["/big"] = Reply(body=b"[" + b"1," * 500_000 + b"1]", with_length=False)
    with open_session(Target(f"http://127.0.0.1:{local.port}")) as session:
        answer = session.get(session.target.url("/big"), stream=True)
        with pytest.raises(UnexpectedResponse, match="exceeds the limit of 100000 bytes"):
            read_json(answer, limit_bytes=100_000)


@pytest.mark.parametrize(
    ("reply", "complaint"),
    [
        (Reply(body=b"hello there", headers={"Content-Type": "text/plain"}), "got something else (text/plain)"),
        (Reply(body=b"", headers={}), "got an empty body"),
        (Reply(body=b"<html><body>Proxy login</body></html>", headers={}), "got an HTML page"),
    ],
    ids=["text", "empty", "html-without-type"],
)
def test_read_json_names_what_came_instead(local: LocalServer, reply: Reply, complaint: str) -> None:
    local.replies["/odd"] = reply
    with open_session(Target(f"http://127.0.0.1:{local.port}")) as session:
        answer = session.get(session.target.url("/odd?token=abc"))
    with pytest.raises(UnexpectedResponse, match="expected JSON from") as raised:
        read_json(answer)
    assert complaint in str(raised.value)
    assert "(HTTP 200)" in str(raised.value)
    assert reply.body[:20].decode() in str(raised.value)
    assert "token=abc" not in str(raised.value)
