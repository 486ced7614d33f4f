"""Bad input gets Jira's (or Tomcat's) answer: never a traceback, a 500, or a connection left hanging."""

from __future__ import annotations

import base64
import json
import socket
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.sandbox import Sandbox
from tests.conftest import session_for
from tests.integration.sandbox_helpers import API, assert_jira_error_shape, auth, create_issue

MAX_BODY = 4096


@pytest.fixture(scope="module")
def served() -> Iterator[Sandbox]:
    with Sandbox(max_body_bytes=MAX_BODY) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def client(served: Sandbox) -> Iterator[requests.Session]:
    with session_for(served) as session:
        yield session


def _post_issue(client: requests.Session, served: Sandbox, data: bytes | str, content_type: str) -> requests.Response:
    return client.post(
        f"{served.base_url}{API}/issue",
        data=data,
        headers={"Content-Type": content_type},
        auth=auth(served.admin),
    )


def test_malformed_json_is_400_in_jira_shape(served: Sandbox, client: requests.Session) -> None:
    response = _post_issue(client, served, '{"fields": {', "application/json")
    assert response.status_code == 400
    assert assert_jira_error_shape(response)["errorMessages"]


def test_invalid_utf8_body_is_400_in_jira_shape(served: Sandbox, client: requests.Session) -> None:
    response = _post_issue(client, served, b'{"fields": "\xff\xfe"}', "application/json")
    assert response.status_code == 400
    assert_jira_error_shape(response)


def test_wrong_content_type_is_415(served: Sandbox, client: requests.Session) -> None:
    response = _post_issue(client, served, "summary=Hello", "application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert_jira_error_shape(response)


def test_oversized_body_is_413(served: Sandbox, client: requests.Session) -> None:
    body = json.dumps({"fields": {"summary": "x" * (MAX_BODY * 2)}})
    response = _post_issue(client, served, body, "application/json")
    assert response.status_code == 413
    assert_jira_error_shape(response)


@pytest.mark.parametrize("body", ["[]", '"fields"', "42", "null"], ids=["array", "string", "number", "null"])
def test_json_that_is_not_an_object_is_400(served: Sandbox, client: requests.Session, body: str) -> None:
    response = _post_issue(client, served, body, "application/json")
    assert response.status_code == 400
    assert_jira_error_shape(response)


@pytest.mark.parametrize("fields", ['"Task"', "[]", "null"])
def test_fields_that_are_not_an_object_are_400(served: Sandbox, client: requests.Session, fields: str) -> None:
    response = _post_issue(client, served, f'{{"fields": {fields}}}', "application/json")
    assert response.status_code == 400
    assert_jira_error_shape(response)


def test_non_object_bodies_elsewhere_are_400(served: Sandbox, client: requests.Session) -> None:
    key = create_issue(client, served)
    for path in (f"/issue/{key}/comment", f"/issue/{key}/transitions"):
        response = client.post(f"{served.base_url}{API}{path}", json=["not", "an", "object"], auth=auth(served.admin))
        assert response.status_code == 400, path
        assert_jira_error_shape(response)
    token = client.post(f"{served.base_url}/rest/pat/latest/tokens", json="ci", auth=auth(served.admin))
    assert token.status_code == 400
    assert set(token.json()) == {"exception", "error"}


@pytest.mark.parametrize("path", [f"{API}/nothing-here", "/rest/nothing/1.0/here", "/secure/Nothing.jspa"])
def test_unknown_paths_are_404(served: Sandbox, client: requests.Session, path: str) -> None:
    response = client.get(f"{served.base_url}{path}", auth=auth(served.admin))
    assert response.status_code == 404
    if path.startswith("/rest/"):
        assert_jira_error_shape(response)
    else:
        assert response.headers["Content-Type"].startswith("text/html")


def test_wrong_method_is_405_with_allow(served: Sandbox, client: requests.Session) -> None:
    response = client.put(f"{served.base_url}{API}/serverInfo", json={}, auth=auth(served.admin))
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET"}
    assert_jira_error_shape(response)
    issue = client.patch(f"{served.base_url}{API}/issue/DEMO-1", json={}, auth=auth(served.admin))
    assert issue.status_code == 405
    assert {"GET", "DELETE"} <= {m.strip() for m in issue.headers["Allow"].split(",")}


def test_host_header_not_served_is_400(served: Sandbox, client: requests.Session) -> None:
    response = client.get(f"{served.base_url}{API}/serverInfo", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert client.get(f"{served.base_url}{API}/serverInfo").status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Basic !!!not-base64!!!", "Basic ", "Basic bm8tY29sb24=", "Basic //79/A=="],
    ids=["not-base64", "empty", "no-colon", "not-utf8"],
)
def test_garbage_basic_credentials_are_401(served: Sandbox, client: requests.Session, header: str) -> None:
    response = client.get(f"{served.base_url}{API}/myself", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"


def _raw_exchange(served: Sandbox, payload: bytes) -> bytes:
    """Sends bytes, half-closes, and reads until the server closes; a hang fails on the socket timeout."""
    address = urllib.parse.urlsplit(served.base_url)
    assert address.hostname is not None
    assert address.port is not None
    with socket.create_connection((address.hostname, address.port), timeout=10) as raw:
        raw.sendall(payload)
        raw.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := raw.recv(4096):
            received += chunk
    return received


@pytest.mark.parametrize(
    "payload",
    [
        b"\x00\x01\x02\xffjunk\r\n\r\n",
        b"GET /rest/api/2/serverInfo",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    ],
    ids=["binary", "truncated-request-line", "tls-hello-on-http"],
)
def test_raw_socket_junk_is_closed_cleanly(served: Sandbox, client: requests.Session, payload: bytes) -> None:
    received = _raw_exchange(served, payload)
    if received:
        status_line = received.split(b"\r\n", 1)[0]
        assert status_line.startswith(b"HTTP/1.1 4"), status_line
    assert client.get(f"{served.base_url}/status").status_code == 200


def test_body_shorter_than_its_content_length_is_refused(served: Sandbox, client: requests.Session) -> None:
    credentials = base64.b64encode(f"{served.admin.username}:{served.admin.password}".encode()).decode()
    head = (
        f"POST {API}/issue HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {credentials}\r\n"
        "Content-Type: application/json\r\nContent-Length: 999\r\n\r\n"
    )
    received = _raw_exchange(served, head.encode() + b'{"fields": {')
    assert received.split(b"\r\n", 1)[0].startswith(b"HTTP/1.1 400"), received[:200]
    assert client.get(f"{served.base_url}/status").status_code == 200


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
_json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
# Bodies shaped like a create request reach the field validation, not only the top-level type checks.
_containers = st.lists(_scalars, min_size=1, max_size=3) | st.dictionaries(st.text(max_size=3), _scalars, min_size=1)
_field_values = st.sampled_from(["DEMO", "10000", "Task", "10002", "Bug", ""]) | _containers | _json_values
_fields = st.fixed_dictionaries(
    {},
    optional={
        "project": st.fixed_dictionaries({}, optional={"key": _field_values, "id": _field_values}) | _json_values,
        "issuetype": st.fixed_dictionaries({}, optional={"id": _field_values, "name": _field_values}) | _json_values,
        "summary": _field_values,
        "description": _field_values,
        "labels": _json_values,
        "customfield_10100": _json_values,
    },
)
_bodies = _json_values | st.builds(lambda fields: {"fields": fields}, _fields | _json_values)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies)
def test_any_json_body_to_create_issue_gets_201_or_a_jira_4xx(
    served: Sandbox, client: requests.Session, body: Any
) -> None:
    response = _post_issue(client, served, json.dumps(body), "application/json")
    if response.status_code == 201:
        assert set(response.json()) == {"id", "key", "self"}
    else:
        assert 400 <= response.status_code < 500, (response.status_code, response.text)
        assert_jira_error_shape(response)
