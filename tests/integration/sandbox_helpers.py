"""Small helpers the sandbox tests share: credentials, issue creation and Jira's error shape."""

from __future__ import annotations

from typing import Any

import requests

from assistant.sandbox import Account, Sandbox

API = "/rest/api/2"


def auth(account: Account) -> tuple[str, str]:
    return (account.username, account.password)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issue_fields(project_key: str, summary: str = "Printer on fire") -> dict[str, Any]:
    return {
        "fields": {
            "project": {"key": project_key},
            "issuetype": {"name": "Task"},
            "summary": summary,
            "description": "Raised by the sandbox tests.",
        }
    }


def create_issue(http: requests.Session, sandbox: Sandbox, account: Account | None = None) -> str:
    """Creates a Task in the sandbox project and returns its key."""
    response = http.post(
        f"{sandbox.base_url}{API}/issue",
        json=issue_fields(sandbox.project_key),
        auth=auth(account or sandbox.admin),
    )
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def assert_jira_error_shape(response: requests.Response) -> dict[str, Any]:
    """Jira's REST errors are `{"errorMessages": [str], "errors": {field: str}}`, served as JSON."""
    assert response.headers["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"errorMessages", "errors"}
    assert isinstance(body["errorMessages"], list)
    assert all(isinstance(m, str) for m in body["errorMessages"])
    assert isinstance(body["errors"], dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in body["errors"].items())
    assert body["errorMessages"] or body["errors"]
    return body
