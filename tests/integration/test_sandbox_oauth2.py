"""The sandbox's OAuth 2.0 provider behaves as Jira DC's: code + PKCE, rotation, and each of Jira's refusals.

Everything goes over real HTTP(S): a browser is played by a plain session that logs in and posts the consent
form (with the `Referer` a browser sends), and the client side by `requests_oauthlib` where it fits.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import re
import secrets
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth2Session

from assistant.sandbox import Account, Sandbox
from assistant.sandbox.options import Lifetimes
from tests.conftest import session_for

OAUTH = "/rest/oauth2/latest"
CONSENT = "/plugins/servlet/oauth2/consent"
ERROR_PAGE = "/plugins/servlet/oauth2/error"
REDIRECT = "https://connector.example.test/oauth/callback"
OTHER_REDIRECT = "myapp://oauth/callback"


class _FormReader(html.parser.HTMLParser):
    """Collects a page's form action and hidden fields, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.hidden: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.action = values.get("action") or ""
        elif tag == "input" and values.get("type") == "hidden":
            self.hidden.append((values.get("name") or "", values.get("value") or ""))


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def query_of(location: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


@dataclass
class Flow:
    """One registered client and a browser session against one sandbox."""

    sandbox: Sandbox
    client_id: str
    client_secret: str
    browser: requests.Session = field(init=False)

    def __post_init__(self) -> None:
        self.browser = session_for(self.sandbox)

    def url(self, path: str) -> str:
        return f"{self.sandbox.base_url}{path}"

    def authorize_params(self, **overrides: str | None) -> dict[str, str]:
        params: dict[str, str | None] = {
            "client_id": self.client_id,
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "WRITE",
            "state": "s-" + secrets.token_hex(4),
            **overrides,
        }
        return {k: v for k, v in params.items() if v is not None}

    def authorize(self, **overrides: str | None) -> requests.Response:
        params = self.authorize_params(**overrides)
        return self.browser.get(self.url(f"{OAUTH}/authorize"), params=params, allow_redirects=False)

    def log_in(self, login_redirect: requests.Response, account: Account) -> requests.Response:
        """Follows a redirect to the login page and logs in; answers the page the login sends us on to."""
        assert login_redirect.status_code == 303, login_redirect.text
        location = login_redirect.headers["Location"]
        assert location.startswith("/login.jsp?")
        destination = query_of(location)["os_destination"]
        form = {"os_username": account.username, "os_password": account.password, "os_destination": destination}
        logged_in = self.browser.post(self.url("/login.jsp"), data=form, allow_redirects=False)
        assert logged_in.status_code == 303
        return self.browser.get(urllib.parse.urljoin(self.url("/"), logged_in.headers["Location"]))

    def submit_consent(
        self, page: requests.Response, decision: str = "allow", referer: str | None = None
    ) -> requests.Response:
        assert page.status_code == 200, page.text
        reader = _FormReader()
        reader.feed(page.text)
        headers = {"Referer": page.url if referer is None else referer}
        return self.browser.post(
            urllib.parse.urljoin(page.url, reader.action),
            data=[*reader.hidden, ("decision", decision)],
            headers=headers,
            allow_redirects=False,
        )

    def browser_code(self, account: Account | None = None, **overrides: str | None) -> str:
        """The whole browser side: authorize, log in, consent page, Allow; answers the code."""
        response = self.authorize(**overrides)
        if response.headers["Location"].startswith("/login.jsp"):
            page = self.log_in(response, account or self.sandbox.service_account)
        else:
            page = self.browser.get(urllib.parse.urljoin(self.url("/"), response.headers["Location"]))
        assert page.url.startswith(self.url(CONSENT)), page.url
        granted = self.submit_consent(page)
        assert granted.status_code == 303
        assert granted.headers["Location"].startswith(f"{REDIRECT}?")
        return query_of(granted.headers["Location"])["code"]

    def token(self, **form: str | None) -> requests.Response:
        data = {"client_id": self.client_id, "client_secret": self.client_secret, **form}
        sent = {k: v for k, v in data.items() if v is not None}
        with session_for(self.sandbox) as http:
            return http.post(self.url(f"{OAUTH}/token"), data=sent)

    def exchange(self, code: str, verifier: str | None = None, **form: str | None) -> requests.Response:
        fields: dict[str, str | None] = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            **form,
        }
        return self.token(**fields)

    def tokens(self) -> dict[str, Any]:
        """A fresh access/refresh pair through the browser flow with PKCE."""
        verifier, challenge = pkce_pair()
        code = self.browser_code(code_challenge=challenge, code_challenge_method="S256")
        response = self.exchange(code, verifier)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def refresh(self, refresh_token: str, **form: str | None) -> requests.Response:
        return self.token(grant_type="refresh_token", refresh_token=refresh_token, **form)

    def myself(self, access_token: str) -> requests.Response:
        with session_for(self.sandbox) as http:
            headers = {"Authorization": f"Bearer {access_token}"}
            return http.get(self.url("/rest/api/2/myself"), headers=headers)


def assert_oauth_error(response: requests.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == error
    assert body["error_description"]


def flow_for(sandbox: Sandbox, scope: str = "WRITE", name: str = "Connector") -> Flow:
    client_id, secret = sandbox.add_oauth2_client(name, [REDIRECT, OTHER_REDIRECT], scope)
    return Flow(sandbox, client_id, secret)


@pytest.fixture(params=["http", "https"])
def provider(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """Plain HTTP needs Jira's skip property for the consent page; HTTPS runs under the real rule."""
    tls = request.param == "https"
    with Sandbox(tls=tls, skip_consent_https_requirement=not tls) as sandbox:
        yield sandbox


@pytest.fixture
def flow(provider: Sandbox) -> Flow:
    return flow_for(provider)


@pytest.fixture
def auto_sandbox() -> Iterator[Sandbox]:
    with Sandbox(tls=True, auto_approve=True) as sandbox:
        yield sandbox


# The happy paths ------------------------------------------------------------------------------------


def oauth_session(sandbox: Sandbox, client_id: str) -> OAuth2Session:
    oauth = OAuth2Session(client_id, redirect_uri=REDIRECT, scope=["WRITE"], pkce="S256")
    oauth.trust_env = False
    oauth.verify = str(sandbox.ca_cert)
    return oauth


def test_code_flow_with_pkce_through_login_and_consent(tls_sandbox: Sandbox) -> None:
    flow = flow_for(tls_sandbox)
    oauth = oauth_session(tls_sandbox, flow.client_id)
    url, state = oauth.authorization_url(flow.url(f"{OAUTH}/authorize"))
    query = query_of(url)
    assert query["code_challenge_method"] == "S256"

    page = flow.log_in(flow.browser.get(url, allow_redirects=False), tls_sandbox.service_account)
    assert "Connector" in page.text
    assert "WRITE" in page.text
    granted = flow.submit_consent(page)
    assert granted.status_code == 303
    assert query_of(granted.headers["Location"])["state"] == state

    token = oauth.fetch_token(
        flow.url(f"{OAUTH}/token"),
        authorization_response=granted.headers["Location"],
        client_secret=flow.client_secret,
        include_client_id=True,
    )
    assert token["token_type"] == "bearer"
    assert token["scope"] == ["WRITE"]
    me = oauth.get(flow.url("/rest/api/2/myself"))
    assert me.status_code == 200
    assert me.json()["name"] == tls_sandbox.service_account.username
    assert me.headers["X-AUSERNAME"] == tls_sandbox.service_account.username


def test_auto_approve_issues_the_code_without_a_browser(auto_sandbox: Sandbox) -> None:
    flow = flow_for(auto_sandbox)
    oauth = oauth_session(auto_sandbox, flow.client_id)
    url, _ = oauth.authorization_url(flow.url(f"{OAUTH}/authorize"))
    with session_for(auto_sandbox) as http:
        granted = http.get(url, allow_redirects=False)
    assert granted.status_code == 303
    assert granted.headers["Location"].startswith(f"{REDIRECT}?code=")

    oauth.fetch_token(
        flow.url(f"{OAUTH}/token"),
        authorization_response=granted.headers["Location"],
        client_secret=flow.client_secret,
        include_client_id=True,
    )
    me = oauth.get(flow.url("/rest/api/2/myself"))
    assert me.json()["name"] == auto_sandbox.service_account.username


def test_auto_approve_grants_as_the_requesting_user(auto_sandbox: Sandbox) -> None:
    flow = flow_for(auto_sandbox)
    admin = auto_sandbox.admin
    flow.browser.auth = (admin.username, admin.password)
    code = query_of(flow.authorize().headers["Location"])["code"]
    access = flow.exchange(code).json()["access_token"]
    assert flow.myself(access).json()["name"] == admin.username


def test_token_answer_has_jiras_shape(flow: Flow) -> None:
    verifier, challenge = pkce_pair()
    code = flow.browser_code(code_challenge=challenge, code_challenge_method="S256")
    response = flow.exchange(code, verifier)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "expires_in", "scope", "token_type"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "WRITE"
    assert flow.myself(body["access_token"]).status_code == 200


def test_plain_pkce_is_assumed_when_the_method_is_missing(flow: Flow) -> None:
    verifier = secrets.token_urlsafe(48)
    code = flow.browser_code(code_challenge=verifier)
    assert flow.exchange(code, verifier).status_code == 200


def test_refresh_rotates_both_tokens(flow: Flow) -> None:
    first = flow.tokens()
    response = flow.refresh(first["refresh_token"])
    assert response.status_code == 200, response.text
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["scope"] == "WRITE"

    assert flow.myself(first["access_token"]).status_code == 401
    assert_oauth_error(flow.refresh(first["refresh_token"]), 400, "invalid_grant")
    assert flow.myself(second["access_token"]).status_code == 200
    record = flow.sandbox.state.oauth2_tokens[second["access_token"]]
    assert record.refresh_expires_at >= time.time() + Lifetimes().oauth2_refresh - 60
    assert flow.refresh(second["refresh_token"]).status_code == 200


def test_revoke_ends_the_pair(flow: Flow) -> None:
    pair = flow.tokens()
    form = {
        "token": pair["access_token"],
        "token_type_hint": "access_token",
        "client_id": flow.client_id,
        "client_secret": flow.client_secret,
    }
    with session_for(flow.sandbox) as http:
        assert http.post(flow.url(f"{OAUTH}/revoke"), data=form).status_code == 200
        unknown = {**form, "token": "no-such-token"}
        assert http.post(flow.url(f"{OAUTH}/revoke"), data=unknown).status_code == 200
    assert flow.myself(pair["access_token"]).status_code == 401
    assert_oauth_error(flow.refresh(pair["refresh_token"]), 400, "invalid_grant")


def test_metadata_names_the_endpoints(flow: Flow) -> None:
    with session_for(flow.sandbox) as http:
        body = http.get(flow.url(f"{OAUTH}/.well-known/oauth-authorization-server")).json()
    assert body["token_endpoint"] == flow.url(f"{OAUTH}/token")
    assert body["code_challenge_methods_supported"] == ["plain", "S256"]
    assert body["token_endpoint_auth_methods_supported"] == ["client_secret_post"]


# Refusals at the token endpoint ---------------------------------------------------------------------


def test_reused_code_revokes_the_tokens_it_issued(flow: Flow) -> None:
    verifier, challenge = pkce_pair()
    code = flow.browser_code(code_challenge=challenge, code_challenge_method="S256")
    first = flow.exchange(code, verifier).json()
    assert flow.myself(first["access_token"]).status_code == 200
    assert_oauth_error(flow.exchange(code, verifier), 400, "invalid_grant")
    assert flow.myself(first["access_token"]).status_code == 401
    assert_oauth_error(flow.refresh(first["refresh_token"]), 400, "invalid_grant")


def test_unknown_code_is_an_invalid_request(flow: Flow) -> None:
    assert_oauth_error(flow.exchange("no-such-code"), 400, "invalid_request")


def test_redirect_differing_from_the_authorize_one_is_invalid_grant(flow: Flow) -> None:
    code = flow.browser_code()
    assert_oauth_error(flow.exchange(code, redirect_uri=OTHER_REDIRECT), 400, "invalid_grant")


@pytest.mark.parametrize("verifier", ["wrong", "missing"])
def test_wrong_or_missing_pkce_verifier_is_invalid_grant(flow: Flow, verifier: str) -> None:
    _, challenge = pkce_pair()
    code = flow.browser_code(code_challenge=challenge, code_challenge_method="S256")
    sent = pkce_pair()[0] if verifier == "wrong" else None
    assert_oauth_error(flow.exchange(code, sent), 400, "invalid_grant")


def test_code_and_refresh_token_of_another_client_are_invalid_grant(flow: Flow) -> None:
    other = flow_for(flow.sandbox, name="Another connector")
    code = flow.browser_code()
    assert_oauth_error(other.exchange(code), 400, "invalid_grant")
    pair = flow.tokens()
    assert_oauth_error(other.refresh(pair["refresh_token"]), 400, "invalid_grant")


def test_client_authenticates_only_with_a_posted_secret(flow: Flow) -> None:
    code = flow.browser_code()
    assert_oauth_error(flow.exchange(code, client_secret="0" * 64), 401, "invalid_client")
    assert_oauth_error(flow.exchange(code, client_secret=None), 401, "invalid_client")
    with session_for(flow.sandbox) as http:
        basic = http.post(
            flow.url(f"{OAUTH}/token"),
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
            auth=(flow.client_id, flow.client_secret),
        )
    # Seraph sees the Basic header first and fails it as a user login, before the token endpoint runs.
    assert basic.status_code == 401
    assert basic.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"
    assert flow.exchange(code).status_code == 200


def test_unsupported_grant_type(flow: Flow) -> None:
    assert_oauth_error(flow.token(grant_type="client_credentials"), 400, "unsupported_grant_type")


def test_json_token_body_answers_500(flow: Flow) -> None:
    code = flow.browser_code()
    body = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": flow.client_id,
        "client_secret": flow.client_secret,
    }
    with session_for(flow.sandbox) as http:
        response = http.post(flow.url(f"{OAUTH}/token"), json=body)
    assert response.status_code == 500
    assert flow.exchange(code).status_code == 200


# Refusals in the browser ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [{"redirect_uri": "https://attacker.example.test/cb"}, {"client_id": "0" * 32}],
    ids=["unregistered-redirect", "unknown-client"],
)
def test_bad_client_or_redirect_shows_the_error_page(flow: Flow, overrides: dict[str, str]) -> None:
    response = flow.authorize(**overrides)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"{ERROR_PAGE}?")
    page = flow.browser.get(flow.url(location))
    assert page.headers["Content-Type"].startswith("text/html")
    assert "redirect URL" in page.text


@pytest.mark.parametrize("scope", ["WRITE", "read:jira-work"])
def test_scope_beyond_the_client_redirects_invalid_scope(provider: Sandbox, scope: str) -> None:
    flow = flow_for(provider, scope="READ")
    response = flow.authorize(scope=scope, state="keep-me")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"{REDIRECT}?")
    assert query_of(location)["error"] == "invalid_scope"
    assert query_of(location)["state"] == "keep-me"


def test_malformed_pkce_challenge_redirects_invalid_request(flow: Flow) -> None:
    response = flow.authorize(code_challenge="too-short", code_challenge_method="S256")
    assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_consent_needs_a_referer_from_the_consent_page_and_can_be_denied(flow: Flow) -> None:
    page = flow.log_in(flow.authorize(state="st"), flow.sandbox.service_account)
    looped = flow.submit_consent(page, referer="")
    assert looped.status_code == 303
    assert looped.headers["Location"].startswith(f"{CONSENT}?")
    denied = flow.submit_consent(page, decision="deny")
    assert denied.headers["Location"] == f"{REDIRECT}?error=access_denied&state=st"


def test_consent_over_plain_http_is_refused(sandbox: Sandbox) -> None:
    flow = flow_for(sandbox)
    page = flow.log_in(flow.authorize(), sandbox.service_account)
    assert page.status_code == 400
    forwarded = flow.browser.get(page.url, headers={"X-Forwarded-Proto": "https"})
    assert forwarded.status_code == 400, "the base URL is still http"


def test_forwarded_https_counts_when_the_base_url_is_https() -> None:
    with Sandbox(advertised_base_url="https://jira.example.test") as sandbox:
        flow = flow_for(sandbox)
        page = flow.log_in(flow.authorize(), sandbox.service_account)
        assert page.status_code == 400
        assert flow.browser.get(page.url, headers={"X-Forwarded-Proto": "https"}).status_code == 200


def test_skip_property_allows_consent_over_http() -> None:
    with Sandbox(skip_consent_https_requirement=True) as sandbox:
        flow = flow_for(sandbox)
        assert flow.exchange(flow.browser_code()).status_code == 200


def test_auto_approve_still_needs_https_for_consent() -> None:
    with Sandbox(auto_approve=True) as sandbox:
        assert flow_for(sandbox).authorize().status_code == 400


# What a token may do --------------------------------------------------------------------------------


def test_read_token_cannot_create_an_issue_while_write_can(auto_sandbox: Sandbox) -> None:
    issue = {
        "fields": {
            "project": {"key": auto_sandbox.project_key},
            "issuetype": {"name": "Task"},
            "summary": "Raised over OAuth 2.0",
        }
    }
    answers = {}
    for scope in ("READ", "WRITE"):
        flow = flow_for(auto_sandbox, scope=scope, name=f"{scope} connector")
        code = query_of(flow.authorize(scope=scope).headers["Location"])["code"]
        access = flow.exchange(code).json()["access_token"]
        with session_for(auto_sandbox) as http:
            answers[scope] = http.post(
                flow.url("/rest/api/2/issue"), json=issue, headers={"Authorization": f"Bearer {access}"}
            )
    assert answers["READ"].status_code == 403
    assert answers["WRITE"].status_code == 201, answers["WRITE"].text


def test_expired_access_token_runs_as_anonymous() -> None:
    with Sandbox(tls=True, auto_approve=True, lifetimes=Lifetimes(oauth2_access=1)) as sandbox:
        flow = flow_for(sandbox)
        code = query_of(flow.authorize().headers["Location"])["code"]
        body = flow.exchange(code).json()
        assert body["expires_in"] == 1
        assert flow.myself(body["access_token"]).status_code == 200
        time.sleep(1.2)
        expired = flow.myself(body["access_token"])
        assert expired.status_code == 401
        assert expired.headers["X-AUSERNAME"] == "anonymous"


# Client administration ------------------------------------------------------------------------------


def test_client_administration_round_trip(provider: Sandbox) -> None:
    admin = provider.admin
    with session_for(provider) as http:
        http.auth = (admin.username, admin.password)
        clients = f"{provider.base_url}{OAUTH}/client"
        created = http.post(clients, json={"name": "Ticketing", "redirects": [REDIRECT], "scope": "WRITE"})
        assert created.status_code == 200, created.text
        entity = created.json()
        assert set(entity) == {"id", "clientId", "clientSecret", "name", "redirects", "scope", "userKey"}
        assert re.fullmatch(r"[0-9a-f]{32}", entity["clientId"])
        assert re.fullmatch(r"[0-9a-f]{64}", entity["clientSecret"])
        assert entity["userKey"] == provider.state.users[admin.username].key
        one = f"{clients}/{entity['id']}"

        assert [c["clientId"] for c in http.get(clients).json()] == [entity["clientId"]]
        updated = http.put(one, json={"name": "Ticketing 2", "redirects": [OTHER_REDIRECT], "scope": "READ"})
        assert updated.status_code == 204
        assert http.get(one).json()["redirects"] == [OTHER_REDIRECT]

        reset = http.put(f"{clients}/reset/{entity['clientId']}")
        assert reset.json()["clientSecret"] != entity["clientSecret"]
        stale = Flow(provider, entity["clientId"], entity["clientSecret"])
        assert_oauth_error(stale.exchange("any-code"), 401, "invalid_client")

        assert http.delete(one).status_code == 200
        assert http.get(one).status_code == 404


@pytest.mark.parametrize(
    ("entity", "field_name"),
    [
        ({"redirects": ["http://127.0.0.1:8765/cb"]}, "redirects"),
        ({"redirects": ["http://connector.example.test/cb"]}, "redirects"),
        ({"redirects": [f"{REDIRECT}#fragment"]}, "redirects"),
        ({"redirects": ["/relative/callback"]}, "redirects"),
        ({"redirects": [f"{REDIRECT}?{'x' * 450}"]}, "redirects"),
        ({"name": "Taken"}, "name"),
        ({"scope": "read:jira-work"}, "scope"),
    ],
    ids=["loopback-ip", "plain-http", "fragment", "relative", "too-long", "duplicate-name", "cloud-scope"],
)
def test_client_validation_names_the_field(tls_sandbox: Sandbox, entity: dict[str, Any], field_name: str) -> None:
    tls_sandbox.add_oauth2_client("Taken", [REDIRECT])
    admin = tls_sandbox.admin
    body = {"name": "New client", "redirects": [REDIRECT], "scope": "WRITE", **entity}
    with session_for(tls_sandbox) as http:
        response = http.post(f"{tls_sandbox.base_url}{OAUTH}/client", json=body, auth=(admin.username, admin.password))
    assert response.status_code == 400
    assert field_name in response.json()["errors"]


@pytest.mark.parametrize("redirect", ["http://localhost:8765/cb", "myapp://cb", "https://127.0.0.1:9/cb"])
def test_accepted_redirect_urls(tls_sandbox: Sandbox, redirect: str) -> None:
    assert len(tls_sandbox.add_oauth2_client("Accepted", [redirect])[0]) == 32


@pytest.mark.parametrize(("version", "status"), [("10.2.0", 400), ("10.3.0", 200)])
def test_service_scopes_arrive_in_10_3(version: str, status: int) -> None:
    with Sandbox(jira_version=version) as sandbox, session_for(sandbox) as http:
        response = http.post(
            f"{sandbox.base_url}{OAUTH}/client",
            json={"name": "Reporting", "redirects": [REDIRECT], "scope": "READ_ALL"},
            auth=(sandbox.admin.username, sandbox.admin.password),
        )
    assert response.status_code == status


def test_client_administration_is_for_system_admins_only(tls_sandbox: Sandbox) -> None:
    service = tls_sandbox.service_account
    with session_for(tls_sandbox) as http:
        clients = f"{tls_sandbox.base_url}{OAUTH}/client"
        assert http.get(clients).status_code == 401
        assert http.get(clients, auth=(service.username, service.password)).status_code == 401
        body = {"name": "Sneaky", "redirects": [REDIRECT], "scope": "WRITE"}
        assert http.post(clients, json=body, auth=(service.username, service.password)).status_code == 401


# Where the provider does not exist ------------------------------------------------------------------


def _all_routes_missing(sandbox: Sandbox) -> None:
    with session_for(sandbox) as http:
        base = sandbox.base_url
        answers = [
            http.get(f"{base}{OAUTH}/authorize", params={"client_id": "x"}, allow_redirects=False),
            http.get(f"{base}{CONSENT}"),
            http.get(f"{base}{ERROR_PAGE}"),
            http.post(f"{base}{OAUTH}/token", data={"grant_type": "authorization_code"}),
            http.post(f"{base}{OAUTH}/revoke", data={"token": "x"}),
            http.get(f"{base}{OAUTH}/.well-known/oauth-authorization-server"),
            http.get(f"{base}{OAUTH}/client", auth=(sandbox.admin.username, sandbox.admin.password)),
        ]
    assert [a.status_code for a in answers] == [404] * len(answers)


def test_jira_before_8_22_has_no_oauth2_provider() -> None:
    with Sandbox(jira_version="8.20.0") as sandbox:
        _all_routes_missing(sandbox)
        with pytest.raises(ValueError, match=r"8\.22"):
            sandbox.add_oauth2_client("Too early", [REDIRECT])


def test_disabled_provider_plugin_answers_404() -> None:
    with Sandbox(tls=True, faults=["oauth2-disabled"]) as sandbox:
        _all_routes_missing(sandbox)


def test_jira_11_service_accounts_use_client_credentials() -> None:
    with Sandbox(tls=True, jira_version="11.0.0") as sb, session_for(sb) as http:
        client_id, secret = sb.add_oauth2_client("Service", ["https://connector.example.com/cb"], "WRITE")
        answer = http.post(
            f"{sb.base_url}/rest/oauth2/latest/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert "refresh_token" not in body
        me = http.get(f"{sb.base_url}/rest/api/2/myself", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.json()["name"] == sb.service_account.username
        admin_id, admin_secret = sb.add_oauth2_client("Admin service", ["https://connector.example.com/a"], "ADMIN")
        refused = http.post(
            f"{sb.base_url}/rest/oauth2/latest/token",
            data={"grant_type": "client_credentials", "client_id": admin_id, "client_secret": admin_secret},
        )
        assert refused.status_code in (400, 401)
        assert refused.json()["error"] in ("unauthorized_client", "unsupported_grant_type")
