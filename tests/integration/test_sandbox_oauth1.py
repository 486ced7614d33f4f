"""The sandbox's OAuth 1.0a provider: the whole dance as a client does it, and every refusal Jira names."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauthlib.oauth1 import SIGNATURE_HMAC, SIGNATURE_RSA
from requests_oauthlib import OAuth1, OAuth1Session

from assistant.sandbox import Sandbox
from assistant.sandbox.options import Lifetimes
from tests.conftest import session_for

CONSUMER = "jira-link-assistant-test"
CALLBACK = "https://app.example.test/oauth/callback"


def _rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode(), public.decode()


PRIVATE_KEY, PUBLIC_KEY = _rsa_pair()
OTHER_PRIVATE_KEY, OTHER_PUBLIC_KEY = _rsa_pair()


class _Forms(HTMLParser):
    """Reads forms as a browser would submit them: fields, and the buttons one can click."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str], dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((attributes.get("action", ""), {}, {}))
        elif tag in ("input", "button") and self.forms and attributes.get("name"):
            _, fields, buttons = self.forms[-1]
            target = buttons if tag == "button" or attributes.get("type") == "submit" else fields
            target[attributes["name"]] = attributes.get("value", "")


def _click(browser: requests.Session, page: requests.Response, button: str, **typed: str) -> requests.Response:
    """Submits the page's only form by clicking `button`, with `typed` entered into its fields."""
    parser = _Forms()
    parser.feed(page.text)
    assert len(parser.forms) == 1
    action, fields, buttons = parser.forms[0]
    data = {**fields, **typed, button: buttons[button]}
    return browser.post(urllib.parse.urljoin(page.url, action), data=data, allow_redirects=False)


def _problem(response: requests.Response) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(response.text))


def _assert_refused(sb: Sandbox, response: requests.Response, problem: str, status: int = 401) -> dict[str, str]:
    assert response.status_code == status, response.text
    realm = urllib.parse.quote(sb.advertised_base_url, safe="")
    assert response.headers["WWW-Authenticate"] == f'OAuth realm="{realm}", oauth_problem="{problem}"'
    body = _problem(response)
    assert body["oauth_problem"] == problem
    return body


def _client(sb: Sandbox, key: str = PRIVATE_KEY, consumer: str = CONSUMER, **kwargs: str) -> OAuth1Session:
    client = OAuth1Session(consumer, signature_method=SIGNATURE_RSA, rsa_key=key, **kwargs)
    client.trust_env = False
    client.verify = str(sb.ca_cert) if sb.ca_cert else True
    return client


def _url(sb: Sandbox, name: str) -> str:
    return f"{sb.base_url}/plugins/servlet/oauth/{name}"


def _auto_approved_access_token(sb: Sandbox, http: requests.Session) -> tuple[str, str]:
    client = _client(sb, callback_uri=CALLBACK)
    client.fetch_request_token(_url(sb, "request-token"))
    approved = http.get(client.authorization_url(_url(sb, "authorize")), allow_redirects=False)
    assert approved.status_code == 302
    client.parse_authorization_response(approved.headers["Location"])
    token = client.fetch_access_token(_url(sb, "access-token"))
    return token["oauth_token"], token["oauth_token_secret"]


def _signed(token: str, secret: str, key: str = PRIVATE_KEY) -> OAuth1:
    return OAuth1(
        CONSUMER,
        signature_method=SIGNATURE_RSA,
        rsa_key=key,
        resource_owner_key=token,
        resource_owner_secret=secret,
    )


@pytest.fixture
def linked(any_sandbox: Sandbox) -> Sandbox:
    any_sandbox.add_oauth1_consumer(CONSUMER, "Jira Link Assistant", PUBLIC_KEY)
    return any_sandbox


@pytest.fixture(params=["http", "https"])
def approving(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    with Sandbox(tls=request.param == "https", auto_approve=True) as sb:
        sb.add_oauth1_consumer(CONSUMER, "Jira Link Assistant", PUBLIC_KEY)
        yield sb


@pytest.fixture
def browser(approving: Sandbox) -> Iterator[requests.Session]:
    with session_for(approving) as session:
        yield session


# The dance -----------------------------------------------------------------------------------------------


def test_dance_with_browser_login_and_allow(linked: Sandbox, http: requests.Session) -> None:
    sb = linked
    client = _client(sb, callback_uri=CALLBACK)
    request_token = client.fetch_request_token(_url(sb, "request-token"))
    assert request_token["oauth_callback_confirmed"] == "true"

    to_login = http.get(client.authorization_url(_url(sb, "authorize")), allow_redirects=False)
    assert to_login.status_code == 302
    assert to_login.headers["Location"].startswith("/login.jsp?os_destination=")
    login_page = http.get(urllib.parse.urljoin(sb.base_url, to_login.headers["Location"]))
    account = sb.service_account
    logged_in = _click(http, login_page, "login", os_username=account.username, os_password=account.password)
    assert logged_in.status_code == 303
    consent = http.get(urllib.parse.urljoin(sb.base_url, logged_in.headers["Location"]))
    assert consent.status_code == 200
    assert "Jira Link Assistant" in consent.text

    allowed = _click(http, consent, "approve")
    assert allowed.status_code == 302
    location = allowed.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert query["oauth_token"] == request_token["oauth_token"]
    client.parse_authorization_response(location)

    access = client.fetch_access_token(_url(sb, "access-token"))
    assert access["oauth_expires_in"] == str(5 * 365 * 86400)
    assert access["oauth_token"] != request_token["oauth_token"]
    me = client.get(f"{sb.base_url}/rest/api/2/myself")
    assert me.status_code == 200
    assert me.json()["name"] == account.username
    assert me.headers["X-AUSERNAME"] == account.username


def test_auto_approve_without_a_user_runs_as_the_service_account(approving: Sandbox, browser: requests.Session) -> None:
    token, secret = _auto_approved_access_token(approving, browser)
    me = browser.get(f"{approving.base_url}/rest/api/2/myself", auth=_signed(token, secret))
    assert me.status_code == 200
    assert me.json()["name"] == approving.service_account.username


def test_auto_approve_for_a_basic_user_and_oob_shows_the_verifier(
    approving: Sandbox, browser: requests.Session
) -> None:
    sb = approving
    client = _client(sb, callback_uri="oob")
    request_token = client.fetch_request_token(_url(sb, "request-token"))["oauth_token"]
    admin = (sb.admin.username, sb.admin.password)
    page = browser.get(client.authorization_url(_url(sb, "authorize")), auth=admin)
    assert page.status_code == 200
    verifier = page.text.split("<code class='oauth-verifier'>")[1].split("</code>")[0]
    client.parse_authorization_response(f"{CALLBACK}?oauth_token={request_token}&oauth_verifier={verifier}")
    client.fetch_access_token(_url(sb, "access-token"))
    assert client.get(f"{sb.base_url}/rest/api/2/myself").json()["name"] == sb.admin.username


# Refusals -----------------------------------------------------------------------------------------------


def test_hmac_sha1_is_rejected_with_400(linked: Sandbox, http: requests.Session) -> None:
    hmac = OAuth1(CONSUMER, client_secret="shared", signature_method=SIGNATURE_HMAC, callback_uri="oob")
    refused = http.post(_url(linked, "request-token"), auth=hmac)
    body = _assert_refused(linked, refused, "signature_method_rejected", status=400)
    assert body["oauth_acceptable_signature_methods"] == "RSA-SHA1"
    on_rest = http.get(f"{linked.base_url}/rest/api/2/myself", auth=hmac)
    _assert_refused(linked, on_rest, "signature_method_rejected", status=400)


def test_wrong_private_key_is_signature_invalid_with_the_base_string(linked: Sandbox, http: requests.Session) -> None:
    wrong = OAuth1(CONSUMER, signature_method=SIGNATURE_RSA, rsa_key=OTHER_PRIVATE_KEY, callback_uri="oob")
    body = _assert_refused(linked, http.post(_url(linked, "request-token"), auth=wrong), "signature_invalid")
    quoted_url = urllib.parse.quote(_url(linked, "request-token"), safe="")
    assert body["oauth_signature_base_string"].startswith(f"POST&{quoted_url}&")
    assert "oauth_consumer_key%3D" + CONSUMER in body["oauth_signature_base_string"]


def test_unknown_consumer(linked: Sandbox, http: requests.Session) -> None:
    stranger = OAuth1("nobody-knows-me", signature_method=SIGNATURE_RSA, rsa_key=PRIVATE_KEY, callback_uri="oob")
    _assert_refused(linked, http.post(_url(linked, "request-token"), auth=stranger), "consumer_key_unknown")


def test_missing_callback_is_parameter_absent(linked: Sandbox, http: requests.Session) -> None:
    no_callback = OAuth1(CONSUMER, signature_method=SIGNATURE_RSA, rsa_key=PRIVATE_KEY)
    refused = http.post(_url(linked, "request-token"), auth=no_callback)
    assert _assert_refused(linked, refused, "parameter_absent")["oauth_parameters_absent"] == "oauth_callback"


@pytest.mark.parametrize("tls", [False, True])
def test_clock_skew_is_timestamp_refused(tls: bool) -> None:
    with Sandbox(tls=tls, faults={"clock-skew"}) as sb, session_for(sb) as http:
        sb.add_oauth1_consumer(CONSUMER, "Jira Link Assistant", PUBLIC_KEY)
        auth = OAuth1(CONSUMER, signature_method=SIGNATURE_RSA, rsa_key=PRIVATE_KEY, callback_uri="oob")
        body = _assert_refused(sb, http.post(_url(sb, "request-token"), auth=auth), "timestamp_refused")
        low, high = (int(part) for part in body["oauth_acceptable_timestamps"].split("-"))
        assert low > time.time() + 200
        assert high - low == 600


def test_reused_nonce(approving: Sandbox, browser: requests.Session) -> None:
    token, secret = _auto_approved_access_token(approving, browser)
    request = requests.Request("GET", f"{approving.base_url}/rest/api/2/myself", auth=_signed(token, secret))
    prepared = browser.prepare_request(request)
    assert browser.send(prepared).status_code == 200
    _assert_refused(approving, browser.send(prepared), "nonce_used")


def test_wrong_verifier_is_token_rejected(approving: Sandbox, browser: requests.Session) -> None:
    client = _client(approving, callback_uri=CALLBACK)
    request_token = client.fetch_request_token(_url(approving, "request-token"))["oauth_token"]
    browser.get(client.authorization_url(_url(approving, "authorize")), allow_redirects=False)
    client.parse_authorization_response(f"{CALLBACK}?oauth_token={request_token}&oauth_verifier=wrong")
    refused = client.post(_url(approving, "access-token"))
    _assert_refused(approving, refused, "token_rejected")


def test_token_of_another_consumer_and_unknown_token(approving: Sandbox, browser: requests.Session) -> None:
    approving.add_oauth1_consumer("second-consumer", "Second app", OTHER_PUBLIC_KEY)
    token, secret = _auto_approved_access_token(approving, browser)
    myself = f"{approving.base_url}/rest/api/2/myself"
    borrowed = OAuth1(
        "second-consumer",
        signature_method=SIGNATURE_RSA,
        rsa_key=OTHER_PRIVATE_KEY,
        resource_owner_key=token,
        resource_owner_secret=secret,
    )
    _assert_refused(approving, browser.get(myself, auth=borrowed), "token_rejected")
    _assert_refused(approving, browser.get(myself, auth=_signed("no-such-token", "x")), "token_rejected")


@pytest.mark.parametrize("tls", [False, True])
def test_expired_access_token(tls: bool) -> None:
    with Sandbox(tls=tls, auto_approve=True, lifetimes=Lifetimes(oauth1_access_token=1)) as sb:
        sb.add_oauth1_consumer(CONSUMER, "Jira Link Assistant", PUBLIC_KEY)
        with session_for(sb) as session:
            token, secret = _auto_approved_access_token(sb, session)
            time.sleep(1.2)
            refused = session.get(f"{sb.base_url}/rest/api/2/myself", auth=_signed(token, secret))
            _assert_refused(sb, refused, "token_expired")


def _logged_in_consent(http: requests.Session, sb: Sandbox, client: OAuth1Session) -> requests.Response:
    login_page = http.get(f"{sb.base_url}/login.jsp")
    _click(http, login_page, "login", os_username=sb.admin.username, os_password=sb.admin.password)
    consent = http.get(client.authorization_url(_url(sb, "authorize")))
    assert consent.status_code == 200
    return consent


def test_deny_redirects_with_a_refusal_and_the_token_cannot_be_exchanged(
    linked: Sandbox, http: requests.Session
) -> None:
    sb = linked
    client = _client(sb, callback_uri=CALLBACK)
    request_token = client.fetch_request_token(_url(sb, "request-token"))
    denied = _click(http, _logged_in_consent(http, sb, client), "deny")
    assert denied.status_code == 302
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(denied.headers["Location"]).query))
    assert query == {
        "oauth_token": request_token["oauth_token"],
        "oauth_verifier": "denied",
        "oauth_problem": "permission_denied",
    }
    client.parse_authorization_response(denied.headers["Location"])
    _assert_refused(sb, client.post(_url(sb, "access-token")), "permission_denied")


def test_consent_form_needs_a_session_and_decides_once(linked: Sandbox, http: requests.Session) -> None:
    sb = linked
    client = _client(sb, callback_uri=CALLBACK)
    client.fetch_request_token(_url(sb, "request-token"))
    consent = _logged_in_consent(http, sb, client)
    with session_for(sb) as stranger:
        to_login = _click(stranger, consent, "approve")
    assert to_login.status_code == 302
    assert to_login.headers["Location"].startswith("/login.jsp?os_destination=")
    assert _click(http, consent, "approve").status_code == 302
    again = _click(http, consent, "approve")
    assert again.status_code == 400
    assert "oauth_problem=token_used" in again.text


def test_unauthorized_request_token_cannot_be_exchanged(linked: Sandbox) -> None:
    client = _client(linked, callback_uri=CALLBACK)
    request_token = client.fetch_request_token(_url(linked, "request-token"))["oauth_token"]
    client.parse_authorization_response(f"{CALLBACK}?oauth_token={request_token}&oauth_verifier=guessed")
    _assert_refused(linked, client.post(_url(linked, "access-token")), "permission_unknown")


@pytest.mark.parametrize("tls", [False, True])
def test_base_url_mismatch_is_signature_invalid_against_the_advertised_url(tls: bool) -> None:
    with Sandbox(tls=tls, faults={"base-url-mismatch"}) as sb, session_for(sb) as http:
        sb.add_oauth1_consumer(CONSUMER, "Jira Link Assistant", PUBLIC_KEY)
        auth = OAuth1(CONSUMER, signature_method=SIGNATURE_RSA, rsa_key=PRIVATE_KEY, callback_uri="oob")
        body = _assert_refused(sb, http.post(_url(sb, "request-token"), auth=auth), "signature_invalid")
        base_string = body["oauth_signature_base_string"]
        assert urllib.parse.quote(sb.advertised_base_url, safe="") in base_string
        assert urllib.parse.quote(sb.base_url, safe="") not in base_string


@pytest.mark.parametrize("tls", [False, True])
def test_dance_under_a_context_path(tls: bool) -> None:
    with Sandbox(tls=tls, context_path="/jira", auto_approve=True) as sb, session_for(sb) as http:
        sb.add_oauth1_consumer(CONSUMER, "Jira Link Assistant", PUBLIC_KEY)
        assert sb.base_url.endswith("/jira")
        token, secret = _auto_approved_access_token(sb, http)
        me = http.get(f"{sb.base_url}/rest/api/2/myself?expand=groups", auth=_signed(token, secret))
        assert me.status_code == 200
        assert me.headers["X-AUSERNAME"] == sb.service_account.username


def test_consumer_with_a_pkcs1_key_is_refused(sandbox: Sandbox) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pkcs1 = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()
    with pytest.raises(ValueError, match="invalid public key"):
        sandbox.add_oauth1_consumer("pkcs1", "PKCS#1 app", pkcs1)
