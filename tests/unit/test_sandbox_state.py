"""The sandbox's world survives a restart on the same state file, and is seeded as documented without one."""

from __future__ import annotations

import stat
from pathlib import Path

from assistant.sandbox import Sandbox
from assistant.sandbox.options import Fault, SandboxOptions
from assistant.sandbox.state import PERMISSIONS_REMOVED_BY_FAULT, SandboxState
from tests.conftest import session_for


def _create_and_comment(sandbox: Sandbox) -> str:
    credentials = (sandbox.service_account.username, sandbox.service_account.password)
    with session_for(sandbox) as client:
        created = client.post(
            f"{sandbox.base_url}/rest/api/2/issue",
            json={"fields": {"project": {"key": "DEMO"}, "issuetype": {"name": "Bug"}, "summary": "Persisted"}},
            auth=credentials,
        )
        assert created.status_code == 201
        key: str = created.json()["key"]
        comment = client.post(
            f"{sandbox.base_url}/rest/api/2/issue/{key}/comment", json={"body": "Still here?"}, auth=credentials
        )
        assert comment.status_code == 201
    return key


def test_issue_survives_a_restart_on_the_same_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    with Sandbox(state_file=state_file) as first:
        key = _create_and_comment(first)
        service = first.service_account
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    with Sandbox(state_file=state_file) as second, session_for(second) as client:
        assert second.service_account == service
        response = client.get(f"{second.base_url}/rest/api/2/issue/{key}", auth=(service.username, service.password))
        assert response.status_code == 200
        fields = response.json()["fields"]
        assert fields["summary"] == "Persisted"
        assert fields["issuetype"]["name"] == "Bug"
        assert [c["body"] for c in fields["comment"]["comments"]] == ["Still here?"]
        assert service.pat is not None
        by_token = client.get(
            f"{second.base_url}/rest/api/2/myself", headers={"Authorization": f"Bearer {service.pat}"}
        )
        assert by_token.status_code == 200
        next_key = _create_and_comment(second)
    assert next_key != key


def test_state_round_trips_through_the_file_without_a_server(tmp_path: Path) -> None:
    options = SandboxOptions(state_file=tmp_path / "state.json")
    original = SandboxState(options)
    token = original.create_pat(SandboxState.ADMIN, "ci", 30)
    original.users[SandboxState.SERVICE_ACCOUNT].failed_logins = 2
    original.save()
    restored = SandboxState(options)
    assert restored.pats == original.pats
    assert restored.pats[token.id].expiring_at == token.expiring_at
    assert restored.users == original.users
    assert restored.counters == original.counters
    assert restored.service_pat == original.service_pat


def test_without_a_state_file_each_sandbox_starts_fresh() -> None:
    first, second = SandboxState(SandboxOptions()), SandboxState(SandboxOptions())
    assert first.issues == {}
    assert second.issues == {}
    assert first.users[SandboxState.ADMIN].password != second.users[SandboxState.ADMIN].password
    assert first.service_pat
    assert first.service_pat != second.service_pat


def test_seed_follows_the_faults_and_the_version() -> None:
    locked = SandboxState(SandboxOptions(faults=frozenset({Fault.CAPTCHA, Fault.NO_PERMISSIONS})))
    service = locked.users[SandboxState.SERVICE_ACCOUNT]
    assert service.failed_logins >= locked.options.max_authentication_attempts
    assert not PERMISSIONS_REMOVED_BY_FAULT & locked.permissions_of(service)
    assert SandboxState(SandboxOptions(jira_version="8.13.0")).service_pat == ""
    inactive = locked.users[SandboxState.INACTIVE]
    assert locked.permissions_of(inactive) == frozenset()


def test_seeded_world_is_written_at_once_so_a_restart_keeps_the_passwords(tmp_path: Path) -> None:
    # 8.13 seeds no PAT, so nothing but the seed itself can have written the file.
    options = SandboxOptions(jira_version="8.13.0", state_file=tmp_path / "state.json")
    first = SandboxState(options)
    assert options.state_file is not None
    assert options.state_file.exists()
    second = SandboxState(options)
    assert second.users == first.users
