"""The method catalogue: availability per Jira version, one recommendation, and the admin's click-paths."""

from __future__ import annotations

import re

import pytest

from assistant.core.click_paths import (
    APPLINKS_PATH,
    MethodUnavailable,
    MissingValues,
    Step,
    click_path,
    values_needed,
)
from assistant.core.methods import (
    CATALOGUE,
    MethodAssessment,
    MethodId,
    ValueSpec,
    VersionRange,
    assess,
    method,
)
from assistant.core.versions import JiraVersion, ServerFacts

O2, ATL, GEN, BASIC, PAT = (
    MethodId.OAUTH2,
    MethodId.OAUTH1_ATLASSIAN_PRODUCT,
    MethodId.OAUTH1_GENERIC,
    MethodId.BASIC,
    MethodId.PAT,
)
VERSIONS = ("8.13.0", "8.20.1", "8.22.0", "9.4.0", "10.3.0")

# (available, recommended) per version, straight from the reference's version landmarks.
EXPECTED: dict[str, dict[MethodId, tuple[bool, bool]]] = {
    "8.13.0": {O2: (False, False), ATL: (False, False), GEN: (True, True), BASIC: (True, False), PAT: (False, False)},
    "8.20.1": {O2: (False, False), ATL: (False, False), GEN: (True, True), BASIC: (True, False), PAT: (True, False)},
    "8.22.0": {O2: (True, True), ATL: (True, False), GEN: (False, False), BASIC: (True, False), PAT: (True, False)},
    "9.4.0": {O2: (True, True), ATL: (True, False), GEN: (False, False), BASIC: (True, False), PAT: (True, False)},
    "10.3.0": {O2: (True, True), ATL: (True, False), GEN: (False, False), BASIC: (True, False), PAT: (True, False)},
}

VALUES = {
    "base_url": "https://jira.example.com/jira/",
    "link_name": "Ticket connector",
    "redirect_url": "https://connector.example.com/oauth/callback",
    "consumer_key": "jla-Zx3v9Q_abcdefghijkl",
    "consumer_name": "Ticket connector",
    "public_key": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----",
    "service_account": "connector-bot",
    "app_url": "https://connector.example.com",
}


def facts(version: str) -> ServerFacts:
    return ServerFacts(JiraVersion.parse(version), "DataCenter", "https://jira.example.com", "Jira")


def by_method(version: str) -> dict[MethodId, MethodAssessment]:
    return {a.method: a for a in assess(facts(version))}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("method_id", list(MethodId))
def test_availability_and_recommendation(version: str, method_id: MethodId) -> None:
    assessment = by_method(version)[method_id]
    assert (assessment.available, assessment.recommended) == EXPECTED[version][method_id]
    assert assessment.reason.strip()
    if not assessment.available:
        assert f"this instance is {version}" in assessment.reason
    elif method(method_id).deprecated:
        deprecation = method(method_id).deprecation
        assert deprecation is not None
        assert deprecation.warning in assessment.reason


@pytest.mark.parametrize("version", [*VERSIONS, "7.0.0", "8.14.0", "8.21.9", "11.0.0"])
def test_exactly_one_method_is_recommended_and_every_method_is_assessed(version: str) -> None:
    assessments = assess(facts(version))
    assert [a.method for a in assessments] == list(CATALOGUE)
    assert sum(a.recommended for a in assessments) == 1
    assert all(a.available for a in assessments if a.recommended)


def test_oauth2_on_8_20_names_the_version_it_needs_and_the_one_it_found() -> None:
    reason = by_method("8.20.1")[O2].reason
    assert "needs Jira 8.22 or later; this instance is 8.20.1" in reason
    assert "9.0" in reason  # the connector guide's claim is corrected, not repeated


def test_atlassian_product_dialog_is_unavailable_before_8_22() -> None:
    reason = by_method("8.20.1")[ATL].reason
    assert "needs Jira 8.22 or later" in reason
    assert "Generic Application" in reason


@pytest.mark.parametrize("version", ["8.22.0", "9.4.0", "10.3.0"])
def test_generic_application_is_unavailable_once_the_dialog_changed(version: str) -> None:
    reason = by_method(version)[GEN].reason
    assert "applies only before Jira 8.22" in reason
    assert "dialog changed" in reason
    assert "Atlassian product" in reason


def test_legacy_recommendation_on_an_old_instance_says_why_and_that_it_is_legacy() -> None:
    reason = by_method("8.20.1")[GEN].reason
    assert reason.startswith("Recommended as the best method Jira 8.20.1 offers")
    assert "OAuth 2.0 needs Jira 8.22 or later" in reason
    assert "legacy" in reason


def test_oauth2_recommendation_says_it_is_preferred() -> None:
    assert by_method("9.4.0")[O2].reason.startswith("Recommended: OAuth 2.0")
    assert "OAuth 2.0 is preferred" in by_method("9.4.0")[PAT].reason


def test_basic_notes_follow_the_version() -> None:
    assert "Authentication methods" not in by_method("8.13.0")[BASIC].reason
    assert "Authentication methods" in by_method("8.20.1")[BASIC].reason
    assert "off by default" not in by_method("10.3.0")[BASIC].reason
    assert "off by default" in by_method("11.0.0")[BASIC].reason


def test_catalogue_entries_are_complete() -> None:
    for method_id, entry in CATALOGUE.items():
        assert entry.id is method_id
        assert entry.title
        assert entry.summary
        assert entry.deprecated == (method_id is not O2)
        if entry.deprecation:
            assert "legacy" in entry.deprecation.warning
            assert "OAuth 2.0" in entry.deprecation.migration
            assert "authorise it again" in entry.deprecation.migration


def test_oauth1_migration_says_the_link_is_recreated_not_converted() -> None:
    for method_id in (ATL, GEN):
        deprecation = method(method_id).deprecation
        assert deprecation is not None
        assert "cannot be converted, it is recreated" in deprecation.migration


def test_what_is_generated_and_what_is_pasted_back() -> None:
    def keys(specs: tuple[ValueSpec, ...]) -> list[str]:
        return [spec.key for spec in specs]

    assert keys(method(O2).generates) == ["redirect_url"]
    assert keys(method(O2).pastes_back) == ["client_id", "client_secret"]
    for oauth1 in (ATL, GEN):
        assert keys(method(oauth1).generates) == ["consumer_key", "public_key"]
        assert method(oauth1).pastes_back == ()
    assert keys(method(BASIC).pastes_back) == ["username", "password"]
    assert keys(method(PAT).pastes_back) == ["token"]
    secret = {spec.key for entry in CATALOGUE.values() for spec in entry.pastes_back if spec.secret}
    assert secret == {"client_secret", "password", "token"}


def test_method_lookup_refuses_an_unknown_id() -> None:
    assert method("pat") is CATALOGUE[PAT]
    with pytest.raises(ValueError, match="unknown authentication method 'oauth3'"):
        method("oauth3")


def test_version_range_membership_and_wording() -> None:
    since, before = VersionRange(since=JiraVersion(8, 22)), VersionRange(before=JiraVersion(8, 22))
    assert JiraVersion(8, 22) in since
    assert JiraVersion(8, 21, 9) not in since
    assert JiraVersion(8, 21, 9) in before
    assert "8.22" not in before  # not a version at all
    assert since.requirement() == "needs Jira 8.22 or later"
    assert before.requirement() == "applies only before Jira 8.22"
    both = VersionRange(since=JiraVersion(8, 14), before=JiraVersion(8, 22))
    assert both.requirement() == "applies to Jira 8.14 up to (not including) 8.22"


# Click-paths ---------------------------------------------------------------------------------------------


def copies(steps: list[Step]) -> dict[str, str]:
    return {s.copy_label: s.copy for s in steps if s.copy_label and s.copy}


def whole_text(steps: list[Step]) -> str:
    return "\n".join(s.text for s in steps)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("method_id", list(MethodId))
def test_click_path_for_every_method_and_version(version: str, method_id: MethodId) -> None:
    jira = JiraVersion.parse(version)
    available, _ = EXPECTED[version][method_id]
    if not available:
        with pytest.raises(MethodUnavailable, match=f"this instance is {version}"):
            click_path(method_id, jira, VALUES)
        return
    steps = click_path(method_id, jira, VALUES)
    assert len(steps) >= 4
    for step in steps:
        assert not re.search(r"\{\w+\}", step.text + (step.copy or "")), step
        assert (step.copy is None) == (step.copy_label is None)
    assert set(values_needed(method_id, jira)) <= VALUES.keys()


@pytest.mark.parametrize("version", ["8.22.0", "9.4.0", "10.3.0"])
def test_oauth2_click_path(version: str) -> None:
    steps = click_path(O2, JiraVersion.parse(version), VALUES)
    text = whole_text(steps)
    assert "Administration (cog) › Applications › Application links" in text
    assert "Create link" in text
    assert "External application" in text
    assert "Incoming" in text
    assert "choose Write" in text
    assert "Client ID" in text
    assert "Client secret" in text
    assert copies(steps) == {
        "Application links page": "https://jira.example.com/jira" + APPLINKS_PATH,
        "Name": "Ticket connector",
        "Redirect URL": "https://connector.example.com/oauth/callback",
        "Service account": "connector-bot",
    }


def test_oauth2_click_path_uses_the_profile_scope() -> None:
    steps = click_path(O2, JiraVersion(9, 4), {**VALUES, "scope": "read"})
    assert "choose Read" in whole_text(steps)
    with pytest.raises(ValueError, match=re.escape("unknown OAuth 2.0 scope 'READ:JIRA-WORK'")):
        click_path(O2, JiraVersion(9, 4), {**VALUES, "scope": "read:jira-work"})


@pytest.mark.parametrize("version", ["8.22.0", "9.4.0", "10.3.0"])
def test_oauth1_atlassian_product_click_path(version: str) -> None:
    steps = click_path(ATL, JiraVersion.parse(version), VALUES)
    text = whole_text(steps)
    assert "Atlassian product" in text
    assert "Ignore the warning and click Continue again" in text
    assert "leave the outgoing fields empty, tick Create incoming link" in text
    labels = [s.copy_label for s in steps if s.copy_label]
    assert labels[labels.index("Consumer Key") :][:3] == ["Consumer Key", "Consumer Name", "Public Key"]
    assert copies(steps)["Application URL"] == "https://connector.example.com"
    assert copies(steps)["Public Key"] == VALUES["public_key"]
    assert "nothing to paste back" in text


@pytest.mark.parametrize("version", ["8.13.0", "8.20.1"])
def test_oauth1_generic_click_path(version: str) -> None:
    steps = click_path(GEN, JiraVersion.parse(version), VALUES)
    text = whole_text(steps)
    assert "Application Type Generic Application" in text
    assert "Create new link" in text
    assert "tick Create incoming link" in text
    assert "Atlassian product" not in text
    assert copies(steps)["Consumer Key"] == VALUES["consumer_key"]


def test_basic_click_path_follows_the_version() -> None:
    old = whole_text(click_path(BASIC, JiraVersion(8, 13), VALUES))
    assert "Jira 8.13.0 has no setting that blocks basic authentication" in old
    assert "Authentication methods" not in old
    current = whole_text(click_path(BASIC, JiraVersion(9, 4), VALUES))
    assert "Administration (cog) › System › Authentication methods" in current
    assert "allowed for REST" in current
    assert "off by default" not in current
    newest = whole_text(click_path(BASIC, JiraVersion(11, 0), VALUES))
    assert "off by default" in newest
    assert "HTTPS" in current
    assert "CAPTCHA" in current


@pytest.mark.parametrize("version", ["8.20.1", "9.4.0", "10.3.0"])
def test_pat_click_path(version: str) -> None:
    steps = click_path(PAT, JiraVersion.parse(version), VALUES)
    text = whole_text(steps)
    assert "Sign in to Jira as connector-bot" in text
    assert "Profile › Personal Access Tokens" in text
    assert "Create token" in text
    assert "expiry in days" in text
    assert "Copy the token at once" in text
    assert copies(steps)["Token name"] == "Ticket connector"


def test_missing_values_are_named() -> None:
    partial = {k: v for k, v in VALUES.items() if k not in ("redirect_url", "service_account")}
    with pytest.raises(MissingValues) as caught:
        click_path(O2, JiraVersion(9, 4), partial)
    assert caught.value.missing == frozenset({"redirect_url", "service_account"})
    assert "redirect_url, service_account" in str(caught.value)


def test_values_needed_depend_on_method_and_version() -> None:
    assert values_needed(O2, JiraVersion(9, 4)) == {"base_url", "link_name", "redirect_url", "service_account"}
    assert "redirect_url" not in values_needed(ATL, JiraVersion(9, 4))
    assert {"consumer_key", "consumer_name", "public_key", "app_url"} <= values_needed(ATL, JiraVersion(9, 4))
    assert values_needed(BASIC, JiraVersion(8, 13)) == {"base_url", "service_account"}
    assert values_needed(PAT, JiraVersion(8, 14)) == {"base_url", "link_name", "service_account"}
