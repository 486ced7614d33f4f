"""The sandbox's WSGI application: Tomcat's and Jira's filters in front of the routes.

Order matters and imitates Jira: host check, context path, the faults an operator or a proxy causes
(maintenance, an SSO portal, slowness), body size, authentication, rate limiting, then the route. Every
answer leaves with the headers Jira always sends (`X-AUSERNAME`, a `Date` from the sandbox clock), and
nothing a route raises reaches the client as a traceback.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.http import http_date
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from assistant.sandbox import identity
from assistant.sandbox.context import Answered, Ctx, JiraError, html_page, json_response
from assistant.sandbox.options import Fault, SandboxOptions
from assistant.sandbox.state import SandboxState

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

SSO_PORTAL_PATH = "/idp/login"
_ALWAYS_SERVED = ("/status",)


class SandboxApp:
    """One instance per sandbox, routing the werkzeug `Rule`s its Jira version has."""

    def __init__(
        self,
        *,
        state: SandboxState,
        options: SandboxOptions,
        base_url: str,
        trusted_hosts: Sequence[str],
        rules: Iterable[Rule],
        oauth1_verifier: identity.OAuth1Verifier | None = None,
    ) -> None:
        self.state = state
        self.options = options
        self.base_url = base_url
        self.trusted_hosts = [host.lower() for host in trusted_hosts]
        self.oauth1_verifier = oauth1_verifier
        # Rules are module-level constants; a Map binds what it holds, so each sandbox gets copies.
        self.url_map = Map([rule.empty() for rule in rules], strict_slashes=False, merge_slashes=False)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = self.options.max_body_bytes
        response = self.respond(request)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        ctx: Ctx | None = None
        try:
            self._check_host(request)
            if self.options.has(Fault.SLOW):
                time.sleep(self.options.slow_seconds)
            if request.path == SSO_PORTAL_PATH and self.options.has(Fault.SSO_REDIRECT):
                response = _sso_portal_page()
            else:
                ctx = self._context(request)
                response = self._dispatch(ctx, self._inner_path(request))
        except Answered as answered:
            response = answered.response
        except JiraError as error:
            response = error.response()
        except HTTPException as exc:
            response = _http_error(request, exc)
        except Exception:
            log.exception("sandbox route failed for %s %s", request.method, request.path)
            response = JiraError(500, ["Internal server error"]).response()
        return self._finish(request, ctx, response)

    # Filters ------------------------------------------------------------------------------------------

    def _check_host(self, request: Request) -> None:
        host = request.host.lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if not host or (host not in self.trusted_hosts and name not in self.trusted_hosts):
            raise Answered(html_page("HTTP Status 400 - Bad Request", "<p>Invalid Host header.</p>", status=400))

    def _inner_path(self, request: Request) -> str:
        context = self.options.context_path
        path = request.path
        if context:
            if path != context and not path.startswith(context + "/"):
                raise NotFound()
            path = path[len(context) :] or "/"
        return path

    def _context(self, request: Request) -> Ctx:
        served = f"{request.scheme}://{request.host}{self.options.context_path}"
        ctx = Ctx(
            request=request,
            state=self.state,
            options=self.options,
            served_base_url=served,
            base_url=self.base_url,
        )
        if self.options.has(Fault.SSO_REDIRECT):
            target = urllib.parse.quote(request.url, safe="")
            portal = f"{request.scheme}://{request.host}{SSO_PORTAL_PATH}?RelayState={target}"
            raise Answered(Response("", status=302, headers={"Location": portal}))
        path = self._inner_path(request)
        if self.options.has(Fault.MAINTENANCE) and path not in _ALWAYS_SERVED:
            raise Answered(_maintenance_page())
        length = request.content_length
        if length is not None and length > self.options.max_body_bytes:
            raise RequestEntityTooLarge()
        identity.resolve(ctx, path, self.oauth1_verifier)
        if path.startswith("/rest/api/"):
            self._api_faults(ctx)
        return ctx

    def _api_faults(self, ctx: Ctx) -> None:
        if self.options.has(Fault.SERVER_ERROR):
            raise JiraError(500, ["Internal server error"])
        if self.options.has(Fault.RATE_LIMIT) and ctx.user is not None:
            raise JiraError(
                429,
                ["Rate limit exceeded."],
                headers={
                    "Retry-After": "10",
                    "X-RateLimit-Limit": "10",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-FillRate": "1",
                    "X-RateLimit-Interval-Seconds": "1",
                },
            )

    def _dispatch(self, ctx: Ctx, path: str) -> Response:
        adapter = self.url_map.bind("sandbox", path_info=path, url_scheme=ctx.request.scheme)
        handler, values = adapter.match(path, method=ctx.request.method)
        response: Response = handler(ctx, **values)
        return response

    # Headers every answer carries ---------------------------------------------------------------------

    def _finish(self, request: Request, ctx: Ctx | None, response: Response) -> Response:
        headers = response.headers
        if ctx is not None:
            for name, value in ctx.extra_headers.items():
                headers.setdefault(name, value)
        headers["X-AUSERNAME"] = ctx.username if ctx is not None else "anonymous"
        headers["X-AREQUESTID"] = f"{int(time.time()) % 1440}x{uuid.uuid4().int % 10**7}x1"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Date"] = http_date(self.state.now())
        if "/rest/" in request.path:
            headers.setdefault("Cache-Control", "no-cache, no-store, no-transform")
        if response.status_code == 401 and "WWW-Authenticate" not in headers:
            realm = urllib.parse.quote(self.base_url, safe="")
            headers["WWW-Authenticate"] = f'OAuth realm="{realm}"'
        return response


def _http_error(request: Request, exc: HTTPException) -> Response:
    """Framework refusals (404, 405, 413, 415) in Jira's shape on the REST API, plain HTML elsewhere."""
    code = exc.code or 500
    if "/rest/" in request.path:
        response = json_response({"errorMessages": [exc.description or exc.name], "errors": {}}, code)
    else:
        response = html_page(f"HTTP Status {code} - {exc.name}", "", status=code)
    if isinstance(exc, NotFound):
        return response
    allowed = exc.get_headers().copy()
    for name, value in allowed:
        if name.lower() == "allow":
            response.headers["Allow"] = value
    return response


def _maintenance_page() -> Response:
    page = html_page(
        "Jira is undergoing maintenance",
        "<p>Jira is unavailable while an administrator performs maintenance. Please try again later.</p>",
        status=503,
    )
    page.headers["Retry-After"] = "60"
    return page


def _sso_portal_page() -> Response:
    return html_page(
        "Sign in to your organisation",
        "<form method='post'><label>Corporate account <input name='username'></label>"
        "<label>Password <input type='password' name='password'></label>"
        "<button type='submit'>Sign in</button></form>",
    )
