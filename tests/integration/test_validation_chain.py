"""The live validation chain against the sandbox: it proves good links and names each fault's cause."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.sandbox import Sandbox
from tests.integration.engine_helpers import basic_connection, failure_code, pat_connection, session_to, validate


@pytest.fixture
def tls() -> Iterator[Sandbox]:
    with Sandbox(tls=True) as sb:
        yield sb


def test_basic_link_passes_every_step_on_one_connection(tls: Sandbox) -> None:
    connection = basic_connection(tls)
    with session_to(tls) as session:
        from assistant.core.profiles import default_profile
        from assistant.jira.auth import attach
        from assistant.jira.validation import ValidationChain

        attach(session, connection)
        seen: list[str] = []
        result = ValidationChain(
            session, connection, default_profile().project_permissions, write_test=True,
            on_step=lambda step: seen.append(step.id),
        ).run()  # fmt: skip
        assert session.stats.connections_opened == 1
    assert result.ok, result.steps
    assert seen == ["server", "identity", "permissions", "create", "comment", "transition", "cleanup"]
    assert result.identity == tls.service_account.username
    assert all(step.duration_ms >= 0 for step in result.steps)


def test_write_round_trip_deletes_when_permitted() -> None:
    with Sandbox(tls=True) as sb:
        admin = sb.admin
        connection = basic_connection(sb, admin.password)
        connection = type(connection)(**{**connection.__dict__, "username": admin.username})
        result = validate(sb, connection, write_test=True)
        assert not sb.state.issues
    cleanup = result.steps[-1]
    assert cleanup.detail.startswith("deleted")
    permissions = next(step for step in result.steps if step.id == "permissions")
    assert permissions.status == "warn"
    assert permissions.warnings[0].code == "IDENTITY_IS_ADMIN"


def test_write_round_trip_closes_when_delete_is_not_permitted(tls: Sandbox) -> None:
    result = validate(tls, basic_connection(tls), write_test=True)
    assert result.ok
    assert "closed" in result.steps[-1].detail
    (issue,) = tls.state.issues.values()
    assert issue.status_id == "10001"


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("captcha", "AUTH_CAPTCHA"),
        ("basic-disabled", "AUTH_BASIC_DISABLED"),
        ("rate-limit", "RATE_LIMITED"),
        ("maintenance", "JIRA_UNAVAILABLE"),
        ("server-error", "SERVER_ERROR"),
        ("sso-redirect", "HTTP_LOGIN_REDIRECT"),
        ("no-permissions", "PERMISSION_MISSING"),
    ],
)
def test_each_fault_is_named_by_its_finding(fault: str, code: str) -> None:
    with Sandbox(tls=True, faults={fault}) as sb:
        result = validate(sb, basic_connection(sb))
    assert not result.ok
    assert failure_code(result) == code
    failed = result.first_failure
    assert failed is not None
    assert failed.problem is not None
    assert failed.problem.remedy
    assert all(step.status == "skip" for step in result.steps[result.steps.index(failed) + 1 :])


def test_wrong_password_is_bad_credentials_even_when_jira_answers_200() -> None:
    with Sandbox(tls=True, faults={"basic-200-on-failure"}) as sb:
        result = validate(sb, basic_connection(sb, "wrong"))
    assert failure_code(result) == "AUTH_BAD_CREDENTIALS"


def test_inactive_account_is_named() -> None:
    with Sandbox(tls=True) as sb:
        inactive = sb.inactive_user
        connection = basic_connection(sb, inactive.password)
        connection = type(connection)(**{**connection.__dict__, "username": inactive.username})
        result = validate(sb, connection)
    assert failure_code(result) == "IDENTITY_INACTIVE"


def test_pat_ignored_by_a_disabled_feature_is_a_token_failure() -> None:
    with Sandbox(tls=True, faults={"pat-disabled"}) as sb:
        result = validate(sb, pat_connection(sb))
    assert failure_code(result) == "AUTH_TOKEN_INVALID"


def test_base_url_mismatch_is_a_warning_on_the_server_step() -> None:
    with Sandbox(tls=True, faults={"base-url-mismatch"}) as sb:
        result = validate(sb, basic_connection(sb))
    server = result.steps[0]
    assert server.status == "warn"
    assert server.warnings[0].code == "JIRA_BASE_URL_MISMATCH"
    assert result.ok


def test_slow_server_is_a_timeout_within_budget() -> None:
    import time

    with Sandbox(tls=True, faults={"slow"}, slow_seconds=3.0) as sb:
        started = time.monotonic()
        result = validate(sb, basic_connection(sb), read_timeout=0.5)
        elapsed = time.monotonic() - started
    assert failure_code(result) == "HTTP_TIMEOUT"
    assert elapsed < 2.0


def test_unknown_project_is_named() -> None:
    with Sandbox(tls=True) as sb:
        connection = basic_connection(sb)
        connection = type(connection)(**{**connection.__dict__, "project_key": "NOPE"})
        result = validate(sb, connection)
    assert failure_code(result) == "PROJECT_NOT_FOUND"


def test_pat_on_a_version_without_pats_is_too_old() -> None:
    with Sandbox(tls=True, jira_version="8.13.0") as sb:
        result = validate(sb, pat_connection(sb, "whatever-token"))
    assert failure_code(result) == "JIRA_TOO_OLD_FOR_METHOD"


def test_projects_the_account_can_browse_are_listed(tls: Sandbox) -> None:
    from assistant.jira.auth import attach
    from assistant.jira.server_info import list_projects, read_server_facts

    with session_to(tls) as session:
        assert str(read_server_facts(session, tls.base_url).version) == "10.3.0"
        attach(session, basic_connection(tls))
        assert list_projects(session, tls.base_url) == [("DEMO", "Demo project")]
