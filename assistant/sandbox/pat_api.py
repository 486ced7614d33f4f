"""Personal Access Token REST API (Jira 8.14+): the token is shown once, on creation, and never again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from assistant.sandbox.context import Ctx, json_response
from assistant.sandbox.options import Fault
from assistant.sandbox.state import PersonalAccessToken

MAX_TOKENS_PER_USER = 10
MAX_EXPIRY_DAYS = 365
MAX_NAME_LENGTH = 40


def _pat_time(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    moment = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def _error(status: int, exception: str, message: str) -> Response:
    return json_response({"exception": exception, "error": message}, status)


def _body(token: PersonalAccessToken, raw: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": token.id,
        "name": token.name,
        "createdAt": _pat_time(token.created_at),
        "expiringAt": _pat_time(token.expiring_at),
        "lastAccessedAt": _pat_time(token.last_accessed_at),
    }
    if raw:
        body["rawToken"] = token.secret
    return body


def _guard(ctx: Ctx) -> Response | None:
    if ctx.options.has(Fault.PAT_DISABLED):
        return _error(
            403,
            "com.atlassian.pats.exception.PatsDisabledException",
            "Personal access tokens are disabled on this instance.",
        )
    if ctx.user is None:
        return _error(401, "com.atlassian.pats.exception.UnauthorizedException", "User is not authenticated.")
    return None


def create_token(ctx: Ctx) -> Response:
    refused = _guard(ctx)
    if refused:
        return refused
    user = ctx.require_user()
    body = ctx.json_body()
    if not isinstance(body, dict):
        return _error(400, "com.atlassian.pats.exception.InvalidTokenException", "Request body must be an object.")
    name, days = body.get("name"), body.get("expirationDuration")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        return _error(
            400,
            "com.atlassian.pats.exception.InvalidTokenNameException",
            f"Token name must be 1 to {MAX_NAME_LENGTH} characters.",
        )
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXPIRY_DAYS):
        return _error(
            400,
            "com.atlassian.pats.exception.InvalidExpiryException",
            f"Token expiry must be between 1 and {MAX_EXPIRY_DAYS} days.",
        )
    with ctx.state.lock:
        owned = sum(1 for t in ctx.state.pats.values() if t.owner == user.username)
    if owned >= MAX_TOKENS_PER_USER:
        return _error(
            403,
            "com.atlassian.pats.exception.TokenLimitExceededException",
            f"You can have at most {MAX_TOKENS_PER_USER} tokens.",
        )
    token = ctx.state.create_pat(user.username, name, days)
    return json_response(_body(token, raw=True), 201)


def list_tokens(ctx: Ctx) -> Response:
    refused = _guard(ctx)
    if refused:
        return refused
    with ctx.state.lock:
        tokens = [_body(t) for t in ctx.state.pats.values() if t.owner == ctx.username]
    return json_response(tokens)


def get_token(ctx: Ctx, token_id: int) -> Response:
    refused = _guard(ctx)
    if refused:
        return refused
    with ctx.state.lock:
        token = ctx.state.pats.get(token_id)
        body = _body(token) if token is not None and token.owner == ctx.username else None
    if body is None:
        return _error(404, "com.atlassian.pats.exception.TokenNotFoundException", "Token not found.")
    return json_response(body)


def delete_token(ctx: Ctx, token_id: int) -> Response:
    refused = _guard(ctx)
    if refused:
        return refused
    with ctx.state.change():
        token = ctx.state.pats.get(token_id)
        if token is not None and token.owner == ctx.username:
            del ctx.state.pats[token_id]
    return Response(status=204)


ROUTES = [
    Rule("/rest/pat/latest/tokens", endpoint=create_token, methods=["POST"]),
    Rule("/rest/pat/latest/tokens", endpoint=list_tokens, methods=["GET"]),
    Rule("/rest/pat/latest/tokens/<int:token_id>", endpoint=get_token, methods=["GET"]),
    Rule("/rest/pat/latest/tokens/<int:token_id>", endpoint=delete_token, methods=["DELETE"]),
]
