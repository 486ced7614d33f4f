"""The `dns`, `tcp` and `tls` checks against real listeners on 127.0.0.1: each fault named, within its budget."""

from __future__ import annotations

import datetime as dt
import socket
import time
from pathlib import Path

import pytest

from assistant.diagnostics.check_network import internal_reasons
from assistant.sandbox import Sandbox
from tests.integration import diag_servers as ds
from tests.integration.diag_servers import no_tracebacks  # noqa: F401 - a fixture, used by pytestmark

NETWORK, MARGIN = ds.NETWORK, ds.MARGIN
pytestmark = pytest.mark.usefixtures("no_tracebacks")


# dns ------------------------------------------------------------------------------------------------------


def test_loopback_address_is_noted_as_internal_only_with_the_agent_route(sandbox: Sandbox) -> None:
    run = ds.diagnosed(NETWORK, sandbox.base_url)
    dns = run.result("dns")
    assert (dns.status, dns.code) == ("warn", "NETWORK_INTERNAL_ONLY")
    assert "127.0.0.1 is not a public internet address" in dns.detail
    assert "cannot reach it" in dns.detail
    assert dns.remedy is not None
    assert "outbound tunnel" in dns.remedy
    assert run.ctx.internal_only
    assert run.ctx.addresses == ["127.0.0.1"]
    assert run.status("tcp") == ("pass", None)  # a note, not a failure: the next layers still run


def test_single_label_name_resolves_and_is_noted(sandbox: Sandbox) -> None:
    url = sandbox.base_url.replace("127.0.0.1", "localhost")
    run = ds.diagnosed(NETWORK[:3], url)
    dns = run.result("dns")
    assert dns.code == "NETWORK_INTERNAL_ONLY"
    assert "localhost is a name without a domain" in dns.detail
    assert set(run.ctx.addresses) & {"127.0.0.1", "::1"}
    assert dns.evidence[0]["addresses"] == run.ctx.addresses
    assert run.status("tcp") == ("pass", None)


def test_public_ip_literal_needs_no_resolution() -> None:
    run = ds.diagnosed(NETWORK[:2], "https://8.8.8.8/jira")
    dns = run.result("dns")
    assert (dns.status, dns.code) == ("pass", None)
    assert dns.detail == "8.8.8.8 is an IP address; nothing to resolve"
    assert not run.ctx.internal_only


@pytest.mark.parametrize(
    ("host", "addresses", "expected"),
    [
        ("jira.corp", ["203.0.113.7"], ["jira.corp ends in .corp", "203.0.113.7 is not a public"]),
        ("jira.example.com", ["10.1.2.3", "8.8.4.4"], ["10.1.2.3 is not a public internet address"]),
        ("jira.example.com", ["169.254.1.1"], ["169.254.1.1 is not a public"]),
        ("jira.example.com", ["fd00::1"], ["fd00::1 is not a public"]),
        ("jira.example.com", ["8.8.4.4"], []),
    ],
)
def test_internal_only_reasons(host: str, addresses: list[str], expected: list[str]) -> None:
    reasons = internal_reasons(host, addresses)
    assert len(reasons) == len(expected)
    for reason, start in zip(reasons, expected, strict=True):
        assert reason.startswith(start)


def test_unknown_host_is_dns_not_found_and_stops_the_walk() -> None:
    run = ds.diagnosed(NETWORK, "https://jira.does-not-exist.invalid", timeout=3.0)
    assert run.status("dns") == ("fail", "DNS_NOT_FOUND")
    assert "jira.does-not-exist.invalid" in run.result("dns").detail
    assert "agent" in (run.result("dns").remedy or "")
    assert run.status("tcp") == ("skip", None)
    assert "dns check failed (DNS_NOT_FOUND)" in run.result("tls").detail
    assert run.seconds < 3.0 + MARGIN


def test_a_resolver_that_never_answers_is_cut_off_at_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stalled resolver cannot be built from outside the process: the resolver call itself is made to stall.
    def stalled(*args: object, **kwargs: object) -> list[object]:
        time.sleep(5)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", stalled)
    run = ds.diagnosed(NETWORK[:2], "https://jira.example.com", timeout=1.0)
    assert run.status("dns") == ("fail", "DNS_NOT_FOUND")
    assert "no answer within 1.0 s" in run.result("dns").detail
    assert run.seconds < 1.0 + MARGIN


def test_with_a_proxy_dns_and_tcp_check_the_proxy() -> None:
    port = ds.free_port()
    run = ds.diagnosed(NETWORK, "https://jira.example.com", proxy=f"http://127.0.0.1:{port}", timeout=2.0)
    dns = run.result("dns")
    assert f"through the proxy 127.0.0.1:{port}, which resolves jira.example.com itself" in dns.detail
    assert dns.evidence[0]["proxy"] == f"127.0.0.1:{port}"
    assert run.status("tcp") == ("fail", "PROXY_UNREACHABLE")
    assert "refused" in run.result("tcp").detail


def test_unresolvable_proxy_is_proxy_unreachable() -> None:
    run = ds.diagnosed(NETWORK, "https://jira.example.com", proxy="http://proxy.does-not-exist.invalid:3128")
    assert run.status("dns") == ("fail", "PROXY_UNREACHABLE")
    assert "the proxy host proxy.does-not-exist.invalid does not resolve" in run.result("dns").detail


# tcp ------------------------------------------------------------------------------------------------------


def test_refused_port_is_tcp_refused() -> None:
    port = ds.free_port()
    run = ds.diagnosed(NETWORK, f"https://127.0.0.1:{port}", timeout=2.0)
    tcp = run.result("tcp")
    assert (tcp.status, tcp.code) == ("fail", "TCP_REFUSED")
    assert f"nothing listens on port {port}" in tcp.detail
    assert tcp.evidence[0]["attempts"][0]["result"] == "refused"
    assert run.status("tls") == ("skip", None)


def test_black_holed_port_is_tcp_timeout_within_the_budget() -> None:
    with ds.black_hole() as port:
        run = ds.diagnosed(NETWORK, f"https://127.0.0.1:{port}", timeout=1.5)
    tcp = run.result("tcp")
    assert (tcp.status, tcp.code) == ("fail", "TCP_TIMEOUT")
    assert "did not accept a connection within 1.5 s" in tcp.detail
    assert tcp.duration_ms < (1.5 + MARGIN) * 1000
    assert run.seconds < 1.5 + MARGIN


# tls ------------------------------------------------------------------------------------------------------


def test_verified_chain_is_shown_with_its_anchor(tls_sandbox: Sandbox) -> None:
    run = ds.diagnosed(NETWORK, tls_sandbox.base_url, ca_file=tls_sandbox.ca_cert)
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("pass", None)
    assert tls.detail.startswith("TLSv1.")
    assert "anchored by the CA file ca.pem" in tls.detail
    evidence = tls.evidence[0]
    assert evidence["anchored_by"] == "the CA file ca.pem"
    leaf = evidence["certificates"][0]
    assert "CN=localhost" in leaf["subject"]
    assert "Jira Link Assistant sandbox CA" in leaf["issuer"]
    assert "127.0.0.1" in leaf["names"]
    assert len(leaf["sha256"].split(":")) == 32
    assert dt.datetime.fromisoformat(leaf["not_after"]) > dt.datetime.now(dt.UTC)
    assert run.ctx.tls["protocol"] == evidence["protocol"]


def test_plain_http_skips_tls(sandbox: Sandbox) -> None:
    run = ds.diagnosed(NETWORK, sandbox.base_url)
    assert run.status("tls") == ("skip", None)
    assert run.result("tls").detail == "plain http: there is no TLS to check"


def test_certificate_from_an_unknown_ca_is_untrusted(tmp_path: Path) -> None:
    cert = ds.trustme_cert(tmp_path, "leaf", "127.0.0.1")
    other = ds.trustme_cert(tmp_path, "other", "127.0.0.1")
    with ds.Server(ds.canned("200 OK"), tls=cert.server) as server:
        without = ds.diagnosed(NETWORK, server.url("https"))
        wrong_file = ds.diagnosed(NETWORK, server.url("https"), ca_file=other.ca_file)
    for run in (without, wrong_file):
        tls = run.result("tls")
        assert (tls.status, tls.code) == ("fail", "TLS_UNTRUSTED")
        assert "O=trustme" in tls.evidence[0]["certificates"][0]["issuer"]
    assert "not in the OS store (no CA file was given)" in without.result("tls").detail
    assert "not in the OS store or the CA file" in wrong_file.result("tls").detail


def test_self_signed_certificate_is_untrusted_and_named(tmp_path: Path) -> None:
    cert = ds.self_signed_cert(tmp_path)
    with ds.Server(ds.canned("200 OK"), tls=cert.server) as server:
        run = ds.diagnosed(NETWORK, server.url("https"))
        trusted = ds.diagnosed(NETWORK, server.url("https"), ca_file=cert.ca_file)
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("fail", "TLS_UNTRUSTED")
    assert "CN=jira.selfsigned.test is self-signed" in tls.detail
    assert "self-signed certificate" in tls.evidence[0]["error"]
    assert trusted.status("tls") == ("pass", None)  # picking the certificate as the CA file is the remedy


def test_expired_certificate_is_tls_expired_with_its_dates(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    cert = ds.trustme_cert(
        tmp_path, "expired", "127.0.0.1", not_before=now - dt.timedelta(days=90), not_after=now - dt.timedelta(days=2)
    )
    with ds.Server(ds.canned("200 OK"), tls=cert.server) as server:
        run = ds.diagnosed(NETWORK, server.url("https"), ca_file=cert.ca_file)
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("fail", "TLS_EXPIRED")
    assert f"to {(now - dt.timedelta(days=2)):%Y-%m-%d}" in tls.detail
    assert tls.evidence[0]["certificates"][0]["not_after"].startswith(f"{now - dt.timedelta(days=2):%Y-%m-%d}")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_certificate_for_another_host_is_a_hostname_mismatch(tmp_path: Path, host: str) -> None:
    cert = ds.trustme_cert(tmp_path, "wrong-host", "jira.example.test")
    with ds.Server(ds.canned("200 OK"), tls=cert.server) as server:
        run = ds.diagnosed(NETWORK, server.url("https", host=host), ca_file=cert.ca_file)
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("fail", "TLS_HOSTNAME_MISMATCH")
    assert f"the certificate names jira.example.test, not {host}" in tls.detail


def test_certificate_expiring_within_two_weeks_warns(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    cert = ds.trustme_cert(tmp_path, "soon", "127.0.0.1", not_after=now + dt.timedelta(days=5))
    with ds.Server(ds.canned("200 OK"), tls=cert.server) as server:
        run = ds.diagnosed(NETWORK, server.url("https"), ca_file=cert.ca_file)
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("warn", "TLS_EXPIRING_SOON")
    assert f"expires on {(now + dt.timedelta(days=5)):%Y-%m-%d}" in tls.detail


def test_tls_1_0_only_server_is_a_protocol_failure_showing_what_it_offers(tmp_path: Path) -> None:
    cert = ds.trustme_cert(tmp_path, "old", "127.0.0.1")
    old = ds.tls10_only(cert.server)
    if old is None:
        pytest.skip("this OpenSSL cannot serve TLS 1.0 at all")
    with ds.Server(ds.canned("200 OK"), tls=old) as server:
        run = ds.diagnosed(NETWORK, server.url("https"), ca_file=cert.ca_file)
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("fail", "TLS_PROTOCOL")
    if tls.evidence[0].get("offered_protocol") is None:
        pytest.skip("this OpenSSL refuses TLS 1.0 even on the read-only probe")
    assert tls.evidence[0]["offered_protocol"] == "TLSv1"
    assert "the server offers TLSv1; this client requires TLS 1.2 or later" in tls.detail


def test_plain_http_on_an_https_url_is_a_protocol_failure() -> None:
    with ds.Server(ds.canned("400 Bad Request", b"not TLS"), reads_head=False) as server:
        run = ds.diagnosed(NETWORK, server.url("https"), timeout=3.0)
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("fail", "TLS_PROTOCOL")
    assert run.seconds < 3.0 + MARGIN


def test_listener_that_never_answers_the_handshake_times_out_within_the_budget() -> None:
    with ds.Server(ds.silent) as server:
        run = ds.diagnosed(NETWORK, server.url("https"), timeout=1.5)
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("fail", "HTTP_TIMEOUT")
    assert "no answer during the TLS handshake within" in tls.detail
    assert tls.duration_ms < (1.5 + MARGIN) * 1000


def test_proxy_demanding_authentication_stops_the_tls_tunnel() -> None:
    with ds.Server(ds.proxy_demanding_auth) as proxy:
        run = ds.diagnosed(NETWORK, "https://jira.example.com", proxy=proxy.url(), timeout=3.0)
    assert run.status("tcp") == ("pass", None)  # the proxy itself is reachable
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("fail", "PROXY_AUTH_REQUIRED")
    assert "407 Proxy Authentication Required" in tls.detail
    assert any(head.startswith(b"CONNECT jira.example.com:443 HTTP/1.1") for head in proxy.requests)


def test_tls_runs_through_a_working_proxy_tunnel(tls_sandbox: Sandbox) -> None:
    with ds.Server(ds.tunnelling_proxy) as proxy:
        run = ds.diagnosed(NETWORK, tls_sandbox.base_url, ca_file=tls_sandbox.ca_cert, proxy=proxy.url())
    assert run.status("tcp") == ("pass", None)
    tls = run.result("tls")
    assert (tls.status, tls.code) == ("pass", None)
    port = tls_sandbox.base_url.rsplit(":", 1)[1]
    assert tls.evidence[0]["request"] == f"TLS handshake with 127.0.0.1:{port} through the proxy"
    assert any(head.startswith(b"CONNECT 127.0.0.1:") for head in proxy.requests)
