"""OAuth 1.0a against Jira's legacy provider: request token, user authorization, access token, signed calls.

Jira accepts RSA-SHA1 only, and requests-oauthlib defaults to HMAC-SHA1 (recent oauthlib may pick another
RSA variant), so every signer here names RSA-SHA1 explicitly. The consumer key is an identifier; the private
key is the secret, and it is handed to the signer only, never to a message.
"""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass, field

import requests
from oauthlib.oauth1 import SIGNATURE_RSA_SHA1
from requests_oauthlib import OAuth1

from assistant.jira.answers import form_fields, raise_for_answer
from assistant.jira.problems import Evidence, JiraProblem

REQUEST_TOKEN_PATH = "/plugins/servlet/oauth/request-token"  # noqa: S105 - a path, not a password
AUTHORIZE_PATH = "/plugins/servlet/oauth/authorize"
ACCESS_TOKEN_PATH = "/plugins/servlet/oauth/access-token"  # noqa: S105 - a path, not a password
OUT_OF_BAND = "oob"


@dataclass(frozen=True)
class OAuth1Consumer:
    consumer_key: str
    private_key_pem: str = field(repr=False)


@dataclass(frozen=True)
class OAuth1Token:
    token: str = field(repr=False)
    secret: str = field(repr=False)
    expires_at: float | None = None


def signer(consumer: OAuth1Consumer, token: OAuth1Token | None = None, **extra: str) -> OAuth1:
    """An RSA-SHA1 signer for requests; `extra` carries `callback_uri` or `verifier` during the dance."""
    return OAuth1(
        consumer.consumer_key,
        resource_owner_key=token.token if token else None,
        resource_owner_secret=token.secret if token else None,
        signature_method=SIGNATURE_RSA_SHA1,
        signature_type="AUTH_HEADER",
        rsa_key=consumer.private_key_pem,
        **extra,
    )


def request_token(
    session: requests.Session, base_url: str, consumer: OAuth1Consumer, callback: str = OUT_OF_BAND
) -> OAuth1Token:
    response = session.post(f"{base_url}{REQUEST_TOKEN_PATH}", auth=signer(consumer, callback_uri=callback))
    return _token_from(response)


def authorize_url(base_url: str, token: OAuth1Token) -> str:
    return f"{base_url}{AUTHORIZE_PATH}?{urllib.parse.urlencode({'oauth_token': token.token})}"


def verifier_from_callback(params: dict[str, str] | str, request: OAuth1Token) -> str:
    """The verifier from the loopback callback, or from what the user pasted (Jira's `oob` page shows it)."""
    if isinstance(params, str):
        pasted = params.strip()
        query = urllib.parse.urlsplit(pasted).query if "://" in pasted else ""
        if not query and "oauth_verifier=" in pasted:
            query = pasted
        if not query:
            if not pasted:
                raise JiraProblem("OAUTH1_TOKEN_REJECTED", "nothing was pasted: paste the verification code")
            return pasted
        params = dict(urllib.parse.parse_qsl(query))
    if params.get("oauth_problem") or params.get("error"):
        problem = params.get("oauth_problem") or params.get("error", "")
        raise JiraProblem("OAUTH1_TOKEN_REJECTED", f"Jira refused the authorization: {problem}")
    token = params.get("oauth_token")
    if token is not None and token != request.token:
        raise JiraProblem("OAUTH1_TOKEN_REJECTED", "the callback names another request token: authorize again")
    verifier = params.get("oauth_verifier", "")
    if not verifier:
        raise JiraProblem("OAUTH1_TOKEN_REJECTED", "the callback carries no oauth_verifier")
    return verifier


def access_token(
    session: requests.Session, base_url: str, consumer: OAuth1Consumer, request: OAuth1Token, verifier: str
) -> OAuth1Token:
    response = session.post(f"{base_url}{ACCESS_TOKEN_PATH}", auth=signer(consumer, request, verifier=verifier))
    return _token_from(response)


def _token_from(response: requests.Response) -> OAuth1Token:
    raise_for_answer(response)
    fields = form_fields(response)
    token, secret = fields.get("oauth_token", ""), fields.get("oauth_token_secret", "")
    if response.status_code != 200 or not token:
        raise JiraProblem(
            "HTTP_NOT_JIRA",
            f"the OAuth 1.0a endpoint answered HTTP {response.status_code} without a token",
            Evidence.of(response),
        )
    expires_in = fields.get("oauth_expires_in", "")
    expires_at = time.time() + int(expires_in) if expires_in.isdigit() else None
    return OAuth1Token(token, secret, expires_at)
