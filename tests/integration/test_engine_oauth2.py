"""The engine's OAuth 2.0 against the sandbox's provider over HTTPS with its CA as the user's CA file.

The "browser" here is a plain HTTP client following Jira's redirects, which with `auto_approve` end at the
loopback receiver exactly as a real browser's would.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from assistant.jira import admin, oauth2
from assistant.jira.dances import OAuth2Dance
from assistant.jira.loopback import LoopbackError
from assistant.jira.problems import JiraProblem
from assistant.sandbox import Sandbox
from tests.conftest import session_for
from tests.integration.engine_helpers import connection_for, failure_code, session_to, validate


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def jira() -> Iterator[Sandbox]:
    with Sandbox(tls=True, auto_approve=True) as sb:
        yield sb


def browser_visit(sandbox: Sandbox, url: str) -> requests.Response:
    """Follows Jira's redirects as a browser does, into the loopback receiver."""
    with session_for(sandbox) as browser:
        return browser.get(url, allow_redirects=True, timeout=10)


def register(sandbox: Sandbox, redirect: str, scope: str = "WRITE") -> oauth2.OAuth2App:
    client_id, secret = sandbox.add_oauth2_client("Connector", [redirect], scope)
    return oauth2.OAuth2App(client_id, secret, redirect, scope)


def test_loopback_dance_then_validation_as_the_service_account(jira: Sandbox) -> None:
    app = register(jira, f"http://localhost:{free_port()}/callback")
    with session_to(jira) as session:
        dance = OAuth2Dance(session, jira.base_url, app)
        url = dance.start()
        visit = threading.Thread(target=browser_visit, args=(jira, url))
        visit.start()
        tokens = dance.wait(timeout=10)
        visit.join()
    assert tokens.expires_in() > 3000
    assert tokens.scope == "WRITE"
    connection = connection_for(jira, "oauth2", client_id=app.client_id, token_expires_at=tokens.expires_at)
    connection = connection.with_secrets(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    result = validate(jira, connection, write_test=True)
    assert result.ok, result.steps
    assert result.identity == jira.service_account.username


def test_loopback_page_tells_the_browser_it_can_close(jira: Sandbox) -> None:
    app = register(jira, f"http://localhost:{free_port()}/callback")
    with session_to(jira) as session:
        dance = OAuth2Dance(session, jira.base_url, app)
        pages: list[requests.Response] = []
        visit = threading.Thread(target=lambda: pages.append(browser_visit(jira, dance.start())))
        visit.start()
        dance.wait(timeout=10)
        visit.join()
    assert pages[0].status_code == 200
    assert "close this tab" in pages[0].text
    assert "code=" not in pages[0].text


def test_paste_fallback_accepts_the_redirected_address(jira: Sandbox) -> None:
    port = free_port()
    app = register(jira, f"http://localhost:{port}/callback")
    with session_to(jira) as session, session_for(jira) as browser:
        dance = OAuth2Dance(session, jira.base_url, app, loopback=False)
        answer = browser.get(dance.start(), allow_redirects=False, timeout=10)
        assert answer.status_code == 303
        landed = answer.headers["Location"]
        tokens = dance.finish_with_pasted(landed)
    assert tokens.access_token


def test_pasted_address_from_another_attempt_is_refused(jira: Sandbox) -> None:
    app = register(jira, f"http://localhost:{free_port()}/callback")
    with session_to(jira) as session, session_for(jira) as browser:
        first = OAuth2Dance(session, jira.base_url, app, loopback=False)
        landed = browser.get(first.start(), allow_redirects=False, timeout=10).headers["Location"]
        second = OAuth2Dance(session, jira.base_url, app, loopback=False)
        second.start()
        with pytest.raises(JiraProblem) as refused:
            second.finish_with_pasted(landed)
    assert refused.value.code == "OAUTH2_INVALID_GRANT"
    assert "state" in refused.value.detail


def _tokens(jira: Sandbox, app: oauth2.OAuth2App) -> oauth2.OAuth2Tokens:
    with session_to(jira) as session, session_for(jira) as browser:
        dance = OAuth2Dance(session, jira.base_url, app, loopback=False)
        landed = browser.get(dance.start(), allow_redirects=False, timeout=10).headers["Location"]
        return dance.finish_with_pasted(landed)


def test_refresh_rotates_and_the_old_refresh_token_dies(jira: Sandbox) -> None:
    app = register(jira, f"http://localhost:{free_port()}/callback")
    first = _tokens(jira, app)
    with session_to(jira) as session:
        second = oauth2.refresh(session, jira.base_url, app, first)
        assert second.access_token != first.access_token
        assert second.refresh_token != first.refresh_token
        with pytest.raises(JiraProblem) as stale:
            oauth2.refresh(session, jira.base_url, app, first)
    assert stale.value.code == "OAUTH2_INVALID_GRANT"
    old = connection_for(jira, "oauth2").with_secrets(access_token=first.access_token)
    assert failure_code(validate(jira, old)) == "AUTH_TOKEN_INVALID"


def test_wrong_client_secret_is_invalid_client(jira: Sandbox) -> None:
    app = register(jira, f"http://localhost:{free_port()}/callback")
    wrong = oauth2.OAuth2App(app.client_id, "0" * 64, app.redirect_uri, app.scope)
    with pytest.raises(JiraProblem) as refused:
        _tokens(jira, wrong)
    assert refused.value.code == "OAUTH2_INVALID_CLIENT"
    assert "0" * 64 not in str(refused.value) + repr(refused.value.evidence)


def test_expired_access_token_is_named() -> None:
    from assistant.sandbox.options import Lifetimes

    with Sandbox(tls=True, auto_approve=True, lifetimes=Lifetimes(oauth2_access=1)) as sb:
        app = register(sb, f"http://localhost:{free_port()}/callback")
        tokens = _tokens(sb, app)
        import time

        time.sleep(1.5)
        connection = connection_for(sb, "oauth2", token_expires_at=tokens.expires_at)
        result = validate(sb, connection.with_secrets(access_token=tokens.access_token))
    assert failure_code(result) == "OAUTH2_TOKEN_EXPIRED"


def test_read_scope_refuses_the_write_test(jira: Sandbox) -> None:
    app = register(jira, f"http://localhost:{free_port()}/callback", scope="READ")
    tokens = _tokens(jira, app)
    connection = connection_for(jira, "oauth2").with_secrets(access_token=tokens.access_token)
    result = validate(jira, connection, write_test=True)
    assert failure_code(result) == "OAUTH2_INSUFFICIENT_SCOPE"


def test_consent_denied_is_reported_from_the_redirect() -> None:
    request = oauth2.AuthorizationRequest("https://jira/authorize", "s" * 32, "v" * 64, "http://localhost:1/cb")
    with pytest.raises(JiraProblem) as denied:
        oauth2.code_from_callback({"error": "access_denied", "state": "s" * 32}, request)
    assert "Deny" in denied.value.detail


def test_admin_assisted_client_creation_then_dance(jira: Sandbox) -> None:
    redirect = f"http://localhost:{free_port()}/callback"
    plan = admin.plan_oauth2_client(jira.base_url, "Connector link", redirect, "WRITE")
    assert "POST" in plan.describe()
    with session_to(jira) as session:
        session.auth = (jira.admin.username, jira.admin.password)
        created = admin.create_oauth2_client(session, plan)
    assert len(created.client_id) == 32
    assert created.client_secret not in repr(created)
    tokens = _tokens(jira, oauth2.OAuth2App(created.client_id, created.client_secret, redirect, "WRITE"))
    assert tokens.refresh_token


def test_admin_assisted_creation_needs_a_system_admin(jira: Sandbox) -> None:
    plan = admin.plan_oauth2_client(jira.base_url, "Connector link", "http://localhost:1234/callback", "WRITE")
    with session_to(jira) as session:
        session.auth = (jira.service_account.username, jira.service_account.password)
        with pytest.raises(JiraProblem) as refused:
            admin.create_oauth2_client(session, plan)
    assert refused.value.code == "PERMISSION_MISSING"


def test_loopback_port_in_use_is_named() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        app = oauth2.OAuth2App("id", "secret", f"http://localhost:{port}/callback")
        dance = OAuth2Dance(requests.Session(), "https://jira.example.com", app)
        with pytest.raises(LoopbackError, match="in use"):
            dance.start()


def test_https_warning_only_for_plain_http() -> None:
    assert oauth2.https_warning("https://jira.example.com") is None
    warning = oauth2.https_warning("http://jira.example.com")
    assert warning is not None
    assert "400" in warning


def test_client_credentials_for_a_jira_11_service_account() -> None:
    with Sandbox(tls=True, jira_version="11.0.0") as sb:
        client_id, secret = sb.add_oauth2_client("Service", ["https://connector.example.com/cb"], "WRITE")
        app = oauth2.OAuth2App(client_id, secret, "https://connector.example.com/cb", "WRITE")
        with session_to(sb) as session:
            tokens = oauth2.client_credentials(session, sb.base_url, app)
        assert tokens.refresh_token is None
        connection = connection_for(sb, "oauth2", token_expires_at=tokens.expires_at)
        result = validate(sb, connection.with_secrets(access_token=tokens.access_token), write_test=True)
    assert result.ok, result.steps
    assert result.identity == sb.service_account.username


def test_client_credentials_do_not_exist_before_jira_11(jira: Sandbox) -> None:
    client_id, secret = jira.add_oauth2_client("Service", ["https://connector.example.com/cb"], "WRITE")
    app = oauth2.OAuth2App(client_id, secret, "https://connector.example.com/cb", "WRITE")
    with session_to(jira) as session, pytest.raises(JiraProblem) as refused:
        oauth2.client_credentials(session, jira.base_url, app)
    assert refused.value.code == "OAUTH2_INVALID_GRANT"
    assert "unsupported_grant_type" in refused.value.detail


def test_disabled_oauth2_provider_is_named() -> None:
    with Sandbox(tls=True, faults={"oauth2-disabled"}) as sb:
        app = oauth2.OAuth2App("c" * 32, "s" * 64, "http://localhost:8765/callback")
        request = oauth2.begin_authorization(sb.base_url, app)
        with session_to(sb) as session, pytest.raises(JiraProblem) as refused:
            oauth2.exchange_code(session, sb.base_url, app, request, "some-code")
    assert refused.value.code == "JIRA_TOO_OLD_FOR_METHOD"
