"""The applinks REST API: an admin registers a link and its incoming OAuth 1.0a consumer, as scripts do."""

from __future__ import annotations

import datetime as dt
import urllib.parse
import uuid
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from oauthlib.oauth1 import SIGNATURE_RSA
from requests_oauthlib import OAuth1

from assistant.sandbox import Sandbox
from tests.conftest import session_for

APP_URL = "https://connector.example.test"
LINKS = "/rest/applinks/3.0/applinks"

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE_PEM = _KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
SPKI_PEM = (
    _KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
)
PKCS1_PEM = _KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()


def _certificate_pem() -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "connector.example.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(_KEY.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(_KEY, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _admin(sb: Sandbox) -> tuple[str, str]:
    return sb.admin.username, sb.admin.password


def _create_link(sb: Sandbox, http: requests.Session, url: str = APP_URL, version: str = "3.0") -> str:
    body = {"name": f"Connector {url}", "rpcUrl": url, "displayUrl": url, "typeId": "generic"}
    created = http.put(f"{sb.base_url}/rest/applinks/{version}/applicationlink", json=body, auth=_admin(sb))
    assert created.status_code == 201, created.text
    href: str = created.json()["resources-created"]["link"][0]["href"]
    assert created.headers["Location"] == href
    return href.rsplit("/", 1)[1]


def _consumer_body(public_key: str, **overrides: Any) -> dict[str, Any]:
    return {
        "key": "connector-consumer",
        "name": "Connector",
        "description": "Creates tickets",
        "publicKey": public_key,
        "callback": APP_URL,
        "outgoing": False,
        "twoLOAllowed": False,
        **overrides,
    }


def _put_consumer(sb: Sandbox, http: requests.Session, link_id: str, body: dict[str, Any]) -> requests.Response:
    url = f"{sb.base_url}/rest/applinks-oauth/1.0/applicationlink/{link_id}/authentication/consumer"
    return http.put(url, json=body, auth=_admin(sb))


def _request_token(sb: Sandbox, http: requests.Session, consumer: str) -> requests.Response:
    auth = OAuth1(consumer, signature_method=SIGNATURE_RSA, rsa_key=PRIVATE_PEM, callback_uri="oob")
    return http.post(f"{sb.base_url}/plugins/servlet/oauth/request-token", auth=auth)


def test_only_admins_may_use_applinks(any_sandbox: Sandbox, http: requests.Session) -> None:
    service = any_sandbox.service_account
    realm = urllib.parse.quote(any_sandbox.advertised_base_url, safe="")
    for auth in (None, (service.username, service.password)):
        listed = http.get(f"{any_sandbox.base_url}{LINKS}", auth=auth)
        assert listed.status_code == 401
        assert listed.headers["WWW-Authenticate"] == f'OAuth realm="{realm}"'
        body = {"name": "x", "rpcUrl": APP_URL, "typeId": "generic"}
        created = http.put(f"{any_sandbox.base_url}/rest/applinks/3.0/applicationlink", json=body, auth=auth)
        assert created.status_code == 401
    assert http.get(f"{any_sandbox.base_url}{LINKS}", auth=_admin(any_sandbox)).json() == []


def test_link_id_is_a_name_based_uuid_and_a_url_links_once(any_sandbox: Sandbox, http: requests.Session) -> None:
    sb = any_sandbox
    link_id = _create_link(sb, http, APP_URL + "/")
    assert link_id == str(uuid.uuid3(uuid.NAMESPACE_URL, APP_URL))
    again = {"name": "Another name", "rpcUrl": APP_URL, "typeId": "generic"}
    duplicate = http.put(f"{sb.base_url}/rest/applinks/2.0/applicationlink", json=again, auth=_admin(sb))
    assert duplicate.status_code == 400
    assert APP_URL in duplicate.json()["message"]
    other_id = _create_link(sb, http, "https://second.example.test", version="2.0")
    listed = http.get(f"{sb.base_url}{LINKS}", auth=_admin(sb)).json()
    assert [link["id"] for link in listed] == [link_id, other_id]
    one = http.get(f"{sb.base_url}{LINKS}/{link_id}", auth=_admin(sb)).json()
    assert one["rpcUrl"] == APP_URL + "/"
    assert one["type"] == "generic"


@pytest.mark.parametrize(
    ("label", "public_key"),
    [
        ("PKCS#1", PKCS1_PEM),
        ("private key", PRIVATE_PEM),
        ("garbage", "not a key at all"),
        ("truncated", SPKI_PEM[: len(SPKI_PEM) // 2] + "\n-----END PUBLIC KEY-----\n"),
    ],
)
def test_consumer_key_jira_refuses(label: str, public_key: str, sandbox: Sandbox) -> None:
    with session_for(sandbox) as http:
        link_id = _create_link(sandbox, http)
        refused = _put_consumer(sandbox, http, link_id, _consumer_body(public_key))
        assert refused.status_code == 400, label
        assert "invalid public key" in refused.json()["message"].lower()
        assert _request_token(sandbox, http, "connector-consumer").status_code == 401


def test_consumer_needs_key_and_public_key(sandbox: Sandbox) -> None:
    with session_for(sandbox) as http:
        link_id = _create_link(sandbox, http)
        assert _put_consumer(sandbox, http, link_id, _consumer_body(SPKI_PEM, key="")).status_code == 400
        assert _put_consumer(sandbox, http, link_id, _consumer_body("")).status_code == 400
        without_name = _put_consumer(sandbox, http, link_id, _consumer_body(SPKI_PEM, name=""))
        assert without_name.status_code == 201
        assert without_name.json()["name"] == f"Connector {APP_URL}"


def test_atlassian_type_link_needs_a_consumer_name(sandbox: Sandbox) -> None:
    with session_for(sandbox) as http:
        body = {"name": "Other Jira", "rpcUrl": "https://jira2.example.test", "typeId": "jira"}
        created = http.put(f"{sandbox.base_url}/rest/applinks/2.0/applicationlink", json=body, auth=_admin(sandbox))
        assert created.status_code == 201
        link_id = created.json()["resources-created"]["link"][0]["href"].rsplit("/", 1)[1]
        refused = _put_consumer(sandbox, http, link_id, _consumer_body(SPKI_PEM, name=""))
        assert refused.status_code == 400
        assert _put_consumer(sandbox, http, link_id, _consumer_body(SPKI_PEM)).status_code == 201


@pytest.mark.parametrize("public_key", [SPKI_PEM, _certificate_pem()], ids=["spki", "certificate"])
def test_registered_consumer_can_start_the_dance_until_its_link_is_deleted(
    public_key: str, any_sandbox: Sandbox, http: requests.Session
) -> None:
    sb = any_sandbox
    link_id = _create_link(sb, http)
    created = _put_consumer(sb, http, link_id, _consumer_body(public_key))
    assert created.status_code == 201, created.text
    assert created.json()["callback"] == APP_URL + "/"
    assert "BEGIN PUBLIC KEY" in created.json()["publicKey"]
    assert _request_token(sb, http, "connector-consumer").status_code == 200

    deleted = http.delete(f"{sb.base_url}/rest/applinks/2.0/applicationlink/{link_id}", auth=_admin(sb))
    assert deleted.status_code == 200
    assert http.get(f"{sb.base_url}{LINKS}/{link_id}", auth=_admin(sb)).status_code == 404
    refused = _request_token(sb, http, "connector-consumer")
    assert refused.status_code == 401
    assert 'oauth_problem="consumer_key_unknown"' in refused.headers["WWW-Authenticate"]
