"""The per-request context every route receives, and the answers Jira gives in its own shapes.

Routes raise `JiraError` rather than building error responses, so the `{"errorMessages":[],"errors":{}}`
shape and the headers that go with a failure are decided in one place.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import UnsupportedMediaType
from werkzeug.wrappers import Request, Response

from assistant.sandbox.options import SandboxOptions
from assistant.sandbox.state import SandboxState, User

JSON_TYPE = "application/json;charset=UTF-8"
SCOPE_ORDER = ("READ", "WRITE", "ADMIN", "SYSTEM_ADMIN")


class JiraError(Exception):
    """A failure answered in Jira's REST error shape."""

    def __init__(
        self,
        status: int,
        messages: list[str] | None = None,
        errors: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, messages, errors)
        self.status = status
        self.messages = messages or []
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})

    def response(self) -> Response:
        response = json_response({"errorMessages": self.messages, "errors": self.errors}, self.status)
        response.headers.update(self.headers)
        return response


class Answered(Exception):
    """Raised by a filter (authentication, faults) that has answered the request itself."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass
class Ctx:
    """What a route knows about the request: who made it, through which base URL, with what credentials."""

    request: Request
    state: SandboxState
    options: SandboxOptions
    served_base_url: str
    base_url: str
    user: User | None = None
    auth_via: str = "anonymous"
    oauth2_scope: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def username(self) -> str:
        return self.user.username if self.user else "anonymous"

    def require_user(self) -> User:
        if self.user is None:
            raise JiraError(401, ["You are not authenticated. Authentication required to perform this operation."])
        return self.user

    def require_scope(self, needed: str) -> None:
        """OAuth 2.0 tokens carry a scope that caps what they may do, whatever the user could do."""
        if self.auth_via != "oauth2" or self.oauth2_scope is None:
            return
        held = SCOPE_ORDER.index(self.oauth2_scope) if self.oauth2_scope in SCOPE_ORDER else -1
        if held < SCOPE_ORDER.index(needed):
            # RFC 6750 names this insufficient_scope; Jira's exact body here is not documented.
            raise JiraError(
                403,
                [f"The OAuth 2.0 access token has scope {self.oauth2_scope}; this request needs {needed}."],
                headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'},
            )

    def self_url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def json_body(self) -> Any:
        """The request's JSON body, refused as Jersey refuses it: 415 for another type, 400 when malformed."""
        mimetype = self.request.mimetype
        if mimetype != "application/json":
            raise UnsupportedMediaType()
        raw = self.request.get_data(cache=True)
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise JiraError(400, [f"Unexpected character in JSON body at position {getattr(exc, 'pos', 0)}."]) from exc


Handler = Callable[..., Response]


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type=JSON_TYPE)


def html_page(title: str, body_html: str, status: int = 200) -> Response:
    """A plain HTML page; callers escape what they interpolate, the title is escaped here."""
    document = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)} - Jira</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{body_html}</body></html>"
    )
    return Response(document, status=status, content_type="text/html;charset=UTF-8")


def jira_time(timestamp: float) -> str:
    """Jira's REST timestamp form, e.g. 2026-12-04T16:06:46.000+0000."""
    moment = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
