"""Connector profiles: the shipped one loads, a user's file is validated, and every refusal names file and field."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from assistant.core.profiles import (
    MAX_PROFILE_BYTES,
    ConnectorProfile,
    ProfileError,
    Scope,
    ServiceAccount,
    default_profile,
    load_profile,
    redirect_url_problem,
)

USER_PROFILE: dict[str, Any] = {
    "$schema": "https://jira-link-assistant.invalid/schemas/connector-profile.schema.json",
    "id": "helpdesk-sync",
    "display_name": "Helpdesk sync",
    "link_name": "Helpdesk",
    "redirect_urls": ["https://helpdesk.example.com/jira/callback", "http://localhost:8765/cb", "myapp://cb"],
    "scope": "READ",
    "project_permissions": ["BROWSE_PROJECTS", "ADD_COMMENTS"],
    "service_account": {"name": "helpdesk.bot", "display_name": "Helpdesk Bot"},
}


def write(tmp_path: Path, document: object, name: str = "profile.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def changed(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(USER_PROFILE)
    document.update(changes)
    return document


def schema() -> dict[str, Any]:
    text = resources.files("assistant.resources").joinpath("schemas/connector-profile.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def test_the_schema_is_a_valid_draft_2020_12_schema_that_forbids_extra_properties() -> None:
    document = schema()
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["additionalProperties"] is False
    assert document["properties"]["service_account"]["additionalProperties"] is False


def test_the_shipped_generic_profile() -> None:
    profile = default_profile()
    assert profile.id == "generic"
    assert profile.link_name
    assert profile.redirect_urls == ()
    assert profile.scope is Scope.WRITE
    for needed in ("BROWSE_PROJECTS", "CREATE_ISSUES", "ADD_COMMENTS", "TRANSITION_ISSUES", "CLOSE_ISSUES"):
        assert needed in profile.project_permissions
    assert profile.service_account.name
    assert profile.service_account.display_name
    assert profile.description


def test_the_shipped_profile_file_itself_passes_the_schema() -> None:
    text = resources.files("assistant.resources").joinpath("connectors/generic.json").read_text()
    jsonschema.Draft202012Validator(schema()).validate(json.loads(text))


def test_a_users_profile_loads(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, USER_PROFILE))
    assert profile == ConnectorProfile(
        id="helpdesk-sync",
        display_name="Helpdesk sync",
        link_name="Helpdesk",
        redirect_urls=("https://helpdesk.example.com/jira/callback", "http://localhost:8765/cb", "myapp://cb"),
        scope=Scope.READ,
        project_permissions=("BROWSE_PROJECTS", "ADD_COMMENTS"),
        service_account=ServiceAccount("helpdesk.bot", "Helpdesk Bot"),
        description="",
    )


def test_a_profile_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(USER_PROFILE).encode())
    assert load_profile(str(path)).id == "helpdesk-sync"


def refusal(path: Path) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert str(path) in str(caught.value)
    assert "Traceback" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("document", "field", "words"),
    [
        ({k: v for k, v in USER_PROFILE.items() if k != "scope"}, None, "'scope' is a required property"),
        (changed(colour="blue"), None, "'colour' was unexpected"),
        (changed(scope="read:jira-work"), "scope", "must be one of READ, WRITE, ADMIN, SYSTEM_ADMIN"),
        (changed(project_permissions=["BROWSE_PROJECTS", "CREATE_ISSUE"]), "project_permissions[1]", "one of"),
        (changed(project_permissions=["ADD_COMMENTS", "ADD_COMMENTS"]), "project_permissions", "non-unique"),
        (changed(id="Helpdesk Sync"), "id", "lower-case letters, digits and hyphens"),
        (changed(display_name="   "), "display_name", "must not be blank"),
        (changed(link_name="x" * 41), "link_name", "longer than 40 characters"),
        (changed(redirect_urls="https://a.example.com"), "redirect_urls", "must be of type array"),
        (changed(redirect_urls=["https://a.example.com/cb#top"]), "redirect_urls[0]", "expected form"),
        (changed(redirect_urls=["https://a.example.com/" + "p" * 440]), "redirect_urls[0]", "longer than 450"),
        (
            changed(service_account={"name": "bot", "display_name": "Bot", "password": "x"}),
            "service_account",
            "'password' was unexpected",
        ),
        (changed(service_account={"name": "a/b", "display_name": "Bot"}), "service_account.name", "expected form"),
    ],
)
def test_schema_violations_name_the_file_and_the_field(
    tmp_path: Path, document: dict[str, Any], field: str | None, words: str
) -> None:
    error = refusal(write(tmp_path, document))
    assert error.field == field
    if field:
        assert f": {field}: " in str(error)
    assert words in str(error)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765/cb", "http://connector.example.com/cb"])
def test_plain_http_redirect_urls_are_refused_as_jira_refuses_them(tmp_path: Path, url: str) -> None:
    error = refusal(write(tmp_path, changed(redirect_urls=["https://ok.example.com/cb", url])))
    assert error.field == "redirect_urls[1]"
    assert "plain http only for the host localhost" in str(error)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:8765/cb", "plain http only for the host localhost"),
        ("https://a.example.com/cb#", "must not have a fragment"),
        ("https://a.example.com/cb#top", "must not have a fragment"),
        ("relative/path", "not an absolute URL"),
        ("https://a.example.com/" + "p" * 430, "longer than the 450 characters"),
    ],
)
def test_redirect_url_problems(url: str, words: str) -> None:
    problem = redirect_url_problem(url)
    assert problem is not None
    assert words in problem


@pytest.mark.parametrize(
    "url", ["https://a.example.com/cb", "http://localhost/cb", "http://localhost:8765/cb", "myapp://callback"]
)
def test_redirect_urls_jira_accepts(url: str) -> None:
    assert redirect_url_problem(url) is None


def test_a_missing_file(tmp_path: Path) -> None:
    assert "no such file" in str(refusal(tmp_path / "absent.json"))


def test_a_directory(tmp_path: Path) -> None:
    assert "is a directory" in str(refusal(tmp_path))


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * (MAX_PROFILE_BYTES + 1))
    assert "larger than 1024 KiB" in str(refusal(path))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"id": "caf\xe9"}')
    assert "not UTF-8 text" in str(refusal(path))


def test_broken_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "id": "x",\n  "scope": READ\n}\n', encoding="utf-8")
    message = str(refusal(path))
    assert "not valid JSON" in message
    assert "line 3" in message


def test_a_json_list_is_not_a_profile(tmp_path: Path) -> None:
    assert "must be of type object" in str(refusal(write(tmp_path, [USER_PROFILE])))
