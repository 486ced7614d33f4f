"""The engine's OAuth 1.0a against the sandbox's provider: both link dialogs, loopback and out-of-band."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
import requests

from assistant.core.connection import Connection
from assistant.core.credentials import generate_rsa_key_pair, new_consumer_key
from assistant.jira import admin, oauth1
from assistant.jira.dances import OAuth1Dance
from assistant.jira.problems import JiraProblem
from assistant.sandbox import Sandbox
from tests.conftest import session_for
from tests.integration.engine_helpers import connection_for, failure_code, session_to, validate

KEY = generate_rsa_key_pair(2048)
PRIVATE_PEM = KEY.private_pem().decode()


@pytest.fixture
def jira() -> Iterator[Sandbox]:
    with Sandbox(tls=True, auto_approve=True) as sb:
        yield sb


def consumer_in(sandbox: Sandbox) -> oauth1.OAuth1Consumer:
    key = new_consumer_key()
    sandbox.add_oauth1_consumer(key, "Connector", KEY.public_pem)
    return oauth1.OAuth1Consumer(key, PRIVATE_PEM)


def loopback_dance(sandbox: Sandbox, consumer: oauth1.OAuth1Consumer) -> oauth1.OAuth1Token:
    with session_to(sandbox) as session:
        dance = OAuth1Dance(session, sandbox.base_url, consumer)
        url = dance.start()
        with session_for(sandbox) as browser:
            visit = threading.Thread(target=lambda: browser.get(url, allow_redirects=True, timeout=10))
            visit.start()
            token = dance.wait(timeout=10)
            visit.join()
    return token


def oauth1_connection(
    sandbox: Sandbox, consumer: oauth1.OAuth1Consumer, token: oauth1.OAuth1Token, method: str
) -> Connection:
    connection = connection_for(sandbox, method, consumer_key=consumer.consumer_key, public_key_pem=KEY.public_pem)
    return connection.with_secrets(
        private_key=consumer.private_key_pem, oauth1_token=token.token, oauth1_token_secret=token.secret or None
    )


def test_loopback_dance_then_signed_validation(jira: Sandbox) -> None:
    consumer = consumer_in(jira)
    token = loopback_dance(jira, consumer)
    assert token.expires_at is not None
    result = validate(jira, oauth1_connection(jira, consumer, token, "oauth1-atlassian-product"), write_test=True)
    assert result.ok, result.steps
    assert result.identity == jira.service_account.username


def test_out_of_band_verifier_pasted(jira: Sandbox) -> None:
    consumer = consumer_in(jira)
    with session_to(jira) as session, session_for(jira) as browser:
        dance = OAuth1Dance(session, jira.base_url, consumer, callback_port=None)
        page = browser.get(dance.start(), allow_redirects=True, timeout=10)
        verifier = re.search(r"class='oauth-verifier'>([^<]+)<", page.text)
        assert verifier is not None
        token = dance.finish_with_pasted(verifier.group(1))
    assert token.token


def test_generic_application_link_on_jira_8_20() -> None:
    with Sandbox(tls=True, auto_approve=True, jira_version="8.20.14") as sb:
        consumer = consumer_in(sb)
        token = loopback_dance(sb, consumer)
        result = validate(sb, oauth1_connection(sb, consumer, token, "oauth1-generic"))
    assert result.ok, result.steps


def test_generic_dialog_is_not_offered_on_10_3(jira: Sandbox) -> None:
    consumer = consumer_in(jira)
    token = loopback_dance(jira, consumer)
    result = validate(jira, oauth1_connection(jira, consumer, token, "oauth1-generic"))
    assert failure_code(result) == "JIRA_TOO_OLD_FOR_METHOD"


def test_unknown_consumer_is_named(jira: Sandbox) -> None:
    with session_to(jira) as session, pytest.raises(JiraProblem) as refused:
        oauth1.request_token(session, jira.base_url, oauth1.OAuth1Consumer("never-registered-key", PRIVATE_PEM))
    assert refused.value.code == "OAUTH1_CONSUMER_UNKNOWN"


def test_wrong_private_key_is_a_signature_failure(jira: Sandbox) -> None:
    consumer = consumer_in(jira)
    other = generate_rsa_key_pair(2048).private_pem().decode()
    with session_to(jira) as session, pytest.raises(JiraProblem) as refused:
        oauth1.request_token(session, jira.base_url, oauth1.OAuth1Consumer(consumer.consumer_key, other))
    assert refused.value.code == "OAUTH1_SIGNATURE_INVALID"
    assert "PRIVATE KEY" not in str(refused.value)


def test_clock_skew_is_timestamp_refused() -> None:
    with Sandbox(tls=True, auto_approve=True, faults={"clock-skew"}) as sb:
        consumer = consumer_in(sb)
        with session_to(sb) as session, pytest.raises(JiraProblem) as refused:
            oauth1.request_token(session, sb.base_url, consumer)
    assert refused.value.code == "OAUTH1_TIMESTAMP_REFUSED"


def test_base_url_mismatch_is_a_signature_failure() -> None:
    with Sandbox(tls=True, auto_approve=True, faults={"base-url-mismatch"}) as sb:
        consumer = consumer_in(sb)
        with session_to(sb) as session, pytest.raises(JiraProblem) as refused:
            oauth1.request_token(session, sb.base_url, consumer)
    assert refused.value.code == "OAUTH1_SIGNATURE_INVALID"
    assert refused.value.evidence is not None


def test_revoked_access_token_is_rejected(jira: Sandbox) -> None:
    consumer = consumer_in(jira)
    token = loopback_dance(jira, consumer)
    with jira.state.change():
        jira.state.oauth1_tokens.pop(token.token)
    result = validate(jira, oauth1_connection(jira, consumer, token, "oauth1-atlassian-product"))
    assert failure_code(result) == "OAUTH1_TOKEN_REJECTED"


def test_admin_assisted_link_and_consumer_creation(jira: Sandbox) -> None:
    key = new_consumer_key()
    plans = admin.plan_oauth1_link(
        jira.base_url, "https://connector.example.com", link_name="Connector", consumer_key=key,
        consumer_name="Connector", public_key_pem=KEY.public_pem,
    )  # fmt: skip
    assert "PRIVATE" not in "".join(p.describe() for p in plans)
    with session_to(jira) as session:
        session.auth = (jira.admin.username, jira.admin.password)
        link_id = admin.create_oauth1_link(session, plans)
    assert link_id == admin.generic_link_id("https://connector.example.com")
    token = loopback_dance(jira, oauth1.OAuth1Consumer(key, PRIVATE_PEM))
    assert token.token


def test_denied_authorization_is_reported() -> None:
    request = oauth1.OAuth1Token("request-token", "secret")
    callback = {"oauth_token": "request-token", "oauth_verifier": "denied", "oauth_problem": "permission_denied"}
    with pytest.raises(JiraProblem) as refused:
        oauth1.verifier_from_callback(callback, request)
    assert "permission_denied" in refused.value.detail


def test_signer_is_rsa_sha1_never_hmac() -> None:
    signer = oauth1.signer(oauth1.OAuth1Consumer("key", PRIVATE_PEM))
    prepared = requests.Request("GET", "https://jira.example.com/rest/api/2/myself", auth=signer).prepare()
    header: str | bytes = prepared.headers["Authorization"]  # requests-oauthlib sets it as bytes
    assert b'oauth_signature_method="RSA-SHA1"' in (header if isinstance(header, bytes) else header.encode())
