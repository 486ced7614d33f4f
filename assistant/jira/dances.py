"""The OAuth dances from the user's side: start, send the person to Jira, take the answer back.

Both front ends use these: the CLI blocks on `wait()` in its own thread, the wizard calls it in a worker and
can cancel it. The answer comes through the loopback receiver, or — when the browser runs on another machine,
or a policy blocks localhost — through the paste fallback, which accepts the URL the browser ended on (or, for
OAuth 1.0a's out-of-band page, the verification code).
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import requests

from assistant.jira import oauth1, oauth2
from assistant.jira.loopback import LoopbackError, LoopbackReceiver
from assistant.jira.problems import JiraProblem


class OAuth2Dance:
    """Authorization code + PKCE. `port` must be the one registered in Jira's redirect URL."""

    def __init__(self, session: requests.Session, base_url: str, app: oauth2.OAuth2App, *, loopback: bool = True):
        self.session = session
        self.base_url = base_url
        self.app = app
        self.request = oauth2.begin_authorization(base_url, app)
        self._receiver: LoopbackReceiver | None = None
        if loopback:
            port = _port_of(app.redirect_uri)
            self._receiver = LoopbackReceiver(port, _path_of(app.redirect_uri), {"state": self.request.state})

    @property
    def authorization_url(self) -> str:
        return self.request.url

    def start(self) -> str:
        """Starts listening (when looping back) and returns the URL to open in the browser."""
        if self._receiver is not None:
            self._receiver.start()
        return self.request.url

    def wait(self, timeout: float | None = None, cancel: threading.Event | None = None) -> oauth2.OAuth2Tokens:
        if self._receiver is None:
            raise LoopbackError("this authorization waits for a pasted URL, not for the browser")
        callback = self._receiver.wait(timeout, cancel)
        code = oauth2.code_from_callback(dict(callback.params), self.request)
        return oauth2.exchange_code(self.session, self.base_url, self.app, self.request, code)

    def finish_with_pasted(self, pasted: str) -> oauth2.OAuth2Tokens:
        self.close()
        code = oauth2.code_from_callback(pasted, self.request)
        return oauth2.exchange_code(self.session, self.base_url, self.app, self.request, code)

    def close(self) -> None:
        if self._receiver is not None:
            self._receiver.close()


class OAuth1Dance:
    """Request token, user authorization, access token. `callback_port=None` uses the out-of-band page."""

    def __init__(
        self,
        session: requests.Session,
        base_url: str,
        consumer: oauth1.OAuth1Consumer,
        *,
        callback_port: int | None = 0,
    ) -> None:
        self.session = session
        self.base_url = base_url
        self.consumer = consumer
        self.callback_port = callback_port
        self._receiver: LoopbackReceiver | None = None
        self.request_token: oauth1.OAuth1Token | None = None

    def start(self) -> str:
        """Gets a request token (a signed call to Jira) and returns the URL to open in the browser."""
        callback = oauth1.OUT_OF_BAND
        if self.callback_port is not None:
            self._receiver = LoopbackReceiver(self.callback_port).start()
            callback = self._receiver.redirect_uri
        try:
            self.request_token = oauth1.request_token(self.session, self.base_url, self.consumer, callback)
        except (JiraProblem, requests.RequestException):
            self.close()
            raise
        if self._receiver is not None:
            self._receiver.expected = {"oauth_token": self.request_token.token}
        return oauth1.authorize_url(self.base_url, self.request_token)

    def wait(self, timeout: float | None = None, cancel: threading.Event | None = None) -> oauth1.OAuth1Token:
        if self._receiver is None or self.request_token is None:
            raise LoopbackError("this authorization waits for a pasted verification code")
        callback = self._receiver.wait(timeout, cancel)
        verifier = oauth1.verifier_from_callback(dict(callback.params), self.request_token)
        return oauth1.access_token(self.session, self.base_url, self.consumer, self.request_token, verifier)

    def finish_with_pasted(self, pasted: str) -> oauth1.OAuth1Token:
        self.close()
        if self.request_token is None:
            raise LoopbackError("start the authorization first")
        verifier = oauth1.verifier_from_callback(pasted, self.request_token)
        return oauth1.access_token(self.session, self.base_url, self.consumer, self.request_token, verifier)

    def close(self) -> None:
        if self._receiver is not None:
            self._receiver.close()


def _port_of(redirect_uri: str) -> int:
    parts = urlsplit(redirect_uri)
    if parts.hostname != "localhost" or parts.scheme != "http" or not parts.port:
        raise LoopbackError(
            f"{redirect_uri} is not a loopback redirect (http://localhost:PORT/...): use the paste fallback"
        )
    return parts.port


def _path_of(redirect_uri: str) -> str:
    return urlsplit(redirect_uri).path or "/"
