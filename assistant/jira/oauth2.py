"""OAuth 2.0 against Jira DC's provider (8.22+): authorization code + PKCE S256, refresh, client credentials.

Built on oauthlib's client (PKCE verifier and challenge, token request bodies). Jira's particulars are handled
here: token requests must be form-encoded (a JSON body answers 500), the client secret is sent in the body
even with PKCE (no Basic header), a refresh rotates both tokens so the old refresh token dies at once, and the
redirect URL must match the registered one exactly. Token answers are validated field by field, because a
hostile or broken server must produce a clear error, not a KeyError.
"""

from __future__ import annotations

import secrets
import time
import urllib.parse
from dataclasses import dataclass, field

import requests
from oauthlib.oauth2 import BackendApplicationClient, WebApplicationClient

from assistant.jira.answers import form_fields, json_body, raise_for_answer
from assistant.jira.problems import Evidence, JiraProblem

AUTHORIZE_PATH = "/rest/oauth2/latest/authorize"
TOKEN_PATH = "/rest/oauth2/latest/token"  # noqa: S105 - a path, not a password
REVOKE_PATH = "/rest/oauth2/latest/revoke"
SCOPES = ("READ", "WRITE", "ADMIN", "SYSTEM_ADMIN")
_FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


@dataclass(frozen=True)
class OAuth2App:
    """The incoming link's client as Jira shows it after *Save*: the secret never appears in a repr."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    scope: str = "WRITE"


@dataclass(frozen=True)
class OAuth2Tokens:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: float
    scope: str
    obtained_at: float

    def expires_in(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)

    def expired(self, now: float | None = None, margin: float = 30.0) -> bool:
        return self.expires_in(now) <= margin


@dataclass(frozen=True)
class AuthorizationRequest:
    """One authorization attempt: its URL, one-shot state and PKCE verifier (kept out of reprs)."""

    url: str
    state: str = field(repr=False)
    code_verifier: str = field(repr=False)
    redirect_uri: str


def https_warning(base_url: str) -> str | None:
    """Jira's consent page answers 400 unless Jira runs on HTTPS; say so before sending anyone there."""
    if urllib.parse.urlsplit(base_url).scheme == "https":
        return None
    return (
        "Jira's base URL is not HTTPS: its OAuth 2.0 consent page will answer 400 Bad Request unless the "
        "administrator has set atlassian.oauth2.provider.skip.base.url.https.requirement=true."
    )


def begin_authorization(base_url: str, app: OAuth2App) -> AuthorizationRequest:
    """The URL to open in the browser, with a fresh state and a PKCE S256 challenge."""
    client = WebApplicationClient(app.client_id)
    verifier = client.create_code_verifier(96)
    challenge = client.create_code_challenge(verifier, "S256")
    state = secrets.token_urlsafe(24)
    query = urllib.parse.urlencode(
        {
            "client_id": app.client_id,
            "redirect_uri": app.redirect_uri,
            "response_type": "code",
            "scope": app.scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return AuthorizationRequest(f"{base_url}{AUTHORIZE_PATH}?{query}", state, verifier, app.redirect_uri)


def code_from_callback(params: dict[str, str] | urllib.parse.SplitResult | str, request: AuthorizationRequest) -> str:
    """The authorization code from the redirect: the receiver's parameters, or the URL the user pasted.

    The state must be the one this attempt sent; a refusal (`error=`) becomes a finding with Jira's words.
    """
    if isinstance(params, str):
        pasted = params.strip()
        if not pasted:
            raise JiraProblem(
                "OAUTH2_INVALID_GRANT",
                "nothing was pasted: paste the whole address the browser was sent to after Allow",
            )
        split = urllib.parse.urlsplit(pasted)
        query = split.query or (pasted if "code=" in pasted or "error=" in pasted else "")
        params = dict(urllib.parse.parse_qsl(query))
    elif isinstance(params, urllib.parse.SplitResult):
        params = dict(urllib.parse.parse_qsl(params.query))
    error = params.get("error")
    if error:
        description = params.get("error_description", "")
        code = "OAUTH2_INSUFFICIENT_SCOPE" if error == "invalid_scope" else "OAUTH2_INVALID_GRANT"
        if error == "access_denied":
            description = description or "the user clicked Deny on Jira's consent page"
        raise JiraProblem(code, f"Jira redirected with error={error} {description}".strip())
    if not secrets.compare_digest(params.get("state", ""), request.state):
        raise JiraProblem(
            "OAUTH2_INVALID_GRANT",
            "the redirect's state does not belong to this authorization "
            "(an old tab, or a forged link): authorize again",
        )
    code = params.get("code", "")
    if not code:
        raise JiraProblem("OAUTH2_INVALID_GRANT", "the redirect carries no authorization code")
    return code


def exchange_code(
    session: requests.Session, base_url: str, app: OAuth2App, request: AuthorizationRequest, code: str
) -> OAuth2Tokens:
    body = WebApplicationClient(app.client_id).prepare_request_body(
        code=code,
        redirect_uri=request.redirect_uri,
        include_client_id=True,
        client_secret=app.client_secret,
        code_verifier=request.code_verifier,
    )
    return _token_request(session, base_url, body, app.scope)


def refresh(session: requests.Session, base_url: str, app: OAuth2App, tokens: OAuth2Tokens) -> OAuth2Tokens:
    """Exchanges the refresh token; Jira rotates both, so the caller must store the new pair at once."""
    if not tokens.refresh_token:
        raise JiraProblem("OAUTH2_TOKEN_EXPIRED", "there is no refresh token: authorize again")
    body = WebApplicationClient(app.client_id).prepare_refresh_body(
        refresh_token=tokens.refresh_token,
        scope=tokens.scope,
        client_id=app.client_id,
        client_secret=app.client_secret,
        include_client_id=True,
    )
    return _token_request(session, base_url, body, tokens.scope)


def client_credentials(session: requests.Session, base_url: str, app: OAuth2App) -> OAuth2Tokens:
    """Jira 11 service accounts: no user, no refresh token, about an hour of validity."""
    body = BackendApplicationClient(app.client_id).prepare_request_body(
        scope=app.scope, client_id=app.client_id, client_secret=app.client_secret, include_client_id=True
    )
    return _token_request(session, base_url, body, app.scope)


def revoke(session: requests.Session, base_url: str, app: OAuth2App, token: str, hint: str) -> None:
    data = {
        "token": token,
        "token_type_hint": hint,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }
    response = session.post(f"{base_url}{REVOKE_PATH}", data=data, headers=_FORM)
    raise_for_answer(response)


def _token_request(session: requests.Session, base_url: str, body: str, scope: str) -> OAuth2Tokens:
    sent_at = time.time()
    response = session.post(f"{base_url}{TOKEN_PATH}", data=body, headers=_FORM)
    raise_for_answer(response)
    if response.status_code == 404:
        raise JiraProblem(
            "JIRA_TOO_OLD_FOR_METHOD",
            "Jira has no OAuth 2.0 token endpoint at this address: it is older than 8.22, or its OAuth 2.0 "
            "provider app is disabled",
            Evidence.of(response),
        )
    if response.status_code != 200:
        raise JiraProblem(
            "SERVER_ERROR", f"the token endpoint answered HTTP {response.status_code}", Evidence.of(response)
        )
    return _parse_tokens(response, scope, sent_at)


def _parse_tokens(response: requests.Response, scope: str, sent_at: float) -> OAuth2Tokens:
    payload = json_body(response)
    if not isinstance(payload, dict):
        payload = form_fields(response)
    access = payload.get("access_token")
    refresh_token = payload.get("refresh_token")
    expires_in = payload.get("expires_in", 3600)
    token_type = str(payload.get("token_type", "bearer")).lower()
    problems = []
    if not isinstance(access, str) or not access:
        problems.append("no access_token")
    if refresh_token is not None and not isinstance(refresh_token, str):
        problems.append("refresh_token is not a string")
    if token_type != "bearer":  # noqa: S105 - a token type name, not a password
        problems.append(f"token_type is {token_type!r}, not bearer")
    try:
        if isinstance(expires_in, bool):
            raise TypeError(expires_in)
        lifetime = float(expires_in)
    except (TypeError, ValueError):
        problems.append("expires_in is not a number")
        lifetime = 0.0
    if problems:
        raise JiraProblem(
            "HTTP_NOT_JIRA", "the token answer is malformed: " + ", ".join(problems), Evidence.of(response)
        )
    assert isinstance(access, str)
    granted = payload.get("scope")
    return OAuth2Tokens(
        access_token=access,
        refresh_token=refresh_token,
        expires_at=sent_at + lifetime,
        scope=granted if isinstance(granted, str) and granted else scope,
        obtained_at=sent_at,
    )


class BearerAuth(requests.auth.AuthBase):
    """`Authorization: Bearer` for a PAT or an OAuth 2.0 access token; the token never shows in a repr."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(«redacted»)"
