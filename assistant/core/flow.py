"""The wizard's flow as data: which page follows which, decided by what has been collected so far.

Kept free of Qt (as Electrum keeps its install wizard) so every path can be tested for every method and Jira
version without a display, and so a page can never offer a step the flow would not take. `next_page` is a pure
function of the current page and the state; `WizardFlow` adds the history stack that makes Back exact: each
entry keeps the state as it was when its page was entered, so going back forgets what the later page collected.

Diagnosing starts straight from Start: the Diagnostics page asks for the URL or bundle itself, because the
Jira page insists on a working serverInfo call, which is exactly what a broken link may lack. From Import and
Validate the user may instead ask to diagnose the link at hand (`FlowState.diagnose_link`); that request is
consumed by the step it causes, so Back and Next take the usual way again afterwards.

A front end may not have every page yet; it passes the pages it has, and a path leading to a missing page
ends at the last page it does have (which then offers Finish) rather than at a blank page.
"""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass

from assistant.core.methods import CATALOGUE, MethodId
from assistant.core.versions import ServerFacts


class Intent(enum.StrEnum):
    SETUP = "setup"
    """Set up a new link."""
    DIAGNOSE = "diagnose"
    """Find out why an existing link fails."""
    IMPORT = "import"
    """Take over a link from a connector bundle."""


class DiagnoseSource(enum.StrEnum):
    URL = "url"
    BUNDLE = "bundle"


class PageId(enum.IntEnum):
    """Stable page numbers; QWizard uses them as its page ids."""

    START = 0
    JIRA = 1
    SERVICE_ACCOUNT = 2
    METHOD = 3
    OAUTH2 = 4
    OAUTH1_ATLASSIAN_PRODUCT = 5
    OAUTH1_GENERIC = 6
    BASIC = 7
    PAT = 8
    VALIDATE = 9
    EXPORT = 10
    DIAGNOSTICS = 11
    IMPORT = 12


METHOD_PAGES: dict[MethodId, PageId] = {
    MethodId.OAUTH2: PageId.OAUTH2,
    MethodId.OAUTH1_ATLASSIAN_PRODUCT: PageId.OAUTH1_ATLASSIAN_PRODUCT,
    MethodId.OAUTH1_GENERIC: PageId.OAUTH1_GENERIC,
    MethodId.BASIC: PageId.BASIC,
    MethodId.PAT: PageId.PAT,
}
ALL_PAGES = frozenset(PageId)
_UNDECIDED = frozenset({PageId.JIRA, PageId.METHOD})
"""Pages whose successor depends on what they collect (the Jira version, the method)."""
_DESTINATIONS = {Intent.SETUP: PageId.VALIDATE, Intent.DIAGNOSE: PageId.DIAGNOSTICS, Intent.IMPORT: PageId.IMPORT}


class FlowError(ValueError):
    """A step the flow does not allow: an unavailable method, or Next before the page has what it needs."""


@dataclass
class FlowState:
    """What the pages have collected that decides the path; secrets and widgets stay out of it."""

    intent: Intent = Intent.SETUP
    diagnose_source: DiagnoseSource = DiagnoseSource.URL
    facts: ServerFacts | None = None
    method: MethodId | None = None
    diagnose_link: bool = False
    """Import or Validate asked to open the Diagnostics page for the link at hand instead of going on."""

    def snapshot(self) -> FlowState:
        return copy.deepcopy(self)


def method_available(state: FlowState, method_id: MethodId) -> bool:
    return state.facts is not None and state.facts.version in CATALOGUE[method_id].applies


def reachable_method_pages(state: FlowState) -> frozenset[PageId]:
    """The method pages the Method page may lead to on the detected Jira version."""
    return frozenset(page for method_id, page in METHOD_PAGES.items() if method_available(state, method_id))


def choose_method(state: FlowState, method_id: MethodId) -> None:
    """Records the method; refuses one this Jira version lacks, so the Method page cannot lead there."""
    if state.facts is None:
        raise FlowError("check the Jira address first: the method depends on the Jira version")
    if not method_available(state, method_id):
        entry = CATALOGUE[method_id]
        raise FlowError(f"{entry.title} {entry.applies.requirement()}; this instance is {state.facts.version}")
    state.method = method_id


def next_page(page: PageId, state: FlowState) -> PageId | None:
    """The page after `page`, or None when `page` is the last of its path (or lacks what decides it)."""
    match page:
        case PageId.START:
            if state.intent is Intent.IMPORT:
                return PageId.IMPORT
            if state.intent is Intent.DIAGNOSE:
                return PageId.DIAGNOSTICS
            return PageId.JIRA
        case PageId.JIRA:
            return None if state.facts is None else PageId.SERVICE_ACCOUNT
        case PageId.SERVICE_ACCOUNT:
            return PageId.METHOD
        case PageId.METHOD:
            if state.method is None or not method_available(state, state.method):
                return None
            return METHOD_PAGES[state.method]
        case PageId.IMPORT:
            return PageId.DIAGNOSTICS if state.diagnose_link else PageId.VALIDATE
        case PageId.VALIDATE:
            return PageId.DIAGNOSTICS if state.diagnose_link else PageId.EXPORT
        case PageId.EXPORT | PageId.DIAGNOSTICS:
            return None
    return PageId.VALIDATE  # every method page


class WizardFlow:
    """The flow with a history: `advance` to go on, `back` to return with the earlier state restored."""

    def __init__(self, state: FlowState | None = None, pages: frozenset[PageId] = ALL_PAGES) -> None:
        if PageId.START not in pages:
            raise ValueError("a wizard needs its Start page")
        self.state = state or FlowState()
        self.pages = pages
        self._history: list[tuple[PageId, FlowState]] = [(PageId.START, self.state.snapshot())]

    @property
    def current(self) -> PageId:
        return self._history[-1][0]

    @property
    def history(self) -> list[PageId]:
        return [page for page, _ in self._history]

    def next_id(self, page: PageId | None = None) -> PageId | None:
        """Where Next leads from `page` (default: the current one); None when nothing this wizard has follows."""
        following = next_page(self.current if page is None else page, self.state)
        return following if following in self.pages else None

    def finishes_here(self, page: PageId | None = None) -> bool:
        """Whether `page` ends its path (Finish), rather than waiting for input that decides the way on (Next)."""
        page = self.current if page is None else page
        if self.next_id(page) is not None:
            return False
        return not (page in _UNDECIDED and next_page(page, self.state) is None)

    def offers(self, intent: Intent) -> bool:
        """Whether the pages this wizard has can serve `intent` at all (Start shows only those)."""
        return _DESTINATIONS[intent] in self.pages

    def advance(self) -> PageId:
        following = self.next_id()
        if following is None:
            raise FlowError(f"nothing follows {self.current.name} with what has been collected so far")
        self.state.diagnose_link = False
        self._history.append((following, self.state.snapshot()))
        return following

    def back(self) -> PageId:
        if len(self._history) == 1:
            raise FlowError("the Start page has nothing before it")
        _, entered_with = self._history.pop()
        self.state = entered_with
        return self.current
