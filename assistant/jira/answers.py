"""Reading what Jira meant, not just its status code.

Jira's failures hide in headers and in bodies that contradict the status: a Seraph header on a 200, a CAPTCHA
demand on a 403, `oauth_problem` in a form-encoded body, a Bearer token silently ignored (`X-AUSERNAME:
anonymous`), an SSO portal answering for Jira. `raise_for_answer` turns each into a `JiraProblem` with its
finding code, so no caller can mistake one of them for success.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

import requests

from assistant.core.redaction import redact_url
from assistant.jira.problems import Evidence, JiraProblem

ANONYMOUS = "anonymous"

OAUTH1_PROBLEM_CODES = {
    "signature_invalid": "OAUTH1_SIGNATURE_INVALID",
    "signature_method_rejected": "OAUTH1_SIGNATURE_METHOD_REJECTED",
    "consumer_key_unknown": "OAUTH1_CONSUMER_UNKNOWN",
    "consumer_key_rejected": "OAUTH1_CONSUMER_UNKNOWN",
    "timestamp_refused": "OAUTH1_TIMESTAMP_REFUSED",
    "token_rejected": "OAUTH1_TOKEN_REJECTED",
    "token_expired": "OAUTH1_TOKEN_REJECTED",
    "token_revoked": "OAUTH1_TOKEN_REJECTED",
    "nonce_used": "OAUTH1_TOKEN_REJECTED",
    "permission_denied": "OAUTH1_TOKEN_REJECTED",
    "parameter_absent": "OAUTH1_SIGNATURE_INVALID",
}
OAUTH2_ERROR_CODES = {
    "invalid_client": "OAUTH2_INVALID_CLIENT",
    "unauthorized_client": "OAUTH2_INVALID_CLIENT",
    "invalid_grant": "OAUTH2_INVALID_GRANT",
    "invalid_request": "OAUTH2_INVALID_GRANT",
    "invalid_scope": "OAUTH2_INSUFFICIENT_SCOPE",
    "insufficient_scope": "OAUTH2_INSUFFICIENT_SCOPE",
    "access_denied": "OAUTH2_INVALID_GRANT",
    "unsupported_grant_type": "OAUTH2_INVALID_GRANT",
}
_LOGIN_HINTS = re.compile(r"(?i)(login|signin|sign-in|sso|saml|idp|auth|adfs|okta|oauth2/authorize)")
_OAUTH_PROBLEM_HEADER = re.compile(r'oauth_problem="?([a-z_]+)"?')


def seraph_reasons(response: requests.Response) -> list[str]:
    """`X-Seraph-LoginReason` may repeat and may hold several comma-separated values (`OUT, OK`)."""
    raw = response.headers.get("X-Seraph-LoginReason", "")
    return [part.strip() for part in raw.split(",") if part.strip()]


def ran_as(response: requests.Response) -> str | None:
    """The user Jira served the request as, from `X-AUSERNAME` (absent on some proxies' answers)."""
    return response.headers.get("X-AUSERNAME")


def oauth1_problem(response: requests.Response) -> str | None:
    match = _OAUTH_PROBLEM_HEADER.search(response.headers.get("WWW-Authenticate", ""))
    if match:
        return match.group(1)
    fields = form_fields(response)
    return fields.get("oauth_problem")


def form_fields(response: requests.Response) -> dict[str, str]:
    """A form-encoded body as a dict; empty for anything that is not one."""
    text = response.text if len(response.content) < 65536 else ""
    if "=" not in text or text.lstrip().startswith(("<", "{", "[")):
        return {}
    return dict(urllib.parse.parse_qsl(text.strip(), keep_blank_values=True))


def json_body(response: requests.Response) -> Any:
    """The JSON body, or a HTTP_NOT_JIRA / HTTP_LOGIN_REDIRECT problem naming what came instead."""
    content_type = response.headers.get("Content-Type", "")
    try:
        return json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        pass
    text = response.content[:200].decode("utf-8", "replace").lower()
    if "html" in content_type or "<html" in text or "<!doctype" in text:
        if _LOGIN_HINTS.search(response.url) or "password" in text:
            raise JiraProblem(
                "HTTP_LOGIN_REDIRECT",
                "a login page answered where Jira's JSON was expected",
                Evidence.of(response),
            )
        raise JiraProblem(
            "HTTP_NOT_JIRA", "an HTML page answered where Jira's JSON was expected", Evidence.of(response)
        )
    raise JiraProblem(
        "HTTP_NOT_JIRA",
        f"the answer is not JSON (Content-Type: {content_type or 'none'})",
        Evidence.of(response),
    )


def raise_for_answer(response: requests.Response) -> None:
    """Raises a `JiraProblem` for any answer that is a failure, whatever its status code says."""
    status = response.status_code
    evidence = Evidence.of(response)
    reasons = seraph_reasons(response)
    denied = response.headers.get("X-Authentication-Denied-Reason", "")
    if status == 407:
        raise JiraProblem("PROXY_AUTH_REQUIRED", "the proxy answered 407", evidence)
    if "CAPTCHA_CHALLENGE" in denied.upper():
        raise JiraProblem("AUTH_CAPTCHA", "Jira demands a CAPTCHA before it accepts this account's password", evidence)
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        code = "HTTP_LOGIN_REDIRECT" if _LOGIN_HINTS.search(location) else "HTTP_NOT_JIRA"
        target = redact_url(location) if location else "nowhere"
        raise JiraProblem(code, f"HTTP {status} redirect to {target} instead of an answer", evidence)
    if "AUTHENTICATED_FAILED" in reasons:
        raise JiraProblem("AUTH_BAD_CREDENTIALS", f"Jira answered HTTP {status} with AUTHENTICATED_FAILED", evidence)
    if "AUTHORISATION_FAILED" in reasons:
        raise JiraProblem(
            "IDENTITY_INACTIVE",
            "the password is right but the account may not log in (inactive, or no Jira application access)",
            evidence,
        )
    if "AUTHENTICATION_DENIED" in reasons:
        raise JiraProblem("AUTH_CAPTCHA", "Jira refused to check the password (AUTHENTICATION_DENIED)", evidence)
    if status in (400, 401, 403):
        _raise_auth_failure(response, evidence)
    if status == 429:
        retry = response.headers.get("Retry-After", "unknown")
        raise JiraProblem("RATE_LIMITED", f"HTTP 429; Retry-After: {retry}", evidence)
    if status == 503:
        raise JiraProblem("JIRA_UNAVAILABLE", "HTTP 503 Service Unavailable", evidence)
    if status >= 500:
        raise JiraProblem("SERVER_ERROR", f"HTTP {status}", evidence)


def _raise_auth_failure(response: requests.Response, evidence: Evidence) -> None:
    status = response.status_code
    problem = oauth1_problem(response)
    if problem:
        code = OAUTH1_PROBLEM_CODES.get(problem, "OAUTH1_TOKEN_REJECTED")
        raise JiraProblem(code, f"Jira answered oauth_problem={problem}", evidence)
    challenge = response.headers.get("WWW-Authenticate", "")
    if "insufficient_scope" in challenge:
        raise JiraProblem("OAUTH2_INSUFFICIENT_SCOPE", "the token's scope does not allow this request", evidence)
    message = _json_message(response)
    if status == 403 and "basic authentication has been disabled" in message.lower():
        raise JiraProblem("AUTH_BASIC_DISABLED", message, evidence)
    error = _oauth2_error(response)
    if error:
        code = OAUTH2_ERROR_CODES.get(error, "OAUTH2_INVALID_GRANT")
        raise JiraProblem(code, f"Jira answered error={error}", evidence)
    if status == 401 and ran_as(response) in (ANONYMOUS, None):
        raise JiraProblem("IDENTITY_ANONYMOUS", "HTTP 401: the request ran as anonymous", evidence)


def _json_message(response: requests.Response) -> str:
    try:
        body = json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""
    if isinstance(body, dict):
        if isinstance(body.get("message"), str):
            return str(body["message"])
        messages = body.get("errorMessages")
        if isinstance(messages, list):
            return " ".join(str(m) for m in messages)
    return ""


def _oauth2_error(response: requests.Response) -> str | None:
    try:
        body = json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    error = body.get("error") if isinstance(body, dict) else None
    # Only RFC 6749's codes: other Jira APIs (the PAT one) also answer {"error": "<sentence>"}.
    return error if isinstance(error, str) and error in OAUTH2_ERROR_CODES else None


def require_identity(response: requests.Response) -> str:
    """Whom an authenticated call ran as; a call that ran as anonymous is never a success."""
    raise_for_answer(response)
    user = ran_as(response)
    if user == ANONYMOUS:
        raise JiraProblem(
            "IDENTITY_ANONYMOUS",
            "Jira served the request as anonymous: the credentials were ignored",
            Evidence.of(response),
        )
    return user or ""
