"""Who a request runs as, decided the way Jira's filter chain decides it.

The order and the failure modes are the point: a bad PAT or OAuth 2.0 token is *not* refused but silently runs
as anonymous, Basic failures carry Seraph headers, a CAPTCHA lock refuses even the right password, and the
`basic-200-on-failure` fault answers a failed login with 200 as anonymous, as some Jira Server builds did.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable

from werkzeug.wrappers import Response

from assistant.sandbox.context import Answered, Ctx, html_page, json_response
from assistant.sandbox.options import Fault
from assistant.sandbox.state import User

OAuth1Verifier = Callable[[Ctx], None]
OAUTH1_SERVLET_PREFIX = "/plugins/servlet/oauth/"
BASIC_DISABLED_MESSAGE = "Basic Authentication has been disabled on this instance."


def resolve(ctx: Ctx, path: str, oauth1_verifier: OAuth1Verifier | None) -> None:
    """Fills `ctx.user` and `ctx.auth_via`, or raises `Answered` with the refusal Jira sends."""
    header = ctx.request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "oauth" and oauth1_verifier is not None and not path.startswith(OAUTH1_SERVLET_PREFIX):
        oauth1_verifier(ctx)
    elif scheme == "bearer":
        _bearer(ctx, credentials.strip())
    elif scheme == "basic":
        _basic(ctx, credentials.strip())
    else:
        _session(ctx)


def _session(ctx: Ctx) -> None:
    session_id = ctx.request.cookies.get("JSESSIONID")
    if not session_id:
        return
    with ctx.state.lock:
        session = ctx.state.sessions.get(session_id)
        user = ctx.state.users.get(session.user) if session else None
    if user is not None and user.active:
        ctx.user, ctx.auth_via = user, "session"


def _bearer(ctx: Ctx, token: str) -> None:
    """A PAT or an OAuth 2.0 access token; anything else falls through to anonymous without a word."""
    state, options = ctx.state, ctx.options
    now = state.now()
    if options.features.personal_access_tokens and not options.has(Fault.PAT_DISABLED):
        pat = state.find_pat(token)
        if pat is not None and (pat.expiring_at is None or pat.expiring_at > now):
            user = state.users.get(pat.owner)
            if user is not None and user.active:
                with state.change():
                    pat.last_accessed_at = now
                ctx.user, ctx.auth_via = user, "pat"
                return
    if options.features.oauth2_provider and not options.has(Fault.OAUTH2_DISABLED):
        with state.lock:
            grant = state.oauth2_tokens.get(token)
            valid = grant is not None and not grant.revoked and grant.access_expires_at > now
            user = state.users.get(grant.user) if grant is not None and valid else None
        if grant is not None and user is not None and user.active:
            ctx.user, ctx.auth_via, ctx.oauth2_scope = user, "oauth2", grant.scope


def _decode_basic(credentials: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


def _basic(ctx: Ctx, credentials: str) -> None:
    state, options = ctx.state, ctx.options
    if options.has(Fault.BASIC_DISABLED) and options.features.basic_auth_block_setting:
        raise Answered(_basic_disabled(ctx))
    pair = _decode_basic(credentials)
    username, password = pair if pair else ("", "")
    user = state.user_by_key_or_name(username) or _user_by_email(ctx, username)
    if user is not None and user.failed_logins >= options.max_authentication_attempts:
        raise Answered(_captcha(ctx))
    if user is None or not secrets.compare_digest(user.password.encode(), password.encode()):
        if user is not None:
            with state.change():
                user.failed_logins += 1
        _failed(ctx, "AUTHENTICATED_FAILED")
        return
    if not user.active:
        _failed(ctx, "AUTHORISATION_FAILED")
        return
    if user.failed_logins:
        state.reset_failed_logins(user.username)
    ctx.user, ctx.auth_via = user, "basic"
    ctx.extra_headers["X-Seraph-LoginReason"] = "OK"


def _user_by_email(ctx: Ctx, email: str) -> User | None:
    with ctx.state.lock:
        return next((u for u in ctx.state.users.values() if u.email == email and email), None)


def _failed(ctx: Ctx, reason: str) -> None:
    if ctx.options.has(Fault.BASIC_200_ON_FAILURE):
        # The reported Jira Server behaviour: the request goes on as anonymous, only the header tells.
        ctx.extra_headers["X-Seraph-LoginReason"] = reason
        return
    page = html_page(
        "Unauthorized (401)",
        f"<p>Basic Authentication Failure - Reason : {reason}</p>",
        status=401,
    )
    page.headers["X-Seraph-LoginReason"] = reason
    raise Answered(page)


def _captcha(ctx: Ctx) -> Response:
    page = html_page("Forbidden (403)", "<p>CAPTCHA_CHALLENGE</p>", status=403)
    page.headers["X-Seraph-LoginReason"] = "AUTHENTICATION_DENIED"
    page.headers["X-Authentication-Denied-Reason"] = f"CAPTCHA_CHALLENGE; login-url={ctx.base_url}/login.jsp"
    return page


def _basic_disabled(ctx: Ctx) -> Response:
    """The SSO plugin answers in the representation the client accepts."""
    accepted = ctx.request.accept_mimetypes.best_match(
        ["application/json", "application/xml", "text/plain"], default="application/json"
    )
    if accepted == "application/xml":
        body = f"<status><message>{BASIC_DISABLED_MESSAGE}</message></status>"
        return Response(body, status=403, content_type="application/xml;charset=UTF-8")
    if accepted == "text/plain":
        return Response(BASIC_DISABLED_MESSAGE, status=403, content_type="text/plain;charset=UTF-8")
    return json_response({"message": BASIC_DISABLED_MESSAGE}, status=403)
