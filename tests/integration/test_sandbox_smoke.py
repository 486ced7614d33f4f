"""The sandbox answers as Jira over HTTP and HTTPS, and keeps connections alive as Tomcat does."""

from __future__ import annotations

import requests

from assistant.sandbox import Sandbox


def test_server_info_is_anonymous_and_names_the_base_url(any_sandbox: Sandbox, http: requests.Session) -> None:
    response = http.get(f"{any_sandbox.base_url}/rest/api/2/serverInfo")
    assert response.status_code == 200
    assert response.headers["X-AUSERNAME"] == "anonymous"
    body = response.json()
    assert body["baseUrl"] == any_sandbox.base_url
    assert body["versionNumbers"] == [10, 3, 0]
    assert body["deploymentType"] == "DataCenter"


def test_connection_is_reused_across_requests(any_sandbox: Sandbox, http: requests.Session) -> None:
    first = http.get(f"{any_sandbox.base_url}/status", stream=True)
    assert first.raw.connection is not None
    sock = first.raw.connection.sock
    first.content  # noqa: B018 - reading the body releases the connection to the pool
    second = http.get(f"{any_sandbox.base_url}/status", stream=True)
    assert second.raw.connection is not None
    assert second.raw.connection.sock is sock
    assert second.json() == {"state": "RUNNING"}
