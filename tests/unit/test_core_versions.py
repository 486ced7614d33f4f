"""Jira versions and serverInfo facts: parsed strictly, compared numerically, and read from a real sandbox."""

from __future__ import annotations

import copy
import subprocess
import sys
from typing import Any

import pytest

from assistant.core.versions import InvalidVersion, JiraVersion, ServerFacts, ServerInfoError
from assistant.sandbox import Sandbox
from tests.conftest import session_for

V = JiraVersion


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9.12.2", V(9, 12, 2)),
        ("9.12", V(9, 12, 0)),
        (" 8.20.1\n", V(8, 20, 1)),
        ("10.3.0-SNAPSHOT", V(10, 3, 0)),
        ("9.4.0-m0003", V(9, 4, 0)),
    ],
)
def test_parse_accepts_jira_version_text(text: str, expected: JiraVersion) -> None:
    assert JiraVersion.parse(text) == expected


@pytest.mark.parametrize("text", ["", "9", "nine", "9.x.1", "v9.12.2", "9..2", "-1.2"])
def test_parse_refuses_what_is_not_a_version(text: str) -> None:
    with pytest.raises(InvalidVersion, match="not a Jira version"):
        JiraVersion.parse(text)


def test_invalid_version_is_a_value_error() -> None:
    assert issubclass(InvalidVersion, ValueError)


def test_versions_order_numerically_not_as_text() -> None:
    texts = ["10.3.0", "9.12.2", "8.22.0", "8.20.1", "9.4.0", "8.13.0", "11.0.0"]
    ordered = sorted(JiraVersion.parse(t) for t in texts)
    assert [str(v) for v in ordered] == ["8.13.0", "8.20.1", "8.22.0", "9.4.0", "9.12.2", "10.3.0", "11.0.0"]
    assert V(8, 22) > V(8, 20, 1)
    assert V(10, 3) > V(9, 12, 2)


def test_at_least_compares_down_to_the_patch() -> None:
    version = V(8, 22, 1)
    assert version.at_least(8, 22)
    assert version.at_least(8, 22, 1)
    assert not version.at_least(8, 22, 2)
    assert not version.at_least(9)
    assert version.at_least(8)


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [([9, 12, 2], V(9, 12, 2)), ([8, 22], V(8, 22, 0)), ([10, 3, 0, 7], V(10, 3, 0))],
)
def test_from_numbers_reads_version_numbers(numbers: list[object], expected: JiraVersion) -> None:
    assert JiraVersion.from_numbers(numbers) == expected


@pytest.mark.parametrize("numbers", [[], [9], [9, "12", 2], [True, 1, 0], [-1, 2, 0], [9.0, 12, 2]])
def test_from_numbers_refuses_broken_lists(numbers: list[object]) -> None:
    with pytest.raises(InvalidVersion):
        JiraVersion.from_numbers(numbers)


def _fetch_server_info(sandbox: Sandbox) -> dict[str, Any]:
    with session_for(sandbox) as http:
        response = http.get(f"{sandbox.base_url}/rest/api/2/serverInfo", timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("version", "deployment"), [("8.13.0", "Server"), ("9.12.2", "DataCenter"), ("10.3.0", "DataCenter")]
)
def test_server_facts_from_a_real_server_info(version: str, deployment: str) -> None:
    with Sandbox(jira_version=version, deployment=deployment) as sandbox:
        facts = ServerFacts.from_server_info(_fetch_server_info(sandbox))
        assert facts.version == JiraVersion.parse(version)
        assert facts.deployment == deployment
        assert facts.base_url == sandbox.base_url
        assert facts.title == "Jira Link Assistant sandbox"


def test_server_facts_carry_the_base_url_jira_advertises_not_the_one_typed() -> None:
    with Sandbox(advertised_base_url="https://jira.example.com/jira/") as sandbox:
        facts = ServerFacts.from_server_info(_fetch_server_info(sandbox))
        assert facts.base_url == "https://jira.example.com/jira"
        assert facts.base_url != sandbox.base_url


_DROP = object()
GOOD_INFO: dict[str, Any] = {
    "baseUrl": "https://jira.example.com/",
    "version": "9.12.2",
    "versionNumbers": [9, 12, 2],
    "deploymentType": "DataCenter",
    "serverTitle": "Example Jira",
}


def _info(**changes: Any) -> dict[str, Any]:
    info = copy.deepcopy(GOOD_INFO)
    for key, value in changes.items():
        if value is _DROP:
            info.pop(key)
        else:
            info[key] = value
    return info


def test_version_numbers_win_over_version_text() -> None:
    facts = ServerFacts.from_server_info(_info(version="9.12.2-SNAPSHOT", versionNumbers=[9, 12, 3]))
    assert facts.version == V(9, 12, 3)
    assert facts.base_url == "https://jira.example.com"


def test_version_text_is_the_fallback_when_numbers_are_missing() -> None:
    assert ServerFacts.from_server_info(_info(versionNumbers=_DROP, version="8.20.1")).version == V(8, 20, 1)


def test_a_missing_title_is_tolerated_because_nothing_depends_on_it() -> None:
    assert ServerFacts.from_server_info(_info(serverTitle=_DROP)).title == "Jira"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"versionNumbers": _DROP, "version": _DROP}, "versionNumbers", "missing"),
        ({"versionNumbers": "9.12.2"}, "versionNumbers", "list of numbers"),
        ({"versionNumbers": [9]}, "versionNumbers", "not Jira version numbers"),
        ({"versionNumbers": _DROP, "version": "nine"}, "version", "not a Jira version"),
        ({"versionNumbers": _DROP, "version": 9}, "version", "expected text"),
        ({"deploymentType": _DROP}, "deploymentType", "missing"),
        ({"deploymentType": "Cloud"}, "deploymentType", "Jira Cloud"),
        ({"deploymentType": "Enterprise"}, "deploymentType", "'Enterprise'"),
        ({"baseUrl": _DROP}, "baseUrl", "missing"),
        ({"baseUrl": 42}, "baseUrl", "expected a URL"),
        ({"baseUrl": "ftp://jira.example.com"}, "baseUrl", "absolute http(s) URL"),
        ({"baseUrl": "/jira"}, "baseUrl", "absolute http(s) URL"),
        ({"serverTitle": ["x"]}, "serverTitle", "expected text"),
    ],
)
def test_malformed_server_info_names_the_field(changes: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ServerInfoError) as caught:
        ServerFacts.from_server_info(_info(**changes))
    assert caught.value.field == field
    assert f"serverInfo field {field!r}" in str(caught.value)
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_body_that_is_not_an_object_is_refused() -> None:
    not_an_object: Any = ["baseUrl"]
    with pytest.raises(ServerInfoError, match="expected a JSON object"):
        ServerFacts.from_server_info(not_an_object)


def test_the_core_imports_neither_qt_nor_other_packages_of_the_product() -> None:
    """Run in a fresh interpreter: the GUI and the CLI build on `assistant.core`, never the other way round."""
    probe = (
        "import sys, assistant.core.versions, assistant.core.methods, assistant.core.click_paths, "
        "assistant.core.profiles, assistant.core.credentials\n"
        "assistant.core.profiles.default_profile()\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('assistant', 'PySide6')))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    loaded = set(result.stdout.split())
    assert not {m for m in loaded if m.startswith("PySide6")}
    assert {m for m in loaded if not m.startswith("assistant.core")} <= {"assistant", "assistant.resources"}
