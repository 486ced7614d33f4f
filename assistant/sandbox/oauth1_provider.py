"""Jira's OAuth 1.0a service provider, verified by oauthlib's own server endpoints over `SandboxState`.

The failures are the product here: a client is diagnosed by the `oauth_problem` Jira names, so the
validator raises the first problem Jira's filter would find, in Jira's order (consumer, token, timestamp,
nonce, then the signature), instead of letting oauthlib fold every failure into one anonymous 401. Signatures
are checked against the base URL Jira believes in and timestamps against the sandbox clock, because those two
are what break real installations behind proxies and on skewed hosts.
"""

from __future__ import annotations

import enum
import re
import secrets
import sys
import textwrap
import urllib.parse
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauthlib.oauth1 import (
    SIGNATURE_RSA_SHA1,
    AccessTokenEndpoint,
    RequestTokenEndpoint,
    RequestValidator,
    ResourceEndpoint,
)
from oauthlib.oauth1.rfc5849 import signature
from werkzeug.wrappers import Response

from assistant.sandbox.context import Answered, Ctx
from assistant.sandbox.state import OAuth1Consumer, OAuth1Token

FORM_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"
TIMESTAMP_TOLERANCE = 300
DENIED = "denied"
_PROBLEMS_ANSWERED_400 = frozenset({"signature_method_rejected", "parameter_rejected", "version_rejected"})
_BASE_PARAMETERS = (
    "oauth_consumer_key",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_timestamp",
    "oauth_nonce",
)
_ARMOUR = re.compile(r"-----(BEGIN|END) [A-Z0-9 ]+-----")


class InvalidPublicKeyError(ValueError):
    """A consumer key Jira refuses: only an X.509 RSA public key or a certificate will do."""


class OAuthProblem(Exception):
    """A refusal with the name the OAuth Problem Reporting extension (and Jira) gives it."""

    def __init__(self, name: str, **details: str) -> None:
        super().__init__(name)
        self.name = name
        self.details = details

    @property
    def status(self) -> int:
        return 400 if self.name in _PROBLEMS_ANSWERED_400 else 401


class Phase(enum.Enum):
    REQUEST_TOKEN = enum.auto()
    ACCESS_TOKEN = enum.auto()
    RESOURCE = enum.auto()


_REQUIRED: dict[Phase, tuple[str, ...]] = {
    Phase.REQUEST_TOKEN: (*_BASE_PARAMETERS, "oauth_callback"),
    Phase.ACCESS_TOKEN: (*_BASE_PARAMETERS, "oauth_token", "oauth_verifier"),
    Phase.RESOURCE: (*_BASE_PARAMETERS, "oauth_token"),
}


def normalize_public_key(text: str) -> str:
    """The consumer key as X.509 SubjectPublicKeyInfo PEM, or `InvalidPublicKeyError`.

    Jira strips the armour lines and reads the rest as SubjectPublicKeyInfo, so a PKCS#1 `RSA PUBLIC KEY` or a
    private key fails even though most crypto libraries would load them; re-armouring as `PUBLIC KEY` keeps
    the parser as strict as Jira's.
    """
    key: object
    try:
        if "-----BEGIN CERTIFICATE-----" in text:
            key = x509.load_pem_x509_certificate(text.strip().encode("ascii")).public_key()
        else:
            body = "".join(_ARMOUR.sub("", text).split())
            pem = "-----BEGIN PUBLIC KEY-----\n" + "\n".join(textwrap.wrap(body, 64))
            key = serialization.load_pem_public_key(f"{pem}\n-----END PUBLIC KEY-----\n".encode("ascii"))
    except ValueError as exc:  # UnicodeError included: a key is ASCII
        raise InvalidPublicKeyError("invalid public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise InvalidPublicKeyError("invalid public key: OAuth 1.0a in Jira needs an RSA key")
    spki = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return spki.decode("ascii")


class SandboxValidator(RequestValidator):  # type: ignore[misc]
    """Answers oauthlib's questions from `SandboxState`; one instance per HTTP request.

    `validate_timestamp_and_nonce` is the first hook oauthlib calls after its syntax checks, so it runs
    Jira's consumer and token lookups too: the reported problem is then Jira's, whatever oauthlib checks next.
    """

    def __init__(self, ctx: Ctx, phase: Phase) -> None:
        super().__init__()
        self.ctx = ctx
        self.state = ctx.state
        self.phase = phase
        self.consumer: OAuth1Consumer | None = None
        self.token: OAuth1Token | None = None
        self.base_string: str | None = None

    # Policy -----------------------------------------------------------------------------------------

    @property
    def allowed_signature_methods(self) -> tuple[str, ...]:
        return (SIGNATURE_RSA_SHA1,)

    @property
    def enforce_ssl(self) -> bool:
        return False

    @property
    def timestamp_lifetime(self) -> int:
        # oauthlib compares against the host's wall clock; Jira's own clock (which the clock-skew fault moves)
        # must decide, so oauthlib's check is made unreachable and ours runs in validate_timestamp_and_nonce.
        return sys.maxsize

    # Jira accepts any non-empty key, token, nonce or verifier; their absence is reported separately.
    def check_client_key(self, client_key: str) -> bool:
        return bool(client_key)

    def check_request_token(self, request_token: str) -> bool:
        return bool(request_token)

    def check_access_token(self, request_token: str) -> bool:
        return bool(request_token)

    def check_nonce(self, nonce: str) -> bool:
        return bool(nonce)

    def check_verifier(self, verifier: str) -> bool:
        return bool(verifier)

    def check_realms(self, realms: list[str]) -> bool:
        return True

    # Jira's checks, in Jira's order -----------------------------------------------------------------

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: str,
        nonce: str,
        request: Any,
        *,
        request_token: str | None = None,
        access_token: str | None = None,
    ) -> bool:
        self.consumer = consumer = self._consumer(client_key)
        if self.phase is Phase.ACCESS_TOKEN:
            self.token = self._token(request_token, "request", consumer)
        elif self.phase is Phase.RESOURCE:
            self.token = self._token(access_token, "access", consumer)
        now = int(self.state.now())
        if abs(now - int(timestamp)) > TIMESTAMP_TOLERANCE:
            window = f"{now - TIMESTAMP_TOLERANCE}-{now + TIMESTAMP_TOLERANCE}"
            raise OAuthProblem("timestamp_refused", oauth_acceptable_timestamps=window)
        seen = (client_key, timestamp, nonce)
        with self.state.change():
            nonces = self.state.oauth1_nonces
            if seen in nonces:
                raise OAuthProblem("nonce_used")
            # A nonce outside the timestamp window can never be replayed successfully, so it need not be kept.
            nonces.difference_update({n for n in nonces if int(n[1]) < now - TIMESTAMP_TOLERANCE})
            nonces.add(seen)
        return True

    def _consumer(self, client_key: str) -> OAuth1Consumer:
        with self.state.lock:
            consumer = self.state.oauth1_consumers.get(client_key)
        if consumer is None:
            raise OAuthProblem("consumer_key_unknown")
        return consumer

    def _token(self, key: str | None, kind: str, consumer: OAuth1Consumer) -> OAuth1Token:
        with self.state.lock:
            token = self.state.oauth1_tokens.get(key or "")
        if token is None or token.kind != kind or token.consumer_key != consumer.key:
            raise OAuthProblem("token_rejected")
        if token.expires_at <= self.state.now():
            raise OAuthProblem("token_expired")
        return token

    # The lookups below were made by validate_timestamp_and_nonce; these hooks only confirm their results.
    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return self.consumer is not None and self.consumer.key == client_key

    def validate_request_token(self, client_key: str, token: str, request: Any) -> bool:
        return self.token is not None and self.token.token == token

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        return self.token is not None and self.token.token == token

    def validate_verifier(self, client_key: str, token: str, verifier: str, request: Any) -> bool:
        issued = self.token.verifier if self.token is not None else None
        if issued is None:
            raise OAuthProblem("permission_unknown", oauth_problem_advice="The request token is not authorized.")
        if issued == DENIED:
            raise OAuthProblem("permission_denied", oauth_problem_advice="The user denied access.")
        if not secrets.compare_digest(issued.encode(), verifier.encode()):
            raise OAuthProblem(
                "token_rejected", oauth_problem_advice="The oauth_verifier does not match this request token."
            )
        return True

    def validate_redirect_uri(self, client_key: str, redirect_uri: str, request: Any) -> bool:
        parsed = urllib.parse.urlsplit(redirect_uri)
        if redirect_uri != "oob" and (parsed.scheme not in ("http", "https") or not parsed.netloc):
            raise OAuthProblem("parameter_rejected", oauth_parameters_rejected="oauth_callback")
        return True

    def validate_requested_realms(self, client_key: str, realms: list[str], request: Any) -> bool:
        return True

    def validate_realms(
        self, client_key: str, token: str, request: Any, uri: str | None = None, realms: Any = None
    ) -> bool:
        return True

    def get_default_realms(self, client_key: str, request: Any) -> list[str]:
        return []

    def get_realms(self, token: str, request: Any) -> list[str]:
        return []

    def get_rsa_key(self, client_key: str, request: Any) -> str:
        # Kept so a signature_invalid answer can echo what the server signed, as Jira does.
        self.base_string = signature.signature_base_string(
            request.http_method,
            signature.base_string_uri(request.uri),
            signature.normalize_parameters(request.params),
        )
        return self._consumer(client_key).public_key_pem

    # Persistence -------------------------------------------------------------------------------------

    def save_request_token(self, token: dict[str, str], request: Any) -> None:
        lifetime = self.ctx.options.lifetimes.oauth1_request_token
        with self.state.change():
            self.state.oauth1_tokens[token["oauth_token"]] = OAuth1Token(
                token=token["oauth_token"],
                secret=token["oauth_token_secret"],
                consumer_key=request.client_key,
                kind="request",
                expires_at=self.state.now() + lifetime,
                callback=request.redirect_uri,
            )

    def save_access_token(self, token: dict[str, str], request: Any) -> None:
        lifetime = self.ctx.options.lifetimes.oauth1_access_token
        with self.state.change():
            self.state.oauth1_tokens[token["oauth_token"]] = OAuth1Token(
                token=token["oauth_token"],
                secret=token["oauth_token_secret"],
                consumer_key=request.client_key,
                kind="access",
                expires_at=self.state.now() + lifetime,
                user=self.token.user if self.token is not None else None,
            )

    def invalidate_request_token(self, client_key: str, request_token: str, request: Any) -> None:
        with self.state.change():
            self.state.oauth1_tokens.pop(request_token, None)

    # After oauthlib said no -------------------------------------------------------------------------

    def refusal(self) -> OAuthProblem:
        """The problem behind a refusal no hook raised: a bad signature, or oauthlib's syntax checks."""
        if self.base_string is not None:
            return OAuthProblem("signature_invalid", oauth_signature_base_string=self.base_string)
        params = _oauth_params(self.ctx)
        if params.get("oauth_signature_method", SIGNATURE_RSA_SHA1) != SIGNATURE_RSA_SHA1:
            return OAuthProblem("signature_method_rejected", oauth_acceptable_signature_methods=SIGNATURE_RSA_SHA1)
        absent = [name for name in _REQUIRED[self.phase] if not params.get(name)]
        if absent:
            return OAuthProblem("parameter_absent", oauth_parameters_absent="&".join(absent))
        if params.get("oauth_version", "1.0") != "1.0":
            return OAuthProblem("version_rejected", oauth_acceptable_versions="1.0-1.0")
        if not re.fullmatch(r"\d{10}", params["oauth_timestamp"]):
            return OAuthProblem("timestamp_refused")
        return OAuthProblem("parameter_rejected")


# The request as oauthlib sees it --------------------------------------------------------------------------


def signed_uri(ctx: Ctx) -> str:
    """What the client signed: Jira's advertised base URL, the path inside the context, the query."""
    raw = str(ctx.request.environ.get("REQUEST_URI") or ctx.request.full_path)
    parsed = urllib.parse.urlsplit(raw)
    path = parsed.path
    context = ctx.options.context_path
    if context and (path == context or path.startswith(context + "/")):
        path = path[len(context) :]
    return f"{ctx.base_url}{path}" + (f"?{parsed.query}" if parsed.query else "")


def _request_parts(ctx: Ctx) -> tuple[str, str, str, dict[str, str]]:
    body = ctx.request.get_data(cache=True, as_text=True)
    return signed_uri(ctx), ctx.request.method, body, dict(ctx.request.headers.items())


def _oauth_params(ctx: Ctx) -> dict[str, str]:
    uri, _, body, headers = _request_parts(ctx)
    form = body if ctx.request.mimetype == "application/x-www-form-urlencoded" else ""
    try:
        pairs = signature.collect_parameters(
            uri_query=urllib.parse.urlsplit(uri).query,
            body=form,
            headers=headers,
            exclude_oauth_signature=False,
        )
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in pairs}


def problem_response(ctx: Ctx, problem: OAuthProblem) -> Response:
    """Jira's refusal: the problem form-encoded in the body and named in `WWW-Authenticate`."""
    fields = [("oauth_problem", problem.name), *problem.details.items()]
    body = urllib.parse.urlencode(fields, quote_via=urllib.parse.quote, safe="")
    response = Response(body, status=problem.status, content_type=FORM_TYPE)
    realm = urllib.parse.quote(ctx.base_url, safe="")
    response.headers["WWW-Authenticate"] = f'OAuth realm="{realm}", oauth_problem="{problem.name}"'
    return response


# The three oauthlib endpoints ----------------------------------------------------------------------------


def issue_request_token(ctx: Ctx) -> Response:
    validator = SandboxValidator(ctx, Phase.REQUEST_TOKEN)
    try:
        _, body, status = RequestTokenEndpoint(validator).create_request_token_response(*_request_parts(ctx))
    except OAuthProblem as problem:
        return problem_response(ctx, problem)
    if status != 200:
        return problem_response(ctx, validator.refusal())
    return Response(body, content_type=FORM_TYPE)


def issue_access_token(ctx: Ctx) -> Response:
    validator = SandboxValidator(ctx, Phase.ACCESS_TOKEN)
    lifetime = str(ctx.options.lifetimes.oauth1_access_token)
    try:
        _, body, status = AccessTokenEndpoint(validator).create_access_token_response(
            *_request_parts(ctx), credentials={"oauth_expires_in": lifetime}
        )
    except OAuthProblem as problem:
        return problem_response(ctx, problem)
    if status != 200:
        return problem_response(ctx, validator.refusal())
    issued = dict(urllib.parse.parse_qsl(body))
    answer = {key: issued[key] for key in ("oauth_token", "oauth_token_secret", "oauth_expires_in")}
    return Response(urllib.parse.urlencode(answer), content_type=FORM_TYPE)


def verify_resource_request(ctx: Ctx) -> None:
    """Jira's OAuth filter for REST calls: the request runs as the token's user, or is refused with a 401."""
    validator = SandboxValidator(ctx, Phase.RESOURCE)
    try:
        valid, _ = ResourceEndpoint(validator).validate_protected_resource_request(*_request_parts(ctx))
    except OAuthProblem as problem:
        raise Answered(problem_response(ctx, problem)) from None
    if not valid:
        raise Answered(problem_response(ctx, validator.refusal()))
    owner = validator.token.user if validator.token is not None else None
    with ctx.state.lock:
        user = ctx.state.users.get(owner or "")
    if user is None or not user.active:
        raise Answered(problem_response(ctx, OAuthProblem("permission_denied")))
    ctx.user, ctx.auth_via = user, "oauth1"
