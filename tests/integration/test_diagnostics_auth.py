"""The authenticated checks against the sandbox: each fault and each credential error names its finding code.

Every diagnosis runs the whole check list over real HTTPS, so each test also proves that the layers below
(`url` … `clock`) pass for a healthy sandbox and that everything after the failing check is skipped.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1
from requests_oauthlib import OAuth1

from assistant.core.connection import Connection
from assistant.diagnostics.check_auth import check_auth, check_identity
from assistant.diagnostics.context import DiagnosticContext
from assistant.diagnostics.model import Report
from assistant.diagnostics.runner import Check, diagnose
from assistant.sandbox import Sandbox
from assistant.sandbox.state import OAuth1Token, SandboxState
from tests.integration.diagnose_helpers import KEY, PRIVATE_PEM, oauth1_connection, oauth2_connection, result, run
from tests.integration.engine_helpers import basic_connection, connection_for, pat_connection

NETWORK = ("url", "dns", "tcp", "tls", "http", "jira", "clock")
AUTH_ONLY = (
    Check("auth", "auth", check_auth, needs_credentials=True),
    Check("identity", "identity", check_identity, needs_credentials=True),
)


@pytest.fixture
def jira() -> Iterator[Sandbox]:
    with Sandbox(tls=True, auto_approve=True) as sb:
        yield sb


def as_user(connection: Connection, username: str) -> Connection:
    return dataclasses.replace(connection, username=username)


def failed_at(report: Report, check_id: str, code: str) -> None:
    """The check failed with the code, with a remedy; every earlier layer ran, every later one was skipped."""
    failed = result(report, check_id)
    assert (failed.status, failed.code) == ("fail", code), failed
    assert failed.remedy
    assert report.first_failure == failed
    ids = [check.id for check in report.checks]
    before, after = ids[: ids.index(check_id)], ids[ids.index(check_id) + 1 :]
    assert all(result(report, i).status in ("pass", "warn", "skip") for i in before)
    assert all(result(report, i).status == "skip" for i in after)
    assert all(check_id in result(report, i).detail for i in after)


def minted_oauth1_connection(sandbox: Sandbox, token: str | None = None) -> Connection:
    """An OAuth 1.0a link whose access token is put straight into Jira's store (no dance, which some faults
    would refuse): what a link set up before the fault appeared holds."""
    key = f"consumer-{time.monotonic_ns()}"
    sandbox.add_oauth1_consumer(key, "Connector", KEY.public_pem)
    value = token or f"token-{time.monotonic_ns()}"
    with sandbox.state.change():
        sandbox.state.oauth1_tokens[value] = OAuth1Token(
            token=value,
            secret="",
            consumer_key=key,
            kind="access",
            expires_at=sandbox.state.now() + 3600,
            user=SandboxState.SERVICE_ACCOUNT,
        )
    connection = connection_for(sandbox, "oauth1-atlassian-product", consumer_key=key)
    return connection.with_secrets(private_key=PRIVATE_PEM, oauth1_token=value)


def run_with_auth(sandbox: Sandbox, connection: Connection, auth: requests.auth.AuthBase) -> Report:
    """The authenticated checks with the session's credentials replaced, as a misconfigured client sends them."""
    ctx = DiagnosticContext(sandbox.base_url, connection=connection, ca_file=sandbox.ca_cert, timeout=5)
    ctx.chain().session.auth = auth
    return diagnose(ctx, AUTH_ONLY)


# Healthy links -----------------------------------------------------------------------------------------


def test_basic_link_passes_every_layer_and_names_the_account(jira: Sandbox) -> None:
    report = run(jira, basic_connection(jira), write_test=True)
    assert report.outcome != "fail", report.as_dict()
    assert all(result(report, i).status in ("pass", "warn") for i in NETWORK)
    assert [result(report, i).status for i in ("auth", "identity", "permissions", "write")] == ["pass"] * 4
    assert report.auth == {"method": "basic", "identity": jira.service_account.username}
    assert "closed" in result(report, "write").detail
    auth = result(report, "auth")
    assert auth.evidence[0]["headers"]["X-AUSERNAME"] == jira.service_account.username


@pytest.mark.parametrize("factory", [pat_connection, oauth2_connection, oauth1_connection])
def test_token_and_signature_methods_pass(jira: Sandbox, factory: Any) -> None:
    report = run(jira, factory(jira))
    assert report.outcome != "fail", report.as_dict()
    assert report.auth["identity"] == jira.service_account.username


def test_permissions_are_skipped_without_a_project(jira: Sandbox) -> None:
    connection = dataclasses.replace(basic_connection(jira), project_key=None)
    ctx = DiagnosticContext(jira.base_url, connection=connection, ca_file=jira.ca_cert, timeout=5)
    from assistant.diagnostics.checks import CHECKS

    report = diagnose(ctx, CHECKS)
    assert result(report, "permissions").status == "skip"
    assert "--project" in result(report, "permissions").detail


# auth: the method's own failure signals ---------------------------------------------------------------


def test_wrong_password_is_bad_credentials(jira: Sandbox) -> None:
    report = run(jira, basic_connection(jira, "not-the-password"))
    failed_at(report, "auth", "AUTH_BAD_CREDENTIALS")
    assert result(report, "auth").evidence[0]["headers"]["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"


def test_wrong_password_answered_200_is_still_bad_credentials() -> None:
    with Sandbox(tls=True, faults={"basic-200-on-failure"}) as sb:
        report = run(sb, basic_connection(sb, "not-the-password"))
    failed_at(report, "auth", "AUTH_BAD_CREDENTIALS")


def test_captcha_is_named_even_with_the_right_password() -> None:
    with Sandbox(tls=True, faults={"captcha"}) as sb:
        report = run(sb, basic_connection(sb))
    failed_at(report, "auth", "AUTH_CAPTCHA")
    headers = result(report, "auth").evidence[0]["headers"]
    assert headers["X-Authentication-Denied-Reason"].startswith("CAPTCHA_CHALLENGE")


def test_repeated_failures_lead_to_the_captcha(jira: Sandbox) -> None:
    for _ in range(jira.options.max_authentication_attempts):
        run(jira, basic_connection(jira, "not-the-password"))
    failed_at(run(jira, basic_connection(jira)), "auth", "AUTH_CAPTCHA")


def test_basic_disabled() -> None:
    with Sandbox(tls=True, faults={"basic-disabled"}) as sb:
        report = run(sb, basic_connection(sb))
    failed_at(report, "auth", "AUTH_BASIC_DISABLED")


def test_unknown_pat_is_a_token_failure_not_a_pass(jira: Sandbox) -> None:
    report = run(jira, pat_connection(jira, "not-a-token-jira-knows-0123456789"))
    failed_at(report, "auth", "AUTH_TOKEN_INVALID")
    assert result(report, "auth").evidence[0]["headers"]["X-AUSERNAME"] == "anonymous"


def test_pat_ignored_because_pats_are_disabled() -> None:
    with Sandbox(tls=True, faults={"pat-disabled"}) as sb:
        report = run(sb, pat_connection(sb))
    failed_at(report, "auth", "AUTH_TOKEN_INVALID")


def test_rate_limit_on_the_authenticated_call() -> None:
    with Sandbox(tls=True, faults={"rate-limit"}) as sb:
        report = run(sb, basic_connection(sb))
    failed_at(report, "auth", "RATE_LIMITED")
    assert result(report, "auth").evidence[0]["headers"]["Retry-After"] == "10"


# OAuth 2.0 -------------------------------------------------------------------------------------------


def test_unknown_oauth2_access_token(jira: Sandbox) -> None:
    connection = oauth2_connection(jira).with_secrets(access_token="an-access-token-jira-never-issued")
    failed_at(run(jira, connection), "auth", "AUTH_TOKEN_INVALID")


def test_expired_oauth2_access_token() -> None:
    with Sandbox(tls=True, auto_approve=True, lifetimes=_short_access()) as sb:
        connection = oauth2_connection(sb)
        time.sleep(1.2)
        report = run(sb, dataclasses.replace(connection, token_expires_at=time.time() - 0.1))
    failed_at(report, "auth", "OAUTH2_TOKEN_EXPIRED")


def _short_access() -> Any:
    from assistant.sandbox.options import Lifetimes

    return Lifetimes(oauth2_access=1)


def test_reset_client_secret_is_named_while_the_token_still_works(jira: Sandbox) -> None:
    connection = oauth2_connection(jira).with_secrets(client_secret="0" * 64)
    report = run(jira, connection)
    failed_at(report, "auth", "OAUTH2_INVALID_CLIENT")
    assert "refresh" in result(report, "auth").detail


def test_read_scope_cannot_write() -> None:
    with Sandbox(tls=True, auto_approve=True) as sb:
        report = run(sb, oauth2_connection(sb, scope="READ"), write_test=True)
    failed_at(report, "write", "OAUTH2_INSUFFICIENT_SCOPE")


# OAuth 1.0a ------------------------------------------------------------------------------------------


def test_wrong_private_key_is_a_signature_failure_with_matching_urls(jira: Sandbox) -> None:
    from assistant.core.credentials import generate_rsa_key_pair

    other = generate_rsa_key_pair(2048).private_pem().decode()
    report = run(jira, minted_oauth1_connection(jira).with_secrets(private_key=other))
    failed_at(report, "auth", "OAUTH1_SIGNATURE_INVALID")
    comparison = result(report, "auth").evidence[0]["signature_base_strings"]
    assert comparison["differences"] == []
    assert "public key" in result(report, "auth").detail


def test_base_url_mismatch_shows_the_marked_difference() -> None:
    with Sandbox(tls=True, faults={"base-url-mismatch"}) as sb:
        connection = minted_oauth1_connection(sb)
        report = run(sb, connection)
        port = str(sb.base_url.rsplit(":", 1)[1])
    assert result(report, "jira").code == "JIRA_BASE_URL_MISMATCH"
    failed_at(report, "auth", "OAUTH1_SIGNATURE_INVALID")
    auth = result(report, "auth")
    comparison = auth.evidence[0]["signature_base_strings"]
    assert comparison["jira_source"] == "reported by Jira"
    assert {d["part"]: (d["client"], d["jira"]) for d in comparison["differences"]} == {
        "scheme": ("https", "http"),
        "host": ("127.0.0.1", "jira.internal.invalid"),
        "port": (port, "8080"),
    }
    client_line, jira_line, marks = comparison["marked"].splitlines()
    assert client_line.endswith(f"https://127.0.0.1:{port}/rest/api/2/myself")
    assert jira_line.endswith("http://jira.internal.invalid:8080/rest/api/2/myself")
    marked = jira_line[marks.index("^") : len(marks)]
    assert marked == "http://jira.internal.invalid:8080"
    assert comparison["signed_by_client"].startswith("GET&https%3A%2F%2F127.0.0.1")
    assert comparison["used_by_jira"].startswith("GET&http%3A%2F%2Fjira.internal.invalid%3A8080")
    for text in (comparison["signed_by_client"], comparison["used_by_jira"], auth.evidence[0]["body_excerpt"]):
        assert "oauth_nonce%253D«redacted»" in text or "oauth_nonce%3D«redacted»" in text
        assert "oauth_token%253D«redacted»" in text or "oauth_token%3D«redacted»" in text
    assert connection.secrets["oauth1_token"] not in str(report.as_dict())


def test_base_url_mismatch_without_an_echo_is_implied_by_the_advertised_url() -> None:
    from assistant.diagnostics.oauth1_signature import BaseString, implied_base_string

    client = BaseString("GET", "https://jira.example.com/rest/api/2/myself", "oauth_consumer_key=k")
    implied = implied_base_string(client, "https://jira.example.com", "http://jira.example.com:8080/jira")
    assert implied.uri == "http://jira.example.com:8080/jira/rest/api/2/myself"


def test_unknown_consumer(jira: Sandbox) -> None:
    connection = dataclasses.replace(minted_oauth1_connection(jira), consumer_key="no-link-has-this-key")
    failed_at(run(jira, connection), "auth", "OAUTH1_CONSUMER_UNKNOWN")


def test_unknown_token(jira: Sandbox) -> None:
    connection = minted_oauth1_connection(jira).with_secrets(oauth1_token="a-token-from-another-jira")
    failed_at(run(jira, connection), "auth", "OAUTH1_TOKEN_REJECTED")


def test_hmac_signature_is_rejected(jira: Sandbox) -> None:
    connection = minted_oauth1_connection(jira)
    hmac = OAuth1(
        connection.consumer_key or "",
        client_secret="shared",
        resource_owner_key=connection.secrets["oauth1_token"],
        signature_method=SIGNATURE_HMAC_SHA1,
    )
    report = run_with_auth(jira, connection, hmac)
    assert (result(report, "auth").status, result(report, "auth").code) == ("fail", "OAUTH1_SIGNATURE_METHOD_REJECTED")


def test_clock_skew_stops_at_the_clock_and_the_signed_call_is_refused() -> None:
    with Sandbox(tls=True, faults={"clock-skew"}) as sb:
        connection = minted_oauth1_connection(sb)
        failed_at(run(sb, connection), "clock", "CLOCK_SKEW")
        ctx = DiagnosticContext(sb.base_url, connection=connection, ca_file=sb.ca_cert, timeout=5)
        report = diagnose(ctx, AUTH_ONLY)
    assert (result(report, "auth").status, result(report, "auth").code) == ("fail", "OAUTH1_TIMESTAMP_REFUSED")


# identity ---------------------------------------------------------------------------------------------


class _StripAuthorization(requests.auth.AuthBase):
    """What a reverse proxy that drops the Authorization header does to every request."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        return request


def test_calls_that_arrive_without_credentials_run_as_anonymous(jira: Sandbox) -> None:
    report = run_with_auth(jira, basic_connection(jira), _StripAuthorization())
    assert result(report, "auth").status == "pass"
    assert (result(report, "identity").status, result(report, "identity").code) == ("fail", "IDENTITY_ANONYMOUS")


def test_inactive_account(jira: Sandbox) -> None:
    inactive = jira.inactive_user
    report = run(jira, as_user(basic_connection(jira, inactive.password), inactive.username))
    assert result(report, "auth").status == "pass"
    failed_at(report, "identity", "IDENTITY_INACTIVE")


def test_administrator_account_is_a_warning(jira: Sandbox) -> None:
    admin = jira.admin
    report = run(jira, as_user(basic_connection(jira, admin.password), admin.username))
    identity = result(report, "identity")
    assert (identity.status, identity.code) == ("warn", "IDENTITY_IS_ADMIN")
    assert report.auth["identity"] == admin.username
    assert result(report, "permissions").status == "pass"


def test_token_of_another_account_is_a_warning(jira: Sandbox) -> None:
    report = run(jira, as_user(pat_connection(jira), "nucleus-bot"))
    identity = result(report, "identity")
    assert (identity.status, identity.code) == ("warn", "IDENTITY_NOT_SERVICE_ACCOUNT")
    assert "nucleus-bot" in identity.detail


# permissions and write ----------------------------------------------------------------------------------


def test_unknown_project(jira: Sandbox) -> None:
    connection = dataclasses.replace(basic_connection(jira), project_key="NOPE")
    ctx = DiagnosticContext(jira.base_url, connection=connection, project_key="NOPE", ca_file=jira.ca_cert)
    from assistant.diagnostics.checks import CHECKS

    failed_at(diagnose(ctx, CHECKS), "permissions", "PROJECT_NOT_FOUND")


def test_missing_permissions_are_each_named() -> None:
    with Sandbox(tls=True, faults={"no-permissions"}) as sb:
        report = run(sb, basic_connection(sb))
    failed_at(report, "permissions", "PERMISSION_MISSING")
    detail = result(report, "permissions").detail
    assert "CREATE_ISSUES" in detail
    assert "TRANSITION_ISSUES" in detail
    assert "BROWSE_PROJECTS" not in detail
    assert result(report, "permissions").evidence[0]["project"] == sb.project_key


def test_refused_comment_is_a_write_failure_and_the_test_issue_is_closed(jira: Sandbox) -> None:
    service = jira.state.users[SandboxState.SERVICE_ACCOUNT]
    with jira.state.change():
        service.project_permissions.remove("ADD_COMMENTS")
    ctx = DiagnosticContext(
        jira.base_url,
        connection=basic_connection(jira),
        project_key=jira.project_key,
        needed_permissions=("BROWSE_PROJECTS", "CREATE_ISSUES", "TRANSITION_ISSUES"),
        ca_file=jira.ca_cert,
        write_test=True,
    )
    from assistant.diagnostics.checks import CHECKS

    report = diagnose(ctx, CHECKS)
    failed_at(report, "write", "WRITE_FAILED")
    assert "closed" in result(report, "write").detail
    (issue,) = jira.state.issues.values()
    assert issue.status_id == "10001"


def test_test_issue_that_cannot_be_removed_is_named(jira: Sandbox) -> None:
    service = jira.state.users[SandboxState.SERVICE_ACCOUNT]

    def lose_transition_permission(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        # The workflow lets the account move the issue once, then a condition hides every transition.
        if response.request.method == "POST" and response.request.url and "/transitions" in response.request.url:
            with jira.state.change():
                if "TRANSITION_ISSUES" in service.project_permissions:
                    service.project_permissions.remove("TRANSITION_ISSUES")

    ctx = DiagnosticContext(
        jira.base_url, connection=basic_connection(jira), project_key=jira.project_key, ca_file=jira.ca_cert
    )
    ctx.write_test = True
    ctx.session().hooks["response"].append(lose_transition_permission)
    from assistant.diagnostics.checks import CHECKS

    report = diagnose(ctx, CHECKS)
    write = result(report, "write")
    assert (write.status, write.code) == ("warn", "WRITE_CLEANUP_LEFT")
    (issue,) = jira.state.issues.values()
    assert issue.key in write.detail
