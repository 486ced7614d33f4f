"""The REST API answers as Jira does: who you are, what you may do, the create screen and the workflow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from assistant.sandbox import Sandbox
from tests.conftest import session_for
from tests.integration.sandbox_helpers import (
    API,
    assert_jira_error_shape,
    auth,
    create_issue,
    issue_fields,
)


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[requests.Session]:
    with session_for(sandbox) as session:
        yield session


def _permissions(client: requests.Session, sandbox: Sandbox, credentials: tuple[str, str] | None) -> dict[str, bool]:
    response = client.get(
        f"{sandbox.base_url}{API}/mypermissions", params={"projectKey": sandbox.project_key}, auth=credentials
    )
    assert response.status_code == 200
    return {key: value["havePermission"] for key, value in response.json()["permissions"].items()}


def test_myself_names_the_user_and_refuses_anonymous(sandbox: Sandbox, client: requests.Session) -> None:
    mine = client.get(f"{sandbox.base_url}{API}/myself", auth=auth(sandbox.service_account))
    assert mine.status_code == 200
    assert mine.json()["name"] == sandbox.service_account.username
    assert mine.json()["active"] is True
    anonymous = client.get(f"{sandbox.base_url}{API}/myself")
    assert anonymous.status_code == 401
    body = assert_jira_error_shape(anonymous)
    assert body["errorMessages"] == ["You are not authenticated. Authentication required to perform this operation."]


def test_mypermissions_reveals_admin_and_limits_service_account(sandbox: Sandbox, client: requests.Session) -> None:
    admin = _permissions(client, sandbox, auth(sandbox.admin))
    service = _permissions(client, sandbox, auth(sandbox.service_account))
    assert admin["ADMINISTER"]
    assert admin["DELETE_ISSUES"]
    assert not service["ADMINISTER"]
    assert not service["DELETE_ISSUES"]
    for key in ("BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES", "TRANSITION_ISSUES", "ADD_COMMENTS"):
        assert service[key], key


def test_mypermissions_for_anonymous_are_all_false(sandbox: Sandbox, client: requests.Session) -> None:
    anonymous = _permissions(client, sandbox, None)
    assert anonymous
    assert not any(anonymous.values())


def test_no_permissions_fault_removes_create_and_transition() -> None:
    with Sandbox(faults={"no-permissions"}) as sandbox, session_for(sandbox) as client:
        service = _permissions(client, sandbox, auth(sandbox.service_account))
        admin = _permissions(client, sandbox, auth(sandbox.admin))
    assert not service["CREATE_ISSUES"]
    assert not service["TRANSITION_ISSUES"]
    assert service["BROWSE_PROJECTS"]
    assert service["ADD_COMMENTS"]
    assert admin["CREATE_ISSUES"]
    assert admin["TRANSITION_ISSUES"]


def test_unknown_project_is_404(sandbox: Sandbox, client: requests.Session) -> None:
    response = client.get(f"{sandbox.base_url}{API}/project/NOPE", auth=auth(sandbox.admin))
    assert response.status_code == 404
    assert assert_jira_error_shape(response)["errorMessages"] == ["No project could be found with key 'NOPE'."]
    assert client.get(f"{sandbox.base_url}{API}/project/{sandbox.project_key}", auth=auth(sandbox.admin)).ok


def test_createmeta_lists_issue_types_and_create_screen_per_project(sandbox: Sandbox, client: requests.Session) -> None:
    base = f"{sandbox.base_url}{API}/issue/createmeta/{sandbox.project_key}/issuetypes"
    types = client.get(base, auth=auth(sandbox.service_account)).json()["values"]
    assert {t["name"] for t in types} == {"Task", "Bug"}
    task = next(t for t in types if t["name"] == "Task")
    fields = client.get(f"{base}/{task['id']}", auth=auth(sandbox.service_account)).json()["values"]
    by_id = {f["fieldId"]: f for f in fields}
    assert by_id["summary"]["required"] is True
    assert "customfield_10100" not in by_id
    assert client.get(f"{base}/99999", auth=auth(sandbox.service_account)).status_code == 404
    assert (
        client.get(f"{sandbox.base_url}{API}/issue/createmeta/NOPE/issuetypes", auth=auth(sandbox.admin)).status_code
        == 404
    )


@pytest.mark.parametrize(("version", "status"), [("8.20.0", 200), ("9.0.0", 404), ("10.3.0", 404)])
def test_old_createmeta_exists_only_before_9_0(version: str, status: int) -> None:
    with Sandbox(jira_version=version) as sandbox, session_for(sandbox) as client:
        response = client.get(f"{sandbox.base_url}{API}/issue/createmeta", auth=auth(sandbox.admin))
        per_project = client.get(
            f"{sandbox.base_url}{API}/issue/createmeta/{sandbox.project_key}/issuetypes",
            auth=auth(sandbox.admin),
        )
    assert response.status_code == status
    assert per_project.status_code == 200
    if status == 200:
        assert [p["key"] for p in response.json()["projects"]] == [sandbox.project_key]


def test_create_issue_answers_201_with_id_key_and_self(sandbox: Sandbox, client: requests.Session) -> None:
    response = client.post(
        f"{sandbox.base_url}{API}/issue",
        json=issue_fields(sandbox.project_key),
        auth=auth(sandbox.service_account),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["key"].startswith(f"{sandbox.project_key}-")
    assert body["self"] == f"{sandbox.base_url}{API}/issue/{body['id']}"
    issue = client.get(body["self"], auth=auth(sandbox.service_account)).json()
    assert issue["fields"]["summary"] == "Printer on fire"
    assert issue["fields"]["status"]["name"] == "To Do"


def test_create_issue_without_summary_is_400_with_field_error(sandbox: Sandbox, client: requests.Session) -> None:
    payload = issue_fields(sandbox.project_key)
    del payload["fields"]["summary"]
    response = client.post(f"{sandbox.base_url}{API}/issue", json=payload, auth=auth(sandbox.service_account))
    assert response.status_code == 400
    assert assert_jira_error_shape(response)["errors"] == {"summary": "You must specify a summary of the issue."}


def test_field_not_on_create_screen_is_refused_as_jira_does(sandbox: Sandbox, client: requests.Session) -> None:
    payload = issue_fields(sandbox.project_key)
    payload["fields"]["customfield_10100"] = 5
    response = client.post(f"{sandbox.base_url}{API}/issue", json=payload, auth=auth(sandbox.service_account))
    assert response.status_code == 400
    assert assert_jira_error_shape(response)["errors"] == {
        "customfield_10100": "Field 'customfield_10100' cannot be set. It is not on the appropriate screen, or unknown."
    }


def test_numeric_project_and_issue_type_ids_are_accepted(sandbox: Sandbox, client: requests.Session) -> None:
    payload = {"fields": {"project": {"id": 10000}, "issuetype": {"id": 10002}, "summary": "By number"}}
    response = client.post(f"{sandbox.base_url}{API}/issue", json=payload, auth=auth(sandbox.service_account))
    assert response.status_code == 201, response.text


def test_comment_is_created_with_201(sandbox: Sandbox, client: requests.Session) -> None:
    key = create_issue(client, sandbox)
    response = client.post(
        f"{sandbox.base_url}{API}/issue/{key}/comment",
        json={"body": "Looked into it."},
        auth=auth(sandbox.service_account),
    )
    assert response.status_code == 201
    assert response.json()["author"]["name"] == sandbox.service_account.username
    issue = client.get(f"{sandbox.base_url}{API}/issue/{key}", auth=auth(sandbox.admin)).json()
    assert [c["body"] for c in issue["fields"]["comment"]["comments"]] == ["Looked into it."]


def _transition_ids(client: requests.Session, sandbox: Sandbox, key: str) -> list[str]:
    response = client.get(f"{sandbox.base_url}{API}/issue/{key}/transitions", auth=auth(sandbox.service_account))
    assert response.status_code == 200
    return [t["id"] for t in response.json()["transitions"]]


def _transition(client: requests.Session, sandbox: Sandbox, key: str, transition_id: str) -> requests.Response:
    return client.post(
        f"{sandbox.base_url}{API}/issue/{key}/transitions",
        json={"transition": {"id": transition_id}},
        auth=auth(sandbox.service_account),
    )


def test_transition_ids_depend_on_the_status(sandbox: Sandbox, client: requests.Session) -> None:
    key = create_issue(client, sandbox)
    assert _transition_ids(client, sandbox, key) == ["11", "31"]
    assert _transition(client, sandbox, key, "11").status_code == 204
    assert _transition_ids(client, sandbox, key) == ["41", "51"]
    assert _transition(client, sandbox, key, "51").status_code == 204
    assert _transition_ids(client, sandbox, key) == ["61"]
    issue = client.get(f"{sandbox.base_url}{API}/issue/{key}", auth=auth(sandbox.admin)).json()
    assert issue["fields"]["status"]["name"] == "Done"


def test_transition_not_offered_in_the_current_status_is_400(sandbox: Sandbox, client: requests.Session) -> None:
    key = create_issue(client, sandbox)
    response = _transition(client, sandbox, key, "51")
    assert response.status_code == 400
    [message] = assert_jira_error_shape(response)["errorMessages"]
    assert "workflow operation (51)" in message
    assert key in message
    assert _transition_ids(client, sandbox, key) == ["11", "31"]


def test_delete_is_204_for_admin_and_403_for_service_account(sandbox: Sandbox, client: requests.Session) -> None:
    key = create_issue(client, sandbox)
    url = f"{sandbox.base_url}{API}/issue/{key}"
    refused = client.delete(url, auth=auth(sandbox.service_account))
    assert refused.status_code == 403
    assert assert_jira_error_shape(refused)["errorMessages"] == [
        "You do not have permission to delete issues in this project."
    ]
    assert client.delete(url, auth=auth(sandbox.admin)).status_code == 204
    assert client.get(url, auth=auth(sandbox.admin)).status_code == 404
