"""Basic authentication as Seraph answers it, and Personal Access Tokens as the pats plugin answers them."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator

import pytest
import requests

from assistant.sandbox import Sandbox
from tests.conftest import session_for
from tests.integration.sandbox_helpers import API, auth, bearer

TOKENS = "/rest/pat/latest/tokens"
PAT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$")


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[requests.Session]:
    with session_for(sandbox) as session:
        yield session


def _myself(client: requests.Session, sandbox: Sandbox, **kwargs: object) -> requests.Response:
    return client.get(f"{sandbox.base_url}{API}/myself", **kwargs)  # type: ignore[arg-type]


def _wrong(sandbox: Sandbox) -> tuple[str, str]:
    return (sandbox.service_account.username, "not-the-password")


# Basic ------------------------------------------------------------------------------------------------


def test_every_answer_names_the_user_in_x_ausername(sandbox: Sandbox, client: requests.Session) -> None:
    base = sandbox.base_url
    assert _myself(client, sandbox, auth=auth(sandbox.admin)).headers["X-AUSERNAME"] == "admin"
    assert client.get(f"{base}{API}/serverInfo").headers["X-AUSERNAME"] == "anonymous"
    assert client.get(f"{base}{API}/nothing-here").headers["X-AUSERNAME"] == "anonymous"
    assert _myself(client, sandbox, auth=_wrong(sandbox)).headers["X-AUSERNAME"] == "anonymous"
    assert client.get(f"{base}/status").headers["X-AUSERNAME"] == "anonymous"


def test_wrong_password_is_401_with_seraph_reason_and_oauth_realm(sandbox: Sandbox, client: requests.Session) -> None:
    response = _myself(client, sandbox, auth=_wrong(sandbox))
    assert response.status_code == 401
    assert response.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"
    assert "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED" in response.text
    realm = urllib.parse.quote(sandbox.base_url, safe="")
    assert response.headers["WWW-Authenticate"] == f'OAuth realm="{realm}"'


def test_right_password_logs_in_with_reason_ok(sandbox: Sandbox, client: requests.Session) -> None:
    response = _myself(client, sandbox, auth=auth(sandbox.service_account))
    assert response.status_code == 200
    assert response.headers["X-Seraph-LoginReason"] == "OK"
    assert response.headers["X-AUSERNAME"] == sandbox.service_account.username


def test_email_address_works_as_the_username(sandbox: Sandbox, client: requests.Session) -> None:
    email = "jira-link-bot@sandbox.invalid"
    response = _myself(client, sandbox, auth=(email, sandbox.service_account.password))
    assert response.status_code == 200
    assert response.json()["name"] == sandbox.service_account.username


def _captcha_refusal(sandbox: Sandbox, response: requests.Response) -> None:
    assert response.status_code == 403
    assert response.headers["X-Seraph-LoginReason"] == "AUTHENTICATION_DENIED"
    assert response.headers["X-Authentication-Denied-Reason"] == (
        f"CAPTCHA_CHALLENGE; login-url={sandbox.base_url}/login.jsp"
    )


def test_three_failures_bring_captcha_that_refuses_even_the_right_password(
    sandbox: Sandbox, client: requests.Session
) -> None:
    for _ in range(3):
        assert _myself(client, sandbox, auth=_wrong(sandbox)).status_code == 401
    _captcha_refusal(sandbox, _myself(client, sandbox, auth=auth(sandbox.service_account)))
    _captcha_refusal(sandbox, _myself(client, sandbox, auth=_wrong(sandbox)))
    sandbox.reset_failed_logins(sandbox.service_account.username)
    assert _myself(client, sandbox, auth=auth(sandbox.service_account)).status_code == 200


def test_a_success_between_failures_restarts_the_count(sandbox: Sandbox, client: requests.Session) -> None:
    for _ in range(2):
        _myself(client, sandbox, auth=_wrong(sandbox))
    assert _myself(client, sandbox, auth=auth(sandbox.service_account)).status_code == 200
    for _ in range(2):
        assert _myself(client, sandbox, auth=_wrong(sandbox)).status_code == 401
    assert _myself(client, sandbox, auth=auth(sandbox.service_account)).status_code == 200


def _login_form(client: requests.Session, sandbox: Sandbox, **extra: str) -> requests.Response:
    form = {"os_username": sandbox.service_account.username, "os_password": sandbox.service_account.password}
    return client.post(f"{sandbox.base_url}/login.jsp", data={**form, **extra}, allow_redirects=False)


def test_browser_login_with_captcha_unlocks_basic() -> None:
    with Sandbox(faults={"captcha"}) as sandbox, session_for(sandbox) as client:
        _captcha_refusal(sandbox, _myself(client, sandbox, auth=auth(sandbox.service_account)))
        asked = _login_form(client, sandbox)
        assert asked.status_code == 200
        assert "name='captcha'" in asked.text
        solved = _login_form(client, sandbox, captcha="solved")
        assert solved.status_code == 303
        assert "JSESSIONID" in solved.cookies
        with session_for(sandbox) as fresh:
            assert _myself(fresh, sandbox, auth=auth(sandbox.service_account)).status_code == 200


def test_inactive_user_is_refused_with_the_right_password(sandbox: Sandbox, client: requests.Session) -> None:
    response = _myself(client, sandbox, auth=auth(sandbox.inactive_user))
    assert response.status_code == 401
    assert response.headers["X-Seraph-LoginReason"] == "AUTHORISATION_FAILED"
    assert response.headers["X-AUSERNAME"] == "anonymous"


def test_basic_disabled_answers_403_in_the_accepted_representation() -> None:
    with Sandbox(faults={"basic-disabled"}) as sandbox, session_for(sandbox) as client:
        credentials = auth(sandbox.admin)
        as_json = _myself(client, sandbox, auth=credentials)
        as_xml = _myself(client, sandbox, auth=credentials, headers={"Accept": "application/xml"})
        as_text = _myself(client, sandbox, auth=credentials, headers={"Accept": "text/plain"})
        pat = sandbox.service_account.pat
        assert pat is not None
        by_token = _myself(client, sandbox, headers=bearer(pat))
    message = "Basic Authentication has been disabled on this instance."
    assert (as_json.status_code, as_xml.status_code, as_text.status_code) == (403, 403, 403)
    assert as_json.json() == {"message": message}
    assert as_xml.headers["Content-Type"].startswith("application/xml")
    assert message in as_xml.text
    assert as_text.headers["Content-Type"].startswith("text/plain")
    assert as_text.text == message
    assert by_token.status_code == 200


def test_basic_disabled_does_not_exist_before_8_16() -> None:
    with Sandbox(jira_version="8.15.1", faults={"basic-disabled"}) as sandbox, session_for(sandbox) as client:
        assert _myself(client, sandbox, auth=auth(sandbox.admin)).status_code == 200


def test_basic_200_on_failure_serves_anonymous_with_the_failure_header() -> None:
    with Sandbox(faults={"basic-200-on-failure"}) as sandbox, session_for(sandbox) as client:
        info = client.get(f"{sandbox.base_url}{API}/serverInfo", auth=_wrong(sandbox))
        myself = _myself(client, sandbox, auth=_wrong(sandbox))
    assert info.status_code == 200
    assert info.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"
    assert info.headers["X-AUSERNAME"] == "anonymous"
    assert myself.status_code == 401
    assert myself.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"


# Personal Access Tokens ---------------------------------------------------------------------------------


def _runs_as_anonymous(client: requests.Session, sandbox: Sandbox, token: str) -> None:
    info = client.get(f"{sandbox.base_url}{API}/serverInfo", headers=bearer(token))
    assert info.status_code == 200
    assert info.headers["X-AUSERNAME"] == "anonymous"
    assert _myself(client, sandbox, headers=bearer(token)).status_code == 401


def _create_token(client: requests.Session, sandbox: Sandbox, payload: dict[str, object]) -> requests.Response:
    return client.post(f"{sandbox.base_url}{TOKENS}", json=payload, auth=auth(sandbox.admin))


def test_bearer_pat_runs_as_its_owner(sandbox: Sandbox, client: requests.Session) -> None:
    pat = sandbox.service_account.pat
    assert pat is not None
    response = _myself(client, sandbox, headers=bearer(pat))
    assert response.status_code == 200
    assert response.headers["X-AUSERNAME"] == sandbox.service_account.username


def test_bad_pat_runs_as_anonymous(sandbox: Sandbox, client: requests.Session) -> None:
    _runs_as_anonymous(client, sandbox, "NjQ2MjI0ODk0NjU5OmNvbXBsZXRlbHktbWFkZS11cA==")


def test_pat_sent_as_basic_password_fails(sandbox: Sandbox, client: requests.Session) -> None:
    pat = sandbox.service_account.pat
    assert pat is not None
    response = _myself(client, sandbox, auth=(sandbox.service_account.username, pat))
    assert response.status_code == 401


def test_created_token_shows_raw_token_once_with_jira_dates(sandbox: Sandbox, client: requests.Session) -> None:
    created = _create_token(client, sandbox, {"name": "ci", "expirationDuration": 30})
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "name", "createdAt", "expiringAt", "lastAccessedAt", "rawToken"}
    assert PAT_TIME.match(body["createdAt"])
    assert PAT_TIME.match(body["expiringAt"])
    assert body["lastAccessedAt"] is None
    listed = client.get(f"{sandbox.base_url}{TOKENS}", auth=auth(sandbox.admin)).json()
    assert [t["name"] for t in listed] == ["ci"]
    assert "rawToken" not in listed[0]
    single = client.get(f"{sandbox.base_url}{TOKENS}/{body['id']}", auth=auth(sandbox.admin)).json()
    assert "rawToken" not in single
    assert single["expiringAt"] == body["expiringAt"]
    assert _myself(client, sandbox, headers=bearer(body["rawToken"])).json()["name"] == sandbox.admin.username
    again = client.get(f"{sandbox.base_url}{TOKENS}/{body['id']}", auth=auth(sandbox.admin)).json()
    assert PAT_TIME.match(again["lastAccessedAt"])


def test_token_without_expiry_never_expires(sandbox: Sandbox, client: requests.Session) -> None:
    created = _create_token(client, sandbox, {"name": "forever"})
    assert created.status_code == 201
    assert created.json()["expiringAt"] is None


def test_revoked_pat_runs_as_anonymous(sandbox: Sandbox, client: requests.Session) -> None:
    body = _create_token(client, sandbox, {"name": "short-lived", "expirationDuration": 1}).json()
    url = f"{sandbox.base_url}{TOKENS}/{body['id']}"
    assert client.delete(url, auth=auth(sandbox.admin)).status_code == 204
    assert client.delete(url, auth=auth(sandbox.admin)).status_code == 204
    _runs_as_anonymous(client, sandbox, body["rawToken"])


def test_expired_pat_runs_as_anonymous(sandbox: Sandbox, client: requests.Session) -> None:
    body = _create_token(client, sandbox, {"name": "expiring", "expirationDuration": 1}).json()
    assert _myself(client, sandbox, headers=bearer(body["rawToken"])).status_code == 200
    with sandbox.state.change():
        # A day passing, without waiting for it: the token's expiry moves into the past.
        sandbox.state.pats[body["id"]].expiring_at = sandbox.state.now() - 1
    _runs_as_anonymous(client, sandbox, body["rawToken"])


def test_eleventh_token_is_refused_with_403(sandbox: Sandbox, client: requests.Session) -> None:
    for number in range(10):
        assert _create_token(client, sandbox, {"name": f"token-{number}"}).status_code == 201
    refused = _create_token(client, sandbox, {"name": "one-too-many"})
    assert refused.status_code == 403
    assert set(refused.json()) == {"exception", "error"}


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "zero", "expirationDuration": 0},
        {"name": "too-long-expiry", "expirationDuration": 366},
        {"name": "x" * 41, "expirationDuration": 30},
    ],
    ids=["0-days", "366-days", "41-char-name"],
)
def test_token_outside_the_limits_is_400(
    sandbox: Sandbox, client: requests.Session, payload: dict[str, object]
) -> None:
    refused = _create_token(client, sandbox, payload)
    assert refused.status_code == 400
    assert set(refused.json()) == {"exception", "error"}


def test_token_limits_at_the_edges_are_accepted(sandbox: Sandbox, client: requests.Session) -> None:
    assert _create_token(client, sandbox, {"name": "x" * 40, "expirationDuration": 365}).status_code == 201
    assert _create_token(client, sandbox, {"name": "one-day", "expirationDuration": 1}).status_code == 201


def test_pat_disabled_refuses_the_api_and_ignores_tokens() -> None:
    with Sandbox(faults={"pat-disabled"}) as sandbox, session_for(sandbox) as client:
        pat = sandbox.service_account.pat
        assert pat is not None
        _runs_as_anonymous(client, sandbox, pat)
        refused = _create_token(client, sandbox, {"name": "ci"})
    assert refused.status_code == 403
    assert set(refused.json()) == {"exception", "error"}


def test_jira_8_13_has_no_personal_access_tokens() -> None:
    with Sandbox(jira_version="8.13.5") as sandbox, session_for(sandbox) as client:
        assert sandbox.info()["service_account"]["pat"] is None
        listed = client.get(f"{sandbox.base_url}{TOKENS}", auth=auth(sandbox.admin))
        created = _create_token(client, sandbox, {"name": "ci"})
    assert (listed.status_code, created.status_code) == (404, 404)


def test_jira_8_14_has_personal_access_tokens() -> None:
    with Sandbox(jira_version="8.14.0") as sandbox, session_for(sandbox) as client:
        pat = sandbox.info()["service_account"]["pat"]
        assert pat
        assert _myself(client, sandbox, headers=bearer(pat)).status_code == 200


def test_token_of_another_user_is_not_found(sandbox: Sandbox, client: requests.Session) -> None:
    owned = client.get(f"{sandbox.base_url}{TOKENS}", auth=auth(sandbox.service_account)).json()
    [seeded] = owned
    other = client.get(f"{sandbox.base_url}{TOKENS}/{seeded['id']}", auth=auth(sandbox.admin))
    assert other.status_code == 404
    assert set(other.json()) == {"exception", "error"}
    mine = client.get(f"{sandbox.base_url}{TOKENS}/{seeded['id']}", auth=auth(sandbox.service_account))
    assert mine.json()["name"] == seeded["name"]
