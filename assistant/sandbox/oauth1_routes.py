"""The OAuth 1.0a servlet URLs, and the page where a user lets a consumer act as them.

The token endpoints belong to `oauth1_provider`; this module owns the browser step. Jira asks the logged-in
user every time (no remembered consent), sends an anonymous browser to the login page first, and answers the
decision by redirecting to the consumer's callback or, for `oob`, by showing the verifier on the page.
"""

from __future__ import annotations

import html
import urllib.parse

from oauthlib.common import generate_token
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from assistant.sandbox import oauth1_provider
from assistant.sandbox.context import Answered, Ctx, html_page
from assistant.sandbox.state import OAuth1Token, SandboxState, User

AUTHORIZE_PATH = "/plugins/servlet/oauth/authorize"
VERIFIER_LENGTH = 20


def _refusal_page(problem: str, explanation: str) -> Response:
    body = f"<p>{html.escape(explanation)}</p><p class='oauth-problem'>oauth_problem={html.escape(problem)}</p>"
    return html_page("OAuth authorization failed", body, status=400)


def _pending_token(ctx: Ctx, key: str | None) -> OAuth1Token:
    with ctx.state.lock:
        token = ctx.state.oauth1_tokens.get(key or "")
    if token is None or token.kind != "request":
        raise Answered(
            _refusal_page(
                "token_rejected",
                "The request token is unknown: it was used already, or was issued by another Jira.",
            )
        )
    if token.expires_at <= ctx.state.now():
        raise Answered(_refusal_page("token_expired", "The request token has expired; start again."))
    if token.verifier is not None:
        raise Answered(_refusal_page("token_used", "Access for this request token was already decided."))
    return token


def _login_redirect(ctx: Ctx, token_key: str) -> Response:
    context = ctx.options.context_path
    destination = f"{context}{AUTHORIZE_PATH}?{urllib.parse.urlencode({'oauth_token': token_key})}"
    location = f"{context}/login.jsp?os_destination={urllib.parse.quote(destination, safe='')}"
    return Response(status=302, headers={"Location": location})


def _consent_form(ctx: Ctx, token: OAuth1Token, user: User) -> Response:
    with ctx.state.lock:
        consumer = ctx.state.oauth1_consumers.get(token.consumer_key)
    name = consumer.name if consumer is not None else token.consumer_key
    description = consumer.description if consumer is not None else ""
    body = (
        f"<p><strong>{html.escape(name)}</strong> would like to read and write data in Jira on your behalf "
        f"(as {html.escape(user.display_name)}).</p>"
        + (f"<p class='description'>{html.escape(description)}</p>" if description else "")
        + f"<form method='post' action='{html.escape(ctx.options.context_path)}{AUTHORIZE_PATH}'>"
        f"<input type='hidden' name='oauth_token' value='{html.escape(token.token)}'>"
        "<button type='submit' name='approve' value='Allow'>Allow</button> "
        "<button type='submit' name='deny' value='Deny'>Deny</button></form>"
    )
    return html_page("Welcome to Jira", body)


def _with_params(url: str, params: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _decide(ctx: Ctx, token: OAuth1Token, user: User, approve: bool) -> Response:
    """Records the decision once, then answers as Jira does for the callback the consumer registered."""
    with ctx.state.change():
        if token.verifier is not None or token.token not in ctx.state.oauth1_tokens:
            raise Answered(_refusal_page("token_used", "Access for this request token was already decided."))
        token.user = user.username
        token.verifier = generate_token(VERIFIER_LENGTH) if approve else oauth1_provider.DENIED
        verifier = token.verifier
    if token.callback == "oob":
        if approve:
            body = (
                "<p>You have allowed access. Enter this verification code in the application:</p>"
                f"<p><code class='oauth-verifier'>{html.escape(verifier)}</code></p>"
            )
            return html_page("Access approved", body)
        return html_page("Access denied", "<p>You have denied access; the application cannot use Jira.</p>")
    params = {"oauth_token": token.token, "oauth_verifier": verifier}
    if not approve:
        params["oauth_problem"] = "permission_denied"
    return Response(status=302, headers={"Location": _with_params(token.callback, params)})


def authorize_page(ctx: Ctx) -> Response:
    key = ctx.request.args.get("oauth_token", "")
    token = _pending_token(ctx, key)
    if ctx.options.auto_approve:
        user = ctx.user or ctx.state.users[SandboxState.SERVICE_ACCOUNT]
        return _decide(ctx, token, user, approve=True)
    if ctx.user is None:
        return _login_redirect(ctx, key)
    return _consent_form(ctx, token, ctx.user)


def authorize_submit(ctx: Ctx) -> Response:
    form = ctx.request.form
    key = form.get("oauth_token", "")
    token = _pending_token(ctx, key)
    if ctx.user is None:
        return _login_redirect(ctx, key)
    if "approve" in form or "deny" in form:
        return _decide(ctx, token, ctx.user, approve="deny" not in form)
    return _refusal_page("parameter_absent", "Choose Allow or Deny.")


ROUTES = [
    Rule("/plugins/servlet/oauth/request-token", endpoint=oauth1_provider.issue_request_token, methods=["POST"]),
    Rule("/plugins/servlet/oauth/access-token", endpoint=oauth1_provider.issue_access_token, methods=["POST"]),
    Rule(AUTHORIZE_PATH, endpoint=authorize_page, methods=["GET"]),
    Rule(AUTHORIZE_PATH, endpoint=authorize_submit, methods=["POST"]),
]
