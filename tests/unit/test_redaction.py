"""The redactor removes every credential form Jira's protocols use, and keeps what a support engineer needs."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.core.redaction import REDACTED, RedactingFilter, redact_headers, redact_text, redact_url

SECRET = "s3cr3t-Value_42"


@pytest.mark.parametrize(
    "text",
    [
        f"oauth_token={SECRET}&oauth_verifier={SECRET}",
        f'OAuth oauth_consumer_key="key", oauth_signature="{SECRET}", oauth_token="{SECRET}"',
        f'{{"access_token": "{SECRET}", "refresh_token":"{SECRET}", "expires_in": 3600}}',
        f'{{"clientSecret": "{SECRET}", "rawToken": "{SECRET}"}}',
        f"Authorization: Basic {SECRET}",
        f"authorization: Bearer {SECRET}",
        f"sent Bearer {SECRET} to Jira",
        f"code={SECRET}&state=abc",
        f"os_username=bot&os_password={SECRET}",
        f"-----BEGIN PRIVATE KEY-----\n{SECRET}\n-----END PRIVATE KEY-----",
        f"-----BEGIN RSA PRIVATE KEY-----\n{SECRET}",
        f"Cookie: JSESSIONID={SECRET}",
    ],
)
def test_credentials_are_removed(text: str) -> None:
    assert SECRET not in redact_text(text)
    assert REDACTED in redact_text(text)


def test_known_secrets_are_removed_wherever_they_stand() -> None:
    assert SECRET not in redact_text(f"the password {SECRET} was refused", known_secrets=[SECRET])


def test_ordinary_words_survive() -> None:
    text = "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED; oauth_problem=signature_invalid"
    assert redact_text(text) == text


def test_urls_keep_their_shape_and_lose_credentials() -> None:
    url = f"https://bot:{SECRET}@jira.example.com:8443/jira/cb?code={SECRET}&state=x#access_token={SECRET}"
    shown = redact_url(url)
    assert SECRET not in shown
    assert shown.startswith(f"https://{REDACTED}@jira.example.com:8443/jira/cb?code=")
    assert "state=x" in shown


def test_only_allow_listed_headers_survive() -> None:
    headers = {
        "Authorization": f"Bearer {SECRET}",
        "Set-Cookie": f"JSESSIONID={SECRET}",
        "X-Seraph-LoginReason": "AUTHENTICATED_FAILED",
        "Location": f"http://localhost:8765/callback?code={SECRET}&state=abc",
        "X-Custom": SECRET,
    }
    kept = redact_headers(headers)
    assert set(kept) == {"X-Seraph-LoginReason", "Location"}
    assert SECRET not in str(kept)


def test_log_records_are_redacted_before_they_are_written(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("assistant.test.redaction")
    handler_filter = RedactingFilter()
    logger.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("token answer %s", f'{{"access_token": "{SECRET}"}}')
    finally:
        logger.removeFilter(handler_filter)
    assert SECRET not in caplog.text


@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters="&=\"',; \n"), min_size=8, max_size=40))
def test_any_token_value_after_a_secret_name_is_removed(value: str) -> None:
    for name in ("access_token", "oauth_verifier", "client_secret", "password"):
        assert value not in redact_text(f"x=1&{name}={value}&y=2").replace(f"{name}=", "")


@pytest.mark.parametrize("url", ["https://bot:pw-123456@[jira.example.com/x?code=abc", "https://h:99999/?token=abc"])
def test_unreadable_urls_are_still_redacted(url: str) -> None:
    shown = redact_url(url)
    assert "pw-123456" not in shown
    assert "abc" not in shown
