"""Jira's OAuth 2.0 provider rules, expressed as an oauthlib `RequestValidator` over the sandbox state.

oauthlib does the protocol (parameter parsing, PKCE arithmetic, error shapes); this module supplies what Jira
decides: which redirect URLs a client may register, which scopes exist in which version, that a client
authenticates only with `client_secret` in the form, that a reused code burns every token issued from it, and
that a refresh rotates both tokens. The error chosen for each refusal is Jira's, not the RFC's default, because
connectors and the assistant's diagnostics match on it.
"""

from __future__ import annotations

import logging
import re
import secrets
import urllib.parse
from collections.abc import Iterable
from typing import Any

from oauthlib.oauth2 import ClientCredentialsGrant, RequestValidator, WebApplicationServer
from oauthlib.oauth2.rfc6749 import errors

from assistant.sandbox.context import SCOPE_ORDER
from assistant.sandbox.options import JiraVersion
from assistant.sandbox.state import OAuth2Client, OAuth2Code, OAuth2Token, SandboxState

# oauthlib writes codes, tokens and secrets into its DEBUG records; keep them out of any log.
logging.getLogger("oauthlib").setLevel(logging.INFO)

# Scopes 10.3 added for service-to-service clients; they ignore permissions and do not sit on the ladder.
SERVICE_SCOPES = ("READ_ALL", "MANAGE_SUBSCRIPTIONS")
MAX_REDIRECT_LENGTH = 450
PKCE_VALUE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
GRANT_TYPES = ("authorization_code", "refresh_token")
# Jira 11 service accounts: no user in the loop, no refresh token, READ or WRITE only.
SERVICE_GRANT = "client_credentials"
SERVICE_GRANT_SCOPES = ("READ", "WRITE")


def grant_types(version: JiraVersion) -> tuple[str, ...]:
    return (*GRANT_TYPES, SERVICE_GRANT) if version.at_least(11, 0) else GRANT_TYPES


OAuthRequest = Any  # oauthlib.common.Request, which ships without type information


def known_scopes(version: JiraVersion) -> tuple[str, ...]:
    return SCOPE_ORDER + SERVICE_SCOPES if version.at_least(10, 3) else SCOPE_ORDER


def scope_allows(client_scope: str, requested: str) -> bool:
    """Each ladder scope includes the ones below it; the 10.3 service scopes include only themselves."""
    if requested == client_scope:
        return True
    if requested in SCOPE_ORDER and client_scope in SCOPE_ORDER:
        return SCOPE_ORDER.index(requested) <= SCOPE_ORDER.index(client_scope)
    return False


def strongest(scopes: Iterable[str]) -> str:
    """A Jira grant carries one scope; asking for several yields the highest of them."""
    ordered = sorted(scopes, key=lambda s: SCOPE_ORDER.index(s) if s in SCOPE_ORDER else len(SCOPE_ORDER))
    return ordered[-1]


def redirect_problem(url: str) -> str | None:
    """Jira's `RestClientValidator` rules; None when the URL may be registered."""
    if len(url) > MAX_REDIRECT_LENGTH:
        return f"Redirect URL must not be longer than {MAX_REDIRECT_LENGTH} characters."
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "Redirect URL is not a valid URL."
    if not parts.scheme or not (parts.netloc or parts.path):
        return "Redirect URL must be an absolute URL."
    if "#" in url:
        return "Redirect URL must not contain a fragment."
    if parts.scheme.lower() == "http" and parts.hostname != "localhost":
        return "Redirect URL must use https; plain http is allowed only for localhost."
    return None


def client_problems(
    state: SandboxState, name: Any, redirects: Any, scope: Any, *, client_id: str | None = None
) -> dict[str, str]:
    """Validation errors keyed by the entity field they concern; empty when the client may be saved."""
    problems: dict[str, str] = {}
    if not isinstance(name, str) or not name.strip():
        problems["name"] = "Name is required."
    else:
        with state.lock:
            taken = any(c.name == name and c.client_id != client_id for c in state.oauth2_clients.values())
        if taken:
            problems["name"] = f"A client named '{name}' already exists."
    if not isinstance(redirects, list) or not redirects or not all(isinstance(r, str) for r in redirects):
        problems["redirects"] = "At least one redirect URL is required."
    else:
        found = next((p for p in map(redirect_problem, redirects) if p), None)
        if found:
            problems["redirects"] = found
    allowed = known_scopes(state.options.version)
    if scope not in allowed:
        problems["scope"] = f"Scope must be one of {', '.join(allowed)}."
    return problems


def create_secret() -> str:
    return secrets.token_hex(32)


def create_client(state: SandboxState, name: str, redirects: list[str], scope: str, user_key: str) -> OAuth2Client:
    """Stores a validated client with Jira's identifier shapes: a 32-hex id and a 64-hex secret."""
    with state.change():
        client = OAuth2Client(
            id=state.next_id("oauth2_client"),
            client_id=secrets.token_hex(16),
            client_secret=create_secret(),
            name=name,
            redirects=list(redirects),
            scope=scope,
            user_key=user_key,
        )
        state.oauth2_clients[client.client_id] = client
        return client


def delete_client(state: SandboxState, client: OAuth2Client) -> None:
    """Deleting an incoming link ends every grant it holds."""
    with state.change():
        del state.oauth2_clients[client.client_id]
        for code in [c for c, grant in state.oauth2_codes.items() if grant.client_id == client.client_id]:
            del state.oauth2_codes[code]
        for token in state.oauth2_tokens.values():
            if token.client_id == client.client_id:
                token.revoked = True


class JiraRequestValidator(RequestValidator):  # type: ignore[misc]  # oauthlib ships no types
    """oauthlib's questions answered from the sandbox state, with Jira's refusals."""

    def __init__(self, state: SandboxState) -> None:
        super().__init__()
        self.state = state

    # Clients ------------------------------------------------------------------------------------------

    def client_authentication_required(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        return True

    def authenticate_client(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        """`client_secret_post` only: the credentials must be form fields; a Basic header counts for nothing."""
        form = dict(request.decoded_body or [])
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        with self.state.lock:
            client = self.state.oauth2_clients.get(client_id)
        if client is None or not secrets.compare_digest(client.client_secret.encode(), secret.encode()):
            return False
        request.client, request.client_id = client, client.client_id
        if form.get("grant_type") == SERVICE_GRANT:
            # A service account's token acts as the account the client belongs to, not as a consenting user.
            request.user = SandboxState.SERVICE_ACCOUNT
        return True

    def validate_client_id(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        with self.state.lock:
            client = self.state.oauth2_clients.get(client_id)
        request.client = client
        return client is not None

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        with self.state.lock:
            client = self.state.oauth2_clients.get(client_id)
            return client is not None and redirect_uri in client.redirects

    def get_default_redirect_uri(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> str | None:
        return None

    def validate_response_type(
        self, client_id: str, response_type: str, client: Any, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        return response_type == "code"

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        if grant_type == SERVICE_GRANT:
            return grant_type in grant_types(self.state.options.version) and client.scope in SERVICE_GRANT_SCOPES
        return grant_type in GRANT_TYPES

    # Scopes -------------------------------------------------------------------------------------------

    def get_default_scopes(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> list[str]:
        with self.state.lock:
            client = self.state.oauth2_clients.get(client_id)
            return [client.scope] if client else []

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: OAuth2Client | None,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        known = known_scopes(self.state.options.version)
        return client is not None and bool(scopes) and all(s in known and scope_allows(client.scope, s) for s in scopes)

    # Codes --------------------------------------------------------------------------------------------

    def is_pkce_required(self, client_id: str, request: OAuthRequest) -> bool:
        return False

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        with self.state.change():
            self.state.oauth2_codes[code["code"]] = OAuth2Code(
                code=code["code"],
                client_id=client_id,
                redirect_uri=request.redirect_uri,
                scope=strongest(request.scopes),
                user=request.user,
                expires_at=self.state.now() + self.state.options.lifetimes.oauth2_code,
                code_challenge=request.code_challenge,
                code_challenge_method=request.code_challenge_method if request.code_challenge else None,
            )

    def validate_code(
        self, client_id: str, code: str, client: OAuth2Client, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        """Jira's code rules, each with its own error; raising here is how oauthlib lets a validator choose."""
        state = self.state
        with state.lock:
            grant = state.oauth2_codes.get(code)
        if grant is None:
            raise errors.InvalidRequestError("The authorization code is unknown.", request=request)
        if grant.used:
            with state.change():
                for token in state.oauth2_tokens.values():
                    if token.from_code == code:
                        token.revoked = True
            raise errors.InvalidGrantError(
                "The authorization code was already used; the tokens issued from it are revoked.",
                request=request,
            )
        if grant.client_id != client_id:
            raise errors.InvalidGrantError("The authorization code belongs to another client.", request=request)
        if grant.expires_at <= state.now():
            raise errors.InvalidGrantError("The authorization code has expired.", request=request)
        if request.redirect_uri is not None and request.redirect_uri != grant.redirect_uri:
            raise errors.InvalidGrantError(
                "The redirect_uri differs from the one of the authorization request.", request=request
            )
        if grant.code_challenge is not None and not PKCE_VALUE.match(request.code_verifier or ""):
            raise errors.InvalidGrantError(
                "The code_verifier is missing or not 43-128 characters of [A-Za-z0-9-._~].", request=request
            )
        request.user, request.scopes = grant.user, [grant.scope]
        return True

    def get_code_challenge(self, code: str, request: OAuthRequest) -> str | None:
        with self.state.lock:
            grant = self.state.oauth2_codes.get(code)
            return grant.code_challenge if grant else None

    def get_code_challenge_method(self, code: str, request: OAuthRequest) -> str | None:
        with self.state.lock:
            grant = self.state.oauth2_codes.get(code)
            return grant.code_challenge_method if grant else None

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: OAuth2Client,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        with self.state.lock:
            grant = self.state.oauth2_codes.get(code)
            return grant is not None and grant.redirect_uri == redirect_uri

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        # Kept, marked used: a second exchange must find it to revoke what it produced.
        with self.state.change():
            self.state.oauth2_codes[code].used = True

    # Tokens -------------------------------------------------------------------------------------------

    def _by_refresh(self, refresh_token: str) -> OAuth2Token | None:
        with self.state.lock:
            return next(
                (
                    t
                    for t in self.state.oauth2_tokens.values()
                    if secrets.compare_digest(t.refresh_token.encode(), refresh_token.encode())
                ),
                None,
            )

    def validate_refresh_token(
        self, refresh_token: str, client: OAuth2Client, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        token = self._by_refresh(refresh_token)
        if token is None or token.revoked or token.refresh_expires_at <= self.state.now():
            return False
        if token.client_id != client.client_id:
            return False
        request.user = token.user
        return True

    def get_original_scopes(self, refresh_token: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> list[str]:
        token = self._by_refresh(refresh_token)
        return [token.scope] if token else []

    def rotate_refresh_token(self, request: OAuthRequest) -> bool:
        return True

    def save_token(self, token: dict[str, Any], request: OAuthRequest, *args: Any, **kwargs: Any) -> None:
        """Records a new pair; on refresh the old pair dies in the same change, so both never work at once."""
        state, lifetimes = self.state, self.state.options.lifetimes
        with state.change():
            from_code = request.code if request.grant_type == "authorization_code" else None
            if request.grant_type == "refresh_token":
                old = self._by_refresh(request.refresh_token)
                if old is not None:
                    old.revoked = True
                    from_code = old.from_code
            now = state.now()
            state.oauth2_tokens[token["access_token"]] = OAuth2Token(
                access_token=token["access_token"],
                refresh_token=token.get("refresh_token", ""),
                client_id=request.client_id,
                scope=strongest(request.scopes),
                user=request.user,
                access_expires_at=now + lifetimes.oauth2_access,
                refresh_expires_at=now + lifetimes.oauth2_refresh,
                from_code=from_code,
            )

    def revoke_token(
        self, token: str, token_type_hint: str | None, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        """Either half of a pair ends both; a token of another client is left alone, and still answers 200."""
        with self.state.change():
            record = self.state.oauth2_tokens.get(token) or self._by_refresh(token)
            if record is not None and record.client_id == request.client.client_id:
                record.revoked = True


def _check_pkce_challenge(request: OAuthRequest) -> dict[str, Any]:
    if request.code_challenge is not None and not PKCE_VALUE.match(request.code_challenge):
        raise errors.InvalidRequestError(
            "code_challenge must be 43-128 characters of [A-Za-z0-9-._~].", request=request
        )
    return {}


def build_server(state: SandboxState) -> WebApplicationServer:
    """A stateless oauthlib server over the state; cheap enough to build per request."""
    validator = JiraRequestValidator(state)
    server = WebApplicationServer(validator, token_expires_in=state.options.lifetimes.oauth2_access)
    server.auth_grant.custom_validators.post_auth.append(_check_pkce_challenge)
    if SERVICE_GRANT in grant_types(state.options.version):
        server.grant_types[SERVICE_GRANT] = ClientCredentialsGrant(validator)
    return server
