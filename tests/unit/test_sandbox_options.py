"""Jira versions parse and order as numbers, and each landmark version switches on exactly its features."""

from __future__ import annotations

import pytest

from assistant.sandbox.options import Fault, Features, JiraVersion, SandboxOptions


@pytest.mark.parametrize(
    ("text", "expected"),
    [("9.12.2", JiraVersion(9, 12, 2)), ("8.20", JiraVersion(8, 20, 0)), (" 10.3.0 ", JiraVersion(10, 3, 0))],
)
def test_version_parses_major_minor_and_optional_patch(text: str, expected: JiraVersion) -> None:
    assert JiraVersion.parse(text) == expected


@pytest.mark.parametrize("text", ["", "ten", "9", "9.x", "9.12.2.1", "v9.12", "9.12-rc1"])
def test_version_refuses_what_is_not_a_jira_version(text: str) -> None:
    with pytest.raises(ValueError, match="not a Jira version"):
        JiraVersion.parse(text)


def test_versions_order_numerically_not_as_text() -> None:
    texts = ["10.3.0", "8.9.1", "9.12.2", "8.22.0", "9.2.0", "8.13.5"]
    ordered = sorted(JiraVersion.parse(t) for t in texts)
    assert [str(v) for v in ordered] == ["8.9.1", "8.13.5", "8.22.0", "9.2.0", "9.12.2", "10.3.0"]
    assert JiraVersion(8, 14).at_least(8, 14)
    assert not JiraVersion(8, 13, 99).at_least(8, 14)
    assert JiraVersion(10, 0).at_least(9, 99)


_LANDMARKS = {
    # version: (PAT, basic block, OAuth 2.0, new link dialog, per-project createmeta, old createmeta)
    "8.3.0": (False, False, False, False, False, True),
    "8.13.0": (False, False, False, False, True, True),
    "8.14.0": (True, False, False, False, True, True),
    "8.16.0": (True, True, False, False, True, True),
    "8.21.1": (True, True, False, False, True, True),
    "8.22.0": (True, True, True, True, True, True),
    "8.99.0": (True, True, True, True, True, True),
    "9.0.0": (True, True, True, True, True, False),
    "10.3.0": (True, True, True, True, True, False),
}


@pytest.mark.parametrize("version", list(_LANDMARKS))
def test_features_switch_on_at_their_landmark_versions(version: str) -> None:
    features = Features.of(JiraVersion.parse(version))
    observed = (
        features.personal_access_tokens,
        features.basic_auth_block_setting,
        features.oauth2_provider,
        features.new_create_link_dialog,
        features.per_project_createmeta,
        features.old_createmeta,
    )
    assert observed == _LANDMARKS[version]


def test_options_refuse_bad_version_deployment_and_context_path() -> None:
    with pytest.raises(ValueError, match="not a Jira version"):
        SandboxOptions(jira_version="latest")
    with pytest.raises(ValueError, match="deployment"):
        SandboxOptions(deployment="Cloud")  # type: ignore[arg-type]
    for path in ("jira", "/jira/"):
        with pytest.raises(ValueError, match="context path"):
            SandboxOptions(context_path=path)
    assert SandboxOptions(context_path="/jira").context_path == "/jira"


def test_options_know_their_faults_and_features() -> None:
    options = SandboxOptions(jira_version="8.20.3", faults=frozenset({Fault.CAPTCHA}))
    assert options.has(Fault.CAPTCHA)
    assert not options.has(Fault.SLOW)
    assert options.version == JiraVersion(8, 20, 3)
    assert options.features.old_createmeta
    assert not options.features.oauth2_provider
    assert {f.value for f in Fault} >= {"captcha", "basic-disabled", "pat-disabled", "oauth2-disabled"}
