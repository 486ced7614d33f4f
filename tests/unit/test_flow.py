"""The wizard flow without Qt: every method on every representative Jira version, Back, and partial wizards."""

from __future__ import annotations

import pytest

from assistant.core.flow import (
    ALL_PAGES,
    METHOD_PAGES,
    DiagnoseSource,
    FlowError,
    FlowState,
    Intent,
    PageId,
    WizardFlow,
    choose_method,
    next_page,
    reachable_method_pages,
)
from assistant.core.methods import MethodId
from assistant.core.versions import JiraVersion, ServerFacts

VERSIONS = ("8.13.0", "8.20.1", "8.22.0", "9.4.0", "10.3.0")
AVAILABLE: dict[str, set[MethodId]] = {
    "8.13.0": {MethodId.OAUTH1_GENERIC, MethodId.BASIC},
    "8.20.1": {MethodId.OAUTH1_GENERIC, MethodId.BASIC, MethodId.PAT},
    "8.22.0": {MethodId.OAUTH2, MethodId.OAUTH1_ATLASSIAN_PRODUCT, MethodId.BASIC, MethodId.PAT},
    "9.4.0": {MethodId.OAUTH2, MethodId.OAUTH1_ATLASSIAN_PRODUCT, MethodId.BASIC, MethodId.PAT},
    "10.3.0": {MethodId.OAUTH2, MethodId.OAUTH1_ATLASSIAN_PRODUCT, MethodId.BASIC, MethodId.PAT},
}
SETUP_PATH = [PageId.START, PageId.JIRA, PageId.SERVICE_ACCOUNT, PageId.METHOD]


def facts(version: str) -> ServerFacts:
    return ServerFacts(JiraVersion.parse(version), "DataCenter", "https://jira.example.com", "Jira")


def method_of(flow: WizardFlow) -> MethodId | None:
    return flow.state.method


def facts_of(flow: WizardFlow) -> ServerFacts | None:
    return flow.state.facts


def to_method_page(version: str) -> WizardFlow:
    flow = WizardFlow()
    assert flow.advance() is PageId.JIRA
    flow.state.facts = facts(version)
    assert flow.advance() is PageId.SERVICE_ACCOUNT
    assert flow.advance() is PageId.METHOD
    return flow


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("method_id", list(MethodId))
def test_each_method_on_each_version(version: str, method_id: MethodId) -> None:
    flow = to_method_page(version)
    expected = method_id in AVAILABLE[version]
    assert (METHOD_PAGES[method_id] in reachable_method_pages(flow.state)) is expected
    if not expected:
        with pytest.raises(FlowError, match=version):
            choose_method(flow.state, method_id)
        assert flow.state.method is None
        assert flow.next_id() is None
        with pytest.raises(FlowError):
            flow.advance()
        return
    choose_method(flow.state, method_id)
    assert flow.advance() is METHOD_PAGES[method_id]
    assert flow.advance() is PageId.VALIDATE
    assert flow.advance() is PageId.EXPORT
    assert flow.next_id() is None
    assert flow.history == [*SETUP_PATH, METHOD_PAGES[method_id], PageId.VALIDATE, PageId.EXPORT]


@pytest.mark.parametrize("version", VERSIONS)
def test_reachable_method_pages_match_the_catalogue(version: str) -> None:
    state = FlowState(facts=facts(version))
    assert reachable_method_pages(state) == {METHOD_PAGES[m] for m in AVAILABLE[version]}


def test_an_unavailable_method_set_behind_the_flows_back_leads_nowhere() -> None:
    flow = to_method_page("8.13.0")
    flow.state.method = MethodId.OAUTH2
    assert flow.next_id() is None


def test_back_restores_the_state_the_earlier_page_left() -> None:
    flow = to_method_page("9.4.0")
    choose_method(flow.state, MethodId.OAUTH2)
    assert flow.advance() is PageId.OAUTH2
    assert flow.back() is PageId.METHOD
    assert flow.state.method == MethodId.OAUTH2  # the Method page's own choice survives going back to it
    choose_method(flow.state, MethodId.PAT)
    assert flow.advance() is PageId.PAT
    assert flow.back() is PageId.METHOD
    assert flow.back() is PageId.SERVICE_ACCOUNT
    assert method_of(flow) is None  # what the Method page chose is forgotten once it is left backwards
    assert flow.back() is PageId.JIRA
    assert facts_of(flow) == facts("9.4.0")
    assert flow.back() is PageId.START
    assert facts_of(flow) is None
    with pytest.raises(FlowError):
        flow.back()


def test_a_new_jira_after_back_changes_the_reachable_methods() -> None:
    flow = to_method_page("10.3.0")
    choose_method(flow.state, MethodId.OAUTH1_ATLASSIAN_PRODUCT)
    flow.back()
    flow.back()
    flow.state.facts = facts("8.20.1")
    flow.advance()
    flow.advance()
    assert flow.state.method is None
    assert flow.next_id() is None
    choose_method(flow.state, MethodId.OAUTH1_GENERIC)
    assert flow.advance() is PageId.OAUTH1_GENERIC


def test_jira_page_needs_the_server_facts() -> None:
    flow = WizardFlow()
    flow.advance()
    assert flow.next_id() is None
    with pytest.raises(FlowError, match="JIRA"):
        flow.advance()
    with pytest.raises(FlowError, match="Jira address"):
        choose_method(flow.state, MethodId.BASIC)


@pytest.mark.parametrize(
    ("intent", "source", "path"),
    [
        # Diagnosing never passes the Jira page: its serverInfo check is what a broken link may fail.
        (Intent.DIAGNOSE, DiagnoseSource.URL, [PageId.START, PageId.DIAGNOSTICS]),
        (Intent.DIAGNOSE, DiagnoseSource.BUNDLE, [PageId.START, PageId.DIAGNOSTICS]),
        (Intent.IMPORT, DiagnoseSource.URL, [PageId.START, PageId.IMPORT, PageId.VALIDATE, PageId.EXPORT]),
    ],
)
def test_diagnose_and_import_paths(intent: Intent, source: DiagnoseSource, path: list[PageId]) -> None:
    flow = WizardFlow(FlowState(intent=intent, diagnose_source=source, facts=facts("9.4.0")))
    while flow.next_id() is not None:
        flow.advance()
    assert flow.history == path


@pytest.mark.parametrize("origin", [PageId.IMPORT, PageId.VALIDATE])
def test_diagnosing_the_link_at_hand_is_a_one_way_detour(origin: PageId) -> None:
    flow = WizardFlow(FlowState(intent=Intent.IMPORT))
    flow.advance()
    if origin is PageId.VALIDATE:
        flow.advance()
    assert flow.current is origin
    usual = flow.next_id()
    assert usual in (PageId.VALIDATE, PageId.EXPORT)
    flow.state.diagnose_link = True
    assert flow.next_id() is PageId.DIAGNOSTICS
    assert flow.advance() is PageId.DIAGNOSTICS
    assert flow.state.diagnose_link is False  # consumed by the step it caused
    assert flow.finishes_here()
    assert flow.back() is origin
    assert flow.next_id() is usual  # Back, then Next, goes the usual way again


def test_validate_leads_to_export_which_finishes() -> None:
    flow = to_method_page("9.4.0")
    choose_method(flow.state, MethodId.OAUTH2)
    flow.advance()
    flow.advance()
    assert not flow.finishes_here()
    assert flow.advance() is PageId.EXPORT
    assert flow.finishes_here()


def test_every_page_has_a_defined_successor_or_ends() -> None:
    state = FlowState(facts=facts("9.4.0"), method=MethodId.BASIC)
    for page in PageId:
        following = next_page(page, state)
        assert following is None or following in ALL_PAGES


def test_a_wizard_without_the_later_pages_ends_where_its_pages_end() -> None:
    pages = frozenset(ALL_PAGES - {PageId.EXPORT, PageId.DIAGNOSTICS, PageId.IMPORT})
    flow = WizardFlow(pages=pages)
    assert flow.offers(Intent.SETUP)
    assert not flow.offers(Intent.DIAGNOSE)
    assert not flow.offers(Intent.IMPORT)
    flow.advance()
    flow.state.facts = facts("8.20.1")
    flow.advance()
    flow.advance()
    choose_method(flow.state, MethodId.BASIC)
    flow.advance()
    assert flow.advance() is PageId.VALIDATE
    assert flow.next_id() is None


def test_a_wizard_needs_a_start_page() -> None:
    with pytest.raises(ValueError, match="Start"):
        WizardFlow(pages=frozenset({PageId.JIRA}))


def test_undecided_pages_wait_for_input_while_last_pages_finish() -> None:
    pages = frozenset(ALL_PAGES - {PageId.EXPORT})
    flow = WizardFlow(pages=pages)
    assert not flow.finishes_here()
    flow.advance()
    assert flow.next_id() is None
    assert not flow.finishes_here()  # the Jira page waits for its check, it does not end the wizard
    flow.state.facts = facts("9.4.0")
    flow.advance()
    flow.advance()
    assert not flow.finishes_here()  # no method chosen yet
    choose_method(flow.state, MethodId.PAT)
    flow.advance()
    flow.advance()
    assert flow.current is PageId.VALIDATE
    assert flow.finishes_here()
