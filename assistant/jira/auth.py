"""The `requests` auth object for a connection's method: the one place that turns secrets into headers."""

from __future__ import annotations

from collections.abc import Callable

import requests
from requests.auth import AuthBase, HTTPBasicAuth

from assistant.core.connection import Connection
from assistant.jira.oauth1 import OAuth1Consumer, OAuth1Token, signer
from assistant.jira.oauth2 import BearerAuth


class _QuietBasicAuth(HTTPBasicAuth):
    def __repr__(self) -> str:
        return f"BasicAuth({self.username!r}, «redacted»)"


def _basic(connection: Connection) -> AuthBase:
    return _QuietBasicAuth(connection.username or "", connection.require("password"))


def _pat(connection: Connection) -> AuthBase:
    return BearerAuth(connection.require("pat"))


def _oauth2(connection: Connection) -> AuthBase:
    return BearerAuth(connection.require("access_token"))


def _oauth1(connection: Connection) -> AuthBase:
    consumer = OAuth1Consumer(connection.consumer_key or "", connection.require("private_key"))
    token = OAuth1Token(connection.require("oauth1_token"), connection.secrets.get("oauth1_token_secret", ""))
    auth: AuthBase = signer(consumer, token)
    return auth


_BUILDERS: dict[str, Callable[[Connection], AuthBase]] = {
    "basic": _basic,
    "pat": _pat,
    "oauth2": _oauth2,
    "oauth1-atlassian-product": _oauth1,
    "oauth1-generic": _oauth1,
}


def auth_for(connection: Connection) -> AuthBase:
    """Raises `MissingSecret` when the connection lacks what its method needs."""
    try:
        build = _BUILDERS[connection.method]
    except KeyError:
        raise ValueError(f"unknown authentication method: {connection.method!r}") from None
    return build(connection)


def attach(session: requests.Session, connection: Connection) -> requests.Session:
    session.auth = auth_for(connection)
    return session
