"""The `http`, `jira` and `clock` checks against the sandbox's faults and hostile servers on 127.0.0.1.

Hostile servers must be classified within the timeout plus a small margin, with bounded memory and without a
traceback; the sandbox's faults must each be named with their finding code.
"""

from __future__ import annotations

import email.utils
import json
import time
import tracemalloc

import pytest

from assistant.diagnostics.check_http import base_url_differences, check_clock, check_http, check_jira
from assistant.diagnostics.check_url import check_url
from assistant.diagnostics.context import DiagnosticContext
from assistant.diagnostics.runner import Check
from assistant.sandbox import Sandbox
from tests.integration import diag_servers as ds
from tests.integration.diag_servers import no_tracebacks  # noqa: F401 - a fixture, used by pytestmark
from tests.integration.sandbox_helpers import auth

HTTP = (
    Check("url", "URL", check_url),
    Check("http", "What answers", check_http),
    Check("jira", "Jira", check_jira),
    Check("clock", "Clock", check_clock),
)
ALL = (*ds.NETWORK, *HTTP[1:])
MARGIN = ds.MARGIN
pytestmark = pytest.mark.usefixtures("no_tracebacks")


def server_info(**changes: object) -> bytes:
    body: dict[str, object] = {
        "baseUrl": "http://127.0.0.1",
        "version": "9.12.2",
        "versionNumbers": [9, 12, 2],
        "deploymentType": "Server",
        "serverTime": "2024-12-02T10:00:00.000+0000",
        "serverTitle": "Jira",
    }
    body.update(changes)
    return json.dumps(body).encode()


# The sandbox ----------------------------------------------------------------------------------------------


def test_a_healthy_jira_passes_every_layer(tls_sandbox: Sandbox) -> None:
    run = ds.diagnosed(ALL, tls_sandbox.base_url, ca_file=tls_sandbox.ca_cert, method="oauth2")
    statuses = {check.id: check.status for check in run.report.checks}
    # Loopback is internal-only: a note, not a failure.
    assert statuses == {
        "url": "pass",
        "dns": "warn",
        "tcp": "pass",
        "tls": "pass",
        "http": "pass",
        "jira": "pass",
        "clock": "pass",
    }
    assert run.result("http").detail.startswith("Jira answers serverInfo (HTTP 200")
    jira = run.result("jira")
    assert jira.detail == "Jira 10.3.0 (DataCenter), /status RUNNING; the advertised base URL matches"
    assert run.report.target["jira_version"] == "10.3.0"
    assert run.report.target["deployment"] == "DataCenter"
    assert run.ctx.server_date is not None
    assert "within the 300 s OAuth 1.0a allows" in run.result("clock").detail


def test_maintenance_is_jira_unavailable_with_the_state() -> None:
    with Sandbox(faults={"maintenance"}) as down:
        run = ds.diagnosed(HTTP, down.base_url)
    http = run.result("http")
    assert (http.status, http.code) == ("fail", "JIRA_UNAVAILABLE")
    assert "HTTP 503 on /rest/api/2/serverInfo; /status reports MAINTENANCE" in http.detail
    assert http.evidence[0]["status"].startswith("HTTP 503")
    assert run.status("jira") == ("skip", None)


def test_server_error_is_named() -> None:
    with Sandbox(faults={"server-error"}) as broken:
        run = ds.diagnosed(HTTP, broken.base_url)
    assert run.status("http") == ("fail", "SERVER_ERROR")


def test_rate_limit_is_named() -> None:
    # Jira's rate limiting counts authenticated requests, so the session carries the account, as it does once
    # the authenticated checks have attached the connection's credentials.
    with Sandbox(faults={"rate-limit"}) as limited:
        ctx = DiagnosticContext(limited.base_url)
        ctx.session().auth = auth(limited.service_account)
        run = ds.diagnose_with(ctx, HTTP[:2])
    assert run.status("http") == ("fail", "RATE_LIMITED")
    assert "Retry-After: 10" in run.result("http").detail


def test_rate_limit_from_a_gateway_is_named() -> None:
    with ds.Server(ds.canned("429 Too Many Requests", b"slow down", {"Retry-After": "30"})) as server:
        run = ds.diagnosed(HTTP, server.url())
    assert run.status("http") == ("fail", "RATE_LIMITED")
    assert "Retry-After: 30" in run.result("http").detail


def test_sso_portal_is_a_login_redirect() -> None:
    with Sandbox(faults={"sso-redirect"}) as sso:
        run = ds.diagnosed(HTTP, sso.base_url)
    http = run.result("http")
    assert (http.status, http.code) == ("fail", "HTTP_LOGIN_REDIRECT")
    assert "/idp/login" in http.detail
    assert http.evidence[0]["headers"]["Location"].startswith(f"{sso.base_url}/idp/login")


def test_slow_jira_times_out_within_the_budget() -> None:
    with Sandbox(faults={"slow"}) as slow:
        run = ds.diagnosed(HTTP, slow.base_url, timeout=1.0)
    http = run.result("http")
    assert (http.status, http.code) == ("fail", "HTTP_TIMEOUT")
    assert http.duration_ms < (1.0 + MARGIN) * 1000


@pytest.mark.parametrize(("method", "oauth1_note"), [("basic", False), ("oauth1", True)])
def test_base_url_mismatch_warns_and_names_oauth1_signatures(method: str, oauth1_note: bool) -> None:
    with Sandbox(tls=True, faults={"base-url-mismatch"}) as proxied:
        run = ds.diagnosed(HTTP, proxied.base_url, ca_file=proxied.ca_cert, method=method)
    jira = run.result("jira")
    assert (jira.status, jira.code) == ("warn", "JIRA_BASE_URL_MISMATCH")
    assert "Jira advertises http://jira.internal.invalid:8080" in jira.detail
    assert "(scheme, host, port differ)" in jira.detail
    assert ("likely cause of signature failures" in jira.detail) is oauth1_note
    assert jira.evidence[0]["advertised_base_url"] == "http://jira.internal.invalid:8080"
    assert run.status("clock") == ("pass", None)


@pytest.mark.parametrize(("method", "expected"), [("pat", ("warn", "CLOCK_SKEW")), ("oauth1", ("fail", "CLOCK_SKEW"))])
def test_clock_skew_fails_only_for_oauth1(method: str, expected: tuple[str, str]) -> None:
    with Sandbox(faults={"clock-skew"}) as skewed:
        run = ds.diagnosed(HTTP, skewed.base_url, method=method)
    clock = run.result("clock")
    assert (clock.status, clock.code) == expected
    assert "s ahead of this machine's" in clock.detail
    evidence = clock.evidence[0]
    assert 590 <= evidence["skew_seconds"] <= 610
    for name in ("local_utc", "server_date_header", "server_time"):
        assert evidence[name]


@pytest.mark.parametrize(
    ("version", "method", "expected"),
    [
        ("8.20.0", "oauth2", ("fail", "JIRA_TOO_OLD_FOR_METHOD")),
        ("8.13.0", "pat", ("fail", "JIRA_TOO_OLD_FOR_METHOD")),
        ("8.20.0", "oauth1", ("pass", None)),
        ("9.4.0", "oauth1-atlassian-product", ("pass", None)),
        ("8.14.0", "pat", ("pass", None)),
    ],
)
def test_version_against_the_chosen_method(version: str, method: str, expected: tuple[str, str | None]) -> None:
    with Sandbox(jira_version=version) as old:
        run = ds.diagnosed(HTTP, old.base_url, method=method)
    assert run.status("jira") == expected
    if expected[0] == "fail":
        assert f"this instance is {version}" in run.result("jira").detail


def test_base_url_differences() -> None:
    assert base_url_differences("https://jira.example.com", "https://JIRA.example.com:443/") == []
    assert base_url_differences("https://jira.example.com/jira", "http://jira.example.com:8080") == [
        "scheme",
        "port",
        "context path",
    ]


# Hostile and foreign servers ------------------------------------------------------------------------------


@pytest.mark.parametrize("handler", [ds.silent, ds.trickle, ds.trickle_body], ids=["silent", "trickle", "trickle-body"])
def test_servers_that_never_finish_time_out_within_the_budget(handler: ds.Handler) -> None:
    with ds.Server(handler) as server:
        run = ds.diagnosed(HTTP, server.url(), timeout=1.5)
    http = run.result("http")
    assert (http.status, http.code) == ("fail", "HTTP_TIMEOUT")
    assert "no complete answer within 1.5 s" in http.detail
    assert http.duration_ms < (1.5 + MARGIN) * 1000


def test_gigabytes_are_abandoned_at_the_cap_with_bounded_memory() -> None:
    with ds.Server(ds.flood) as server:
        tracemalloc.start()
        try:
            run = ds.diagnosed(HTTP, server.url(), timeout=5.0)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    http = run.result("http")
    assert (http.status, http.code) == ("fail", "HTTP_NOT_JIRA")
    assert "answered more than 256 KiB" in http.detail
    assert peak < 8 * 1024 * 1024
    assert run.seconds < 5.0


@pytest.mark.parametrize(
    ("answer", "code", "phrase"),
    [
        (
            ds.canned(
                "200 OK", b"<html><head><title>Welcome to nginx!</title></head></html>", {"Content-Type": "text/html"}
            ),
            "HTTP_NOT_JIRA",
            "an HTML page answered",
        ),
        (
            ds.canned(
                "200 OK", b"<html><form><input type='password' name='pw'></form></html>", {"Content-Type": "text/html"}
            ),
            "HTTP_LOGIN_REDIRECT",
            "a login page answered",
        ),
        (
            ds.canned("200 OK", bytes(range(256)) * 4, {"Content-Type": "application/octet-stream"}),
            "HTTP_NOT_JIRA",
            "not JSON (Content-Type: application/octet-stream)",
        ),
        (
            ds.canned("404 Not Found", b"<h1>Not Found</h1>", {"Content-Type": "text/html"}),
            "HTTP_NOT_JIRA",
            "context path",
        ),
        (ds.canned("200 OK", b'{"status": "ok"}', {"Content-Type": "application/json"}), "HTTP_NOT_JIRA", "not Jira's"),
        (ds.redirect_loop, "HTTP_NOT_JIRA", "redirect to"),
        (ds.redirect(), "HTTP_NOT_JIRA", "redirects to itself"),
        (ds.canned("301 Moved", b"", {"Location": "https://127.0.0.1/status"}), "HTTP_NOT_JIRA", "redirect to"),
        (
            ds.canned("401 Unauthorized", b"", {"WWW-Authenticate": 'Basic realm="gateway"'}),
            "HTTP_LOGIN_REDIRECT",
            'demands authentication (WWW-Authenticate: Basic realm="gateway")',
        ),
        (
            ds.canned("403 Forbidden", b"denied", {"Content-Type": "text/plain"}),
            "HTTP_NOT_JIRA",
            "IP allow-list or firewall",
        ),
        (
            ds.canned("502 Bad Gateway", b"<html>upstream</html>", {"Via": "1.1 proxy.corp", "Server": "nginx"}),
            "JIRA_UNAVAILABLE",
            "from a proxy (Via: 1.1 proxy.corp)",
        ),
        (ds.canned("500 Internal Server Error", b"boom"), "SERVER_ERROR", "HTTP 500"),
        (ds.proxy_demanding_auth, "PROXY_AUTH_REQUIRED", "407"),
    ],
    ids=[
        "web-server",
        "login-form",
        "binary",
        "404-both",
        "other-json",
        "redirect-loop",
        "self-redirect",
        "other-host",
        "gateway-401",
        "firewall-403",
        "proxy-502",
        "500",
        "407",
    ],
)
def test_what_answers_instead_of_jira_is_named(answer: ds.Handler, code: str, phrase: str) -> None:
    with ds.Server(answer) as server:
        run = ds.diagnosed(HTTP, server.url(), timeout=3.0)
    http = run.result("http")
    assert (http.status, http.code) == ("fail", code), http.detail
    assert phrase in http.detail
    assert run.seconds < 3.0 + MARGIN


def test_https_upgrade_redirect_names_the_https_address() -> None:
    with ds.Server(ds.canned("302 Found")) as server:
        target = server.url("https")
        server.handler = ds.redirect(target, "301 Moved Permanently")
        run = ds.diagnosed(HTTP, server.url())
    http = run.result("http")
    assert http.code == "HTTP_NOT_JIRA"
    assert f"redirects to https://; use {target}" in http.detail


def test_everything_above_tcp_runs_through_a_working_proxy(tls_sandbox: Sandbox) -> None:
    with ds.Server(ds.tunnelling_proxy) as proxy:
        run = ds.diagnosed(ALL, tls_sandbox.base_url, ca_file=tls_sandbox.ca_cert, proxy=proxy.url())
    assert [check.status for check in run.report.checks] == ["pass", "warn", "pass", "pass", "pass", "pass", "pass"]
    assert sum(head.startswith(b"CONNECT 127.0.0.1:") for head in proxy.requests) >= 2  # tls probe and session


def test_http_proxy_answering_407_for_an_http_target() -> None:
    with ds.Server(ds.proxy_demanding_auth) as proxy:
        run = ds.diagnosed(HTTP, "http://jira.example.com", proxy=proxy.url(), timeout=3.0)
    http = run.result("http")
    assert (http.status, http.code) == ("fail", "PROXY_AUTH_REQUIRED")
    assert http.evidence[0]["headers"]["Proxy-Authenticate"] == 'Basic realm="corporate proxy"'


def test_jira_cloud_answer_is_named() -> None:
    with ds.Server(ds.jira_like(server_info(deploymentType="Cloud"))) as server:
        run = ds.diagnosed(HTTP, server.url())
    assert run.status("http") == ("pass", None)
    assert run.status("jira") == ("fail", "URL_IS_CLOUD")


def test_clock_reads_the_date_header_and_server_time() -> None:
    stale = email.utils.formatdate(time.time() - 3600, usegmt=True)
    with ds.Server(ds.jira_like(server_info(), date=stale)) as server:
        run = ds.diagnosed((HTTP[0], HTTP[3]), server.url(), method="oauth1-generic")
    clock = run.result("clock")
    assert (clock.status, clock.code) == ("fail", "CLOCK_SKEW")
    assert "s behind this machine's" in clock.detail
    assert -3610 <= clock.evidence[0]["skew_seconds"] <= -3590
    assert clock.evidence[0]["server_time"] == "2024-12-02T10:00:00+00:00"
