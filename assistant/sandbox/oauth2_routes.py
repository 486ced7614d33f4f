"""OAuth 2.0 provider routes (Jira DC 8.22+): authorize, consent, token, revoke, metadata, client admin.

The browser side keeps Jira's quirks on purpose: consent is asked every time, needs https unless the skip
property is set, and an Allow without a `Referer` from the consent page loops back to consent (a proxy that
strips `Referer` produces exactly that loop in the field). The token endpoint reads form fields only; a JSON
body fails inside Jersey's `@FormParam` handling, which Jira answers with 500.
"""

from __future__ import annotations

import functools
import html
import json
import urllib.parse
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from werkzeug.exceptions import NotFound
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from assistant.sandbox.context import Ctx, Handler, JiraError, html_page, json_response
from assistant.sandbox.oauth2_provider import (
    GRANT_TYPES,
    build_server,
    client_problems,
    create_client,
    create_secret,
    delete_client,
    grant_types,
    known_scopes,
    strongest,
)
from assistant.sandbox.options import Fault
from assistant.sandbox.state import OAuth2Client, SandboxState

API = "/rest/oauth2/latest"
AUTHORIZE_PATH = f"{API}/authorize"
TOKEN_PATH = f"{API}/token"
REVOKE_PATH = f"{API}/revoke"
CONSENT_PATH = "/plugins/servlet/oauth2/consent"
ERROR_PATH = "/plugins/servlet/oauth2/error"
AUTHORIZE_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)
FORM_TYPE = "application/x-www-form-urlencoded"
FORM_PARAM_FAILURE = (
    "java.lang.IllegalStateException: The @FormParam is utilized when the content type of the request "
    "entity is not application/x-www-form-urlencoded"
)
SCOPE_DESCRIPTIONS = {
    "READ": "View your Jira data",
    "WRITE": "View, create, update and delete your Jira data",
    "ADMIN": "Administer the projects you administer, and everything WRITE allows",
    "SYSTEM_ADMIN": "Administer Jira, and everything ADMIN allows",
    "READ_ALL": "View all Jira data, ignoring permissions",
    "MANAGE_SUBSCRIPTIONS": "Manage subscriptions",
}
_DEFAULT_DESCRIPTIONS = {
    "invalid_grant": "The authorization grant is invalid, expired, revoked or was issued to another client.",
    "invalid_client": "Client authentication failed.",
    "invalid_request": "The request is missing a parameter or is otherwise malformed.",
    "unsupported_grant_type": f"grant_type must be one of {', '.join(GRANT_TYPES)}.",
}
Pairs = list[tuple[str, str]]


def _provider_route(handler: Handler) -> Handler:
    """With the provider plugin disabled, its routes do not exist at all."""

    @functools.wraps(handler)
    def guarded(ctx: Ctx, **values: Any) -> Response:
        if ctx.options.has(Fault.OAUTH2_DISABLED):
            raise NotFound()
        return handler(ctx, **values)

    return guarded


def _see_other(location: str) -> Response:
    return Response(status=303, headers={"Location": location})


def _local(ctx: Ctx, path: str, params: Pairs | None = None) -> str:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    return f"{ctx.options.context_path}{path}{query}"


def _to_login(ctx: Ctx, destination: str) -> Response:
    return _see_other(_local(ctx, "/login.jsp", [("os_destination", destination)]))


def _consent_allowed(ctx: Ctx) -> bool:
    """Consent needs https for both the base URL and the request, as a TLS-terminating proxy reports it."""
    if ctx.options.skip_consent_https_requirement:
        return True
    forwarded = ctx.request.headers.get("X-Forwarded-Proto", "").lower()
    secure_request = ctx.request.scheme == "https" or forwarded == "https"
    return secure_request and ctx.base_url.startswith("https://")


def _https_refused() -> Response:
    return html_page(
        "OAuth 2.0 consent requires HTTPS",
        "<p>The consent screen is served only when Jira's base URL and the request both use HTTPS.</p>",
        status=400,
    )


def _checked(ctx: Ctx, params: Pairs) -> list[str] | Response:
    """The requested scopes, or the answer Jira gives: its error page for a bad client or redirect URL
    (never a redirect to an unverified URL), else a redirect carrying the error back to the client."""
    uri = f"{ctx.served_base_url}{AUTHORIZE_PATH}?{urllib.parse.urlencode(params)}"
    try:
        scopes, _ = build_server(ctx.state).validate_authorization_request(uri, "GET", None, {})
    except errors.FatalClientError as error:
        return _see_other(_local(ctx, ERROR_PATH, [("error", error.error), ("error_description", error.description)]))
    except errors.OAuth2Error as error:
        return _see_other(error.in_uri(error.redirect_uri))
    found: list[str] = scopes
    return found


def _issue_code(ctx: Ctx, params: Pairs, scopes: list[str], username: str) -> Response:
    uri = f"{ctx.served_base_url}{AUTHORIZE_PATH}?{urllib.parse.urlencode(params)}"
    headers, _, _ = build_server(ctx.state).create_authorization_response(
        uri, "GET", None, {}, scopes, credentials={"user": username}
    )
    return _see_other(headers["Location"])


# Browser side ---------------------------------------------------------------------------------------


@_provider_route
def authorize(ctx: Ctx) -> Response:
    params = list(ctx.request.args.items(multi=True))
    checked = _checked(ctx, params)
    if isinstance(checked, Response):
        return checked
    if ctx.options.auto_approve:
        if not _consent_allowed(ctx):
            return _https_refused()
        username = ctx.user.username if ctx.user else SandboxState.SERVICE_ACCOUNT
        return _issue_code(ctx, params, checked, username)
    consent = _local(ctx, CONSENT_PATH, params)
    return _to_login(ctx, consent) if ctx.user is None else _see_other(consent)


def _consent_form(ctx: Ctx, client: OAuth2Client, params: Pairs, scope: str) -> str:
    hidden = "".join(f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>" for k, v in params)
    return (
        f"<p><strong>{html.escape(client.name)}</strong> wants to access Jira as "
        f"<strong>{html.escape(ctx.username)}</strong>.</p>"
        f"<p>Scope: <strong>{html.escape(scope)}</strong> - "
        f"{html.escape(SCOPE_DESCRIPTIONS.get(scope, scope))}</p>"
        f"<form method='post' action='{html.escape(_local(ctx, CONSENT_PATH))}'>{hidden}"
        "<button type='submit' name='decision' value='allow'>Allow</button> "
        "<button type='submit' name='decision' value='deny'>Deny</button></form>"
    )


@_provider_route
def consent_page(ctx: Ctx) -> Response:
    if not _consent_allowed(ctx):
        return _https_refused()
    params = list(ctx.request.args.items(multi=True))
    if ctx.user is None:
        return _to_login(ctx, _local(ctx, CONSENT_PATH, params))
    checked = _checked(ctx, params)
    if isinstance(checked, Response):
        return checked
    with ctx.state.lock:
        client = ctx.state.oauth2_clients[ctx.request.args["client_id"]]
    return html_page("Allow access?", _consent_form(ctx, client, params, strongest(checked)))


@_provider_route
def consent_submit(ctx: Ctx) -> Response:
    if not _consent_allowed(ctx):
        return _https_refused()
    form = ctx.request.form
    params = [(name, value) for name in AUTHORIZE_PARAMS for value in form.getlist(name)]
    consent = _local(ctx, CONSENT_PATH, params)
    if ctx.user is None:
        return _to_login(ctx, consent)
    if not ctx.request.headers.get("Referer", "").startswith(f"{ctx.base_url}{CONSENT_PATH}"):
        return _see_other(consent)
    checked = _checked(ctx, params)
    if isinstance(checked, Response):
        return checked
    return _decide(ctx, params, checked, consent)


def _decide(ctx: Ctx, params: Pairs, scopes: list[str], consent: str) -> Response:
    form = ctx.request.form
    decision = form.get("decision")
    if decision == "allow" and ctx.user is not None:
        return _issue_code(ctx, params, scopes, ctx.user.username)
    if decision == "deny":
        denied = errors.AccessDeniedError(state=form.get("state"))
        return _see_other(denied.in_uri(form["redirect_uri"]))
    return _see_other(consent)


@_provider_route
def error_page(ctx: Ctx) -> Response:
    description = ctx.request.args.get("error_description") or "The authorization request is invalid."
    return html_page(
        "Something went wrong",
        f"<p>{html.escape(description)}</p>"
        "<p>The application that sent you here is not registered, or sent a redirect URL that its "
        "incoming link does not list. Ask your Jira administrator to check the application link.</p>",
    )


# Client side ----------------------------------------------------------------------------------------


def _oauth_answer(headers: dict[str, str], payload: str, status: int) -> Response:
    """oauthlib's answer in Jira's dialect: `bearer` in lower case, and a description on every error."""
    body: dict[str, Any] = json.loads(payload) if payload else {}
    if "access_token" in body:
        body["token_type"] = "bearer"  # noqa: S105 - a token type, not a secret
    elif "error" in body:
        body.setdefault("error_description", _DEFAULT_DESCRIPTIONS.get(body["error"], body["error"]))
    response = json_response(body, status) if payload else Response(status=status)
    for name, value in headers.items():
        if name.lower() != "content-type":
            response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_only(ctx: Ctx) -> str:
    body = ctx.request.get_data(cache=True, as_text=True)
    if ctx.request.mimetype != FORM_TYPE:
        raise JiraError(500, [FORM_PARAM_FAILURE])
    return body


def _endpoint_uri(ctx: Ctx, path: str) -> str:
    query = ctx.request.query_string.decode("latin-1")
    return f"{ctx.served_base_url}{path}" + (f"?{query}" if query else "")


@_provider_route
def token(ctx: Ctx) -> Response:
    body = _form_only(ctx)
    server = build_server(ctx.state)
    # One lock around validate-then-invalidate, so two exchanges of one code cannot both succeed.
    with ctx.state.lock:
        headers, payload, status = server.create_token_response(
            _endpoint_uri(ctx, TOKEN_PATH), "POST", body, dict(ctx.request.headers)
        )
    return _oauth_answer(headers, payload, status)


@_provider_route
def revoke(ctx: Ctx) -> Response:
    body = _form_only(ctx)
    server = build_server(ctx.state)
    headers, payload, status = server.create_revocation_response(
        _endpoint_uri(ctx, REVOKE_PATH), "POST", body, dict(ctx.request.headers)
    )
    return _oauth_answer(headers, payload, status)


@_provider_route
def metadata(ctx: Ctx) -> Response:
    base = ctx.base_url
    return json_response(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}{AUTHORIZE_PATH}",
            "token_endpoint": f"{base}{TOKEN_PATH}",
            "revocation_endpoint": f"{base}{REVOKE_PATH}",
            "response_types_supported": ["code"],
            "grant_types_supported": list(grant_types(ctx.options.version)),
            "scopes_supported": list(known_scopes(ctx.options.version)),
            "code_challenge_methods_supported": ["plain", "S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "revocation_endpoint_auth_methods_supported": ["client_secret_post"],
        }
    )


# Client administration (system administrators) ------------------------------------------------------


def _require_system_admin(ctx: Ctx) -> str:
    """The user key of the system administrator asking; anyone else gets 401, as Jira answers."""
    user = ctx.user
    if user is None or not user.system_admin:
        raise JiraError(401, ["Only system administrators can manage OAuth 2.0 clients."])
    ctx.require_scope("SYSTEM_ADMIN")
    return user.key


def _entity(client: OAuth2Client) -> dict[str, Any]:
    return {
        "id": client.id,
        "clientId": client.client_id,
        "clientSecret": client.client_secret,
        "name": client.name,
        "redirects": list(client.redirects),
        "scope": client.scope,
        "userKey": client.user_key,
    }


def _by_id(ctx: Ctx, entity_id: str) -> OAuth2Client:
    with ctx.state.lock:
        client = next((c for c in ctx.state.oauth2_clients.values() if str(c.id) == entity_id), None)
    if client is None:
        raise JiraError(404, [f"No OAuth 2.0 client with id {entity_id}."])
    return client


def _entity_body(ctx: Ctx) -> dict[str, Any]:
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise JiraError(400, ["The request body must be a JSON object."])
    return body


@_provider_route
def list_clients(ctx: Ctx) -> Response:
    _require_system_admin(ctx)
    with ctx.state.lock:
        clients = sorted(ctx.state.oauth2_clients.values(), key=lambda c: c.id)
        return json_response([_entity(c) for c in clients])


@_provider_route
def add_client(ctx: Ctx) -> Response:
    user_key = _require_system_admin(ctx)
    body = _entity_body(ctx)
    name: Any = body.get("name")
    redirects: Any = body.get("redirects")
    scope: Any = body.get("scope")
    problems = client_problems(ctx.state, name, redirects, scope)
    if problems:
        raise JiraError(400, [], problems)
    return json_response(_entity(create_client(ctx.state, name, redirects, scope, user_key)))


@_provider_route
def get_client(ctx: Ctx, entity_id: str) -> Response:
    _require_system_admin(ctx)
    return json_response(_entity(_by_id(ctx, entity_id)))


@_provider_route
def update_client(ctx: Ctx, entity_id: str) -> Response:
    _require_system_admin(ctx)
    client = _by_id(ctx, entity_id)
    body = _entity_body(ctx)
    name = body.get("name", client.name)
    redirects = body.get("redirects", client.redirects)
    scope = body.get("scope", client.scope)
    problems = client_problems(ctx.state, name, redirects, scope, client_id=client.client_id)
    if problems:
        raise JiraError(400, [], problems)
    with ctx.state.change():
        client.name, client.redirects, client.scope = name, list(redirects), scope
    return Response(status=204)


@_provider_route
def remove_client(ctx: Ctx, entity_id: str) -> Response:
    _require_system_admin(ctx)
    delete_client(ctx.state, _by_id(ctx, entity_id))
    return Response(status=200)


@_provider_route
def reset_secret(ctx: Ctx, client_id: str) -> Response:
    _require_system_admin(ctx)
    with ctx.state.lock:
        client = ctx.state.oauth2_clients.get(client_id)
    if client is None:
        raise JiraError(404, [f"No OAuth 2.0 client with client id {client_id}."])
    with ctx.state.change():
        client.client_secret = create_secret()
    return json_response(_entity(client))


ROUTES = [
    Rule(AUTHORIZE_PATH, endpoint=authorize, methods=["GET"]),
    Rule(CONSENT_PATH, endpoint=consent_page, methods=["GET"]),
    Rule(CONSENT_PATH, endpoint=consent_submit, methods=["POST"]),
    Rule(ERROR_PATH, endpoint=error_page, methods=["GET"]),
    Rule(TOKEN_PATH, endpoint=token, methods=["POST"]),
    Rule(REVOKE_PATH, endpoint=revoke, methods=["POST"]),
    Rule(f"{API}/.well-known/oauth-authorization-server", endpoint=metadata, methods=["GET"]),
    Rule(f"{API}/client", endpoint=list_clients, methods=["GET"]),
    Rule(f"{API}/client", endpoint=add_client, methods=["POST"]),
    Rule(f"{API}/client/reset/<client_id>", endpoint=reset_secret, methods=["PUT"]),
    Rule(f"{API}/client/<entity_id>", endpoint=get_client, methods=["GET"]),
    Rule(f"{API}/client/<entity_id>", endpoint=update_client, methods=["PUT"]),
    Rule(f"{API}/client/<entity_id>", endpoint=remove_client, methods=["DELETE"]),
]
