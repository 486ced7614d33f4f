"""The Application Links REST API an admin's script uses to register an OAuth 1.0a consumer.

Only admins may call it (401 otherwise, as Jira's applinks interceptor answers). The consumer's public key is
parsed as strictly as Jira parses it, because "invalid public key" is the refusal an admin meets most often:
a PKCS#1 `RSA PUBLIC KEY` from `openssl rsa -RSAPublicKey_out` looks right and is refused.
"""

from __future__ import annotations

import urllib.parse
import uuid
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from assistant.sandbox.context import Ctx, json_response
from assistant.sandbox.oauth1_provider import InvalidPublicKeyError, normalize_public_key
from assistant.sandbox.state import ApplicationLink, OAuth1Consumer, OAuth2Client

APPLICATION_TYPES = frozenset({"generic", "jira", "confluence", "bamboo", "fecru", "stash", "crowd", "refapp"})


class _Refused(Exception):
    """An applinks refusal, in the `{"status-code","message"}` shape of Atlassian's REST plugin."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message

    def response(self) -> Response:
        return json_response({"status-code": self.status, "message": self.message}, self.status)


def _admin_only(ctx: Ctx) -> None:
    if ctx.user is None or not ctx.user.system_admin:
        raise _Refused(401, "Client must be authenticated as an administrator to access this resource.")


def _object_body(ctx: Ctx) -> dict[str, Any]:
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise _Refused(400, "The request body must be a JSON object.")
    return body


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    return value.strip() if isinstance(value, str) else ""


def _absolute_http(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def link_id_for(rpc_url: str) -> str:
    """Jira names a generic link by a name-based UUID of its URL, so re-creating a link gives the same id."""
    return str(uuid.uuid3(uuid.NAMESPACE_URL, rpc_url.rstrip("/")))


def _link_entity(ctx: Ctx, link: ApplicationLink) -> dict[str, Any]:
    with ctx.state.lock:
        first_of_type = next(lk for lk in ctx.state.app_links.values() if lk.type_id == link.type_id)
    return {
        "id": link.id,
        "name": link.name,
        "displayUrl": link.display_url,
        "rpcUrl": link.rpc_url,
        "type": link.type_id,
        "primary": first_of_type.id == link.id,
        "system": False,
    }


def _oauth2_entity(client: OAuth2Client) -> dict[str, Any]:
    url = client.redirects[0] if client.redirects else ""
    return {
        "id": client.client_id,
        "name": client.name,
        "displayUrl": url,
        "rpcUrl": url,
        "type": "external",
        "primary": False,
        "system": False,
    }


def _consumer_entity(consumer: OAuth1Consumer) -> dict[str, Any]:
    return {
        "key": consumer.key,
        "name": consumer.name,
        "description": consumer.description,
        "publicKey": consumer.public_key_pem,
        "callback": consumer.callback,
        "outgoing": False,
        "twoLOAllowed": False,
    }


def _link(ctx: Ctx, link_id: str) -> ApplicationLink:
    with ctx.state.lock:
        link = ctx.state.app_links.get(link_id)
    if link is None:
        raise _Refused(404, f"No application link with id {link_id}.")
    return link


# Links ---------------------------------------------------------------------------------------------------


def create_link(ctx: Ctx, version: str) -> Response:
    try:
        _admin_only(ctx)
        body = _object_body(ctx)
        name, rpc_url = _text(body, "name"), _text(body, "rpcUrl")
        display_url = _text(body, "displayUrl") or rpc_url
        type_id = _text(body, "typeId") or "generic"
        if not name:
            raise _Refused(400, "The application link needs a name.")
        if not _absolute_http(rpc_url) or not _absolute_http(display_url):
            raise _Refused(400, "The application URL must be an absolute http or https URL.")
        if type_id not in APPLICATION_TYPES:
            raise _Refused(400, f"Unknown application type {type_id!r}.")
        link = ApplicationLink(
            id=link_id_for(rpc_url), name=name, rpc_url=rpc_url, display_url=display_url, type_id=type_id
        )
        with ctx.state.change():
            existing = ctx.state.app_links.values()
            if any(lk.rpc_url.rstrip("/") == rpc_url.rstrip("/") for lk in existing):
                raise _Refused(400, f"An application link to {rpc_url} already exists.")
            if any(lk.name == name for lk in existing):
                raise _Refused(400, f"An application link named {name!r} already exists.")
            ctx.state.app_links[link.id] = link
    except _Refused as refused:
        return refused.response()
    href = ctx.self_url(f"/rest/applinks/{version}/applicationlink/{link.id}")
    response = json_response({"resources-created": {"link": [{"rel": "self", "href": href}]}}, 201)
    response.headers["Location"] = href
    return response


def list_links(ctx: Ctx) -> Response:
    try:
        _admin_only(ctx)
    except _Refused as refused:
        return refused.response()
    with ctx.state.lock:
        links = list(ctx.state.app_links.values())
        clients = list(ctx.state.oauth2_clients.values())
    return json_response([*(_link_entity(ctx, lk) for lk in links), *(_oauth2_entity(c) for c in clients)])


def get_link(ctx: Ctx, link_id: str) -> Response:
    try:
        _admin_only(ctx)
        return json_response(_link_entity(ctx, _link(ctx, link_id)))
    except _Refused as refused:
        return refused.response()


def delete_link(ctx: Ctx, link_id: str) -> Response:
    """Deleting a link removes its incoming consumer, and with it every token the consumer was issued."""
    try:
        _admin_only(ctx)
        link = _link(ctx, link_id)
    except _Refused as refused:
        return refused.response()
    with ctx.state.change():
        ctx.state.app_links.pop(link.id, None)
        _remove_consumers(ctx, link.id)
    return json_response({"status-code": 200, "message": f"Application link {link.name!r} deleted."})


def _remove_consumers(ctx: Ctx, link_id: str) -> None:
    state = ctx.state
    keys = {c.key for c in state.oauth1_consumers.values() if c.link_id == link_id}
    for key in keys:
        del state.oauth1_consumers[key]
    for token in [t.token for t in state.oauth1_tokens.values() if t.consumer_key in keys]:
        del state.oauth1_tokens[token]


# The incoming OAuth 1.0a consumer of a link ---------------------------------------------------------------


def _consumer_from(body: dict[str, Any], link: ApplicationLink) -> OAuth1Consumer:
    key, name, public_key = _text(body, "key"), _text(body, "name"), _text(body, "publicKey")
    callback = _text(body, "callback")
    if not key:
        raise _Refused(400, "The consumer key is required.")
    if not public_key:
        raise _Refused(400, "The public key is required.")
    if not name and link.type_id != "generic":
        raise _Refused(400, "The consumer name is required.")
    if body.get("outgoing") is True or body.get("twoLOAllowed") is True:
        raise _Refused(400, "Only an incoming consumer without 2-legged OAuth can be configured here.")
    try:
        pem = normalize_public_key(public_key)
    except InvalidPublicKeyError as exc:
        raise _Refused(
            400,
            f"Invalid public key ({exc}): paste an RSA public key in X.509 'BEGIN PUBLIC KEY' form or a certificate.",
        ) from None
    if callback:
        if not _absolute_http(callback):
            raise _Refused(400, "The consumer callback must be an absolute http or https URL.")
        if not urllib.parse.urlsplit(callback).path:
            callback += "/"
    return OAuth1Consumer(
        key=key,
        name=name or link.name,
        public_key_pem=pem,
        description=_text(body, "description"),
        callback=callback or None,
        link_id=link.id,
    )


def put_consumer(ctx: Ctx, link_id: str) -> Response:
    try:
        _admin_only(ctx)
        link = _link(ctx, link_id)
        consumer = _consumer_from(_object_body(ctx), link)
        with ctx.state.change():
            taken = ctx.state.oauth1_consumers.get(consumer.key)
            if taken is not None and taken.link_id != link.id:
                raise _Refused(400, f"The consumer key {consumer.key!r} is already used by another link.")
            _remove_consumers(ctx, link.id)
            ctx.state.oauth1_consumers[consumer.key] = consumer
    except _Refused as refused:
        return refused.response()
    return json_response(_consumer_entity(consumer), 201)


def get_consumer(ctx: Ctx, link_id: str) -> Response:
    try:
        _admin_only(ctx)
        link = _link(ctx, link_id)
    except _Refused as refused:
        return refused.response()
    with ctx.state.lock:
        consumer = next((c for c in ctx.state.oauth1_consumers.values() if c.link_id == link.id), None)
    if consumer is None:
        return _Refused(404, "This application link has no incoming OAuth consumer.").response()
    return json_response(_consumer_entity(consumer))


_CONSUMER_PATH = "/rest/applinks-oauth/1.0/applicationlink/<link_id>/authentication/consumer"

ROUTES = [
    Rule('/rest/applinks/<any("2.0", "3.0"):version>/applicationlink', endpoint=create_link, methods=["PUT"]),
    Rule("/rest/applinks/3.0/applinks", endpoint=list_links, methods=["GET"]),
    Rule("/rest/applinks/3.0/applinks/<link_id>", endpoint=get_link, methods=["GET"]),
    Rule("/rest/applinks/2.0/applicationlink/<link_id>", endpoint=delete_link, methods=["DELETE"]),
    Rule(_CONSUMER_PATH, endpoint=put_consumer, methods=["PUT"]),
    Rule(_CONSUMER_PATH, endpoint=get_consumer, methods=["GET"]),
]
