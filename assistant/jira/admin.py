"""Admin-assisted link creation: the requests an administrator's clicks would cause, made on their behalf.

Opt-in and transparent: each operation is first a `Plan` the user can read (method, URL, body with secrets
redacted), then it is sent with the admin's credentials, then it is verified by reading back what Jira stored.
The manual click-path stays the default and always works; this only saves the typing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from assistant.core.redaction import redact_text
from assistant.jira.answers import json_body, raise_for_answer
from assistant.jira.problems import Evidence, JiraProblem

OAUTH2_CLIENT_PATH = "/rest/oauth2/latest/client"
APPLINK_PATH = "/rest/applinks/3.0/applicationlink"
APPLINKS_LIST_PATH = "/rest/applinks/3.0/applinks"
PAT_PATH = "/rest/pat/latest/tokens"


@dataclass(frozen=True)
class PlannedRequest:
    method: str
    url: str
    body: dict[str, Any] = field(repr=False)
    purpose: str

    def describe(self) -> str:
        """What the user is shown before anything is sent; no secret can be in it."""
        shown = redact_text(json.dumps(self.body, indent=2))
        return f"{self.purpose}\n{self.method} {self.url}\n{shown}"


@dataclass(frozen=True)
class OAuth2ClientCreated:
    id: str
    client_id: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True)
class PersonalToken:
    id: int
    token: str = field(repr=False)
    expires_at: float | None


def plan_oauth2_client(base_url: str, name: str, redirect_uri: str, scope: str) -> PlannedRequest:
    return PlannedRequest(
        "POST",
        f"{base_url}{OAUTH2_CLIENT_PATH}",
        {"name": name, "redirects": [redirect_uri], "scope": scope},
        "Create the OAuth 2.0 incoming link (Application links › Create link › External application › Incoming)",
    )


def create_oauth2_client(session: requests.Session, plan: PlannedRequest) -> OAuth2ClientCreated:
    """Sends the plan with the admin's session, then reads the client back to prove Jira stored it."""
    body = _send(session, plan, expect=(200, 201))
    client_id, secret, record_id = body.get("clientId"), body.get("clientSecret"), body.get("id")
    if not isinstance(client_id, str) or not isinstance(secret, str) or not client_id or not secret:
        raise JiraProblem("HTTP_NOT_JIRA", "Jira created the client but its answer has no clientId/clientSecret")
    stored = _get(session, f"{plan.url}/{record_id}")
    if stored.get("clientId") != client_id or plan.body["redirects"] != stored.get("redirects"):
        raise JiraProblem("SERVER_ERROR", "the OAuth 2.0 client Jira stored differs from the one requested")
    return OAuth2ClientCreated(str(record_id), client_id, secret)


def generic_link_id(rpc_url: str) -> str:
    """Jira names a generic application link by the UUIDv3 of its URL without a trailing slash."""
    return str(uuid.uuid3(uuid.NAMESPACE_URL, rpc_url.rstrip("/")))


def plan_oauth1_link(
    base_url: str,
    app_url: str,
    *,
    link_name: str,
    consumer_key: str,
    consumer_name: str,
    public_key_pem: str,
    callback: str | None = None,
) -> list[PlannedRequest]:
    link_id = generic_link_id(app_url)
    return [
        PlannedRequest(
            "PUT",
            f"{base_url}{APPLINK_PATH}",
            {"name": link_name, "rpcUrl": app_url, "displayUrl": app_url, "typeId": "generic"},
            "Create the application link for the connecting application",
        ),
        PlannedRequest(
            "PUT",
            f"{base_url}/rest/applinks-oauth/1.0/applicationlink/{link_id}/authentication/consumer",
            {
                "key": consumer_key,
                "name": consumer_name,
                "description": "Created by Jira Link Assistant",
                "publicKey": public_key_pem,
                "callback": callback,
                "outgoing": False,
                "twoLOAllowed": False,
            },
            "Add the incoming OAuth 1.0a consumer (consumer key and RSA public key) to that link",
        ),
    ]


def create_oauth1_link(session: requests.Session, plans: list[PlannedRequest]) -> str:
    """Creates the link and its consumer; returns the link id after reading the link back."""
    link_plan, consumer_plan = plans
    response = session.request(link_plan.method, link_plan.url, json=link_plan.body, allow_redirects=False)
    raise_for_answer(response)
    if response.status_code not in (200, 201):
        raise JiraProblem(
            _refusal_code(response), _refusal(response, "create the application link"), Evidence.of(response)
        )
    link_id = generic_link_id(link_plan.body["rpcUrl"])
    _send(session, consumer_plan, expect=(200, 201))
    _get(session, f"{link_plan.url.replace(APPLINK_PATH, APPLINKS_LIST_PATH)}/{link_id}")
    return link_id


def plan_personal_token(base_url: str, name: str, days: int | None) -> PlannedRequest:
    body: dict[str, Any] = {"name": name}
    if days is not None:
        body["expirationDuration"] = days
    return PlannedRequest(
        "POST", f"{base_url}{PAT_PATH}", body, "Create a Personal Access Token as the service account"
    )


def create_personal_token(session: requests.Session, plan: PlannedRequest) -> PersonalToken:
    """The service account mints its own token; Jira shows `rawToken` only in this one answer."""
    body = _send(session, plan, expect=(201, 200))
    raw, token_id = body.get("rawToken"), body.get("id")
    if not isinstance(raw, str) or not raw or not isinstance(token_id, int):
        raise JiraProblem("HTTP_NOT_JIRA", "Jira's answer to the token request has no rawToken")
    _get(session, f"{plan.url}/{token_id}")
    return PersonalToken(token_id, raw, _parse_pat_time(body.get("expiringAt")))


def _parse_pat_time(value: object) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


def _send(session: requests.Session, plan: PlannedRequest, expect: tuple[int, ...]) -> dict[str, Any]:
    response = session.request(plan.method, plan.url, json=plan.body, allow_redirects=False)
    raise_for_answer(response)
    if response.status_code not in expect:
        raise JiraProblem(_refusal_code(response), _refusal(response, plan.purpose), Evidence.of(response))
    body = json_body(response)
    return body if isinstance(body, dict) else {}


def _get(session: requests.Session, url: str) -> dict[str, Any]:
    response = session.get(url, allow_redirects=False)
    raise_for_answer(response)
    if response.status_code != 200:
        raise JiraProblem(
            "SERVER_ERROR", f"reading back {url} answered HTTP {response.status_code}", Evidence.of(response)
        )
    body = json_body(response)
    return body if isinstance(body, dict) else {}


def _refusal_code(response: requests.Response) -> str:
    status = response.status_code
    if "tokens are disabled" in response.text.lower():
        return "PAT_DISABLED"
    if status in (401, 403):
        return "PERMISSION_MISSING"
    return "SERVER_ERROR" if status >= 500 else "ADMIN_REQUEST_REFUSED"


def _refusal(response: requests.Response, what: str) -> str:
    return f"Jira refused to {what[0].lower()}{what[1:]} (HTTP {response.status_code}): {response.text[:300]}"
