"""The wizard window: a QWizard whose every "what comes next" is asked of the Qt-free flow.

QWizard keeps its own history for Back; the flow's history is kept in step with it (`currentIdChanged`), so
Back restores the flow state exactly as the earlier page left it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget, QWizard

from assistant.core.flow import PageId, WizardFlow
from assistant.core.methods import MethodId
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.pages.start import StartPage
from assistant.gui.worker import Report, wait_for_jobs

if TYPE_CHECKING:
    from assistant.gui.help import HelpDialog

PAGES = frozenset(PageId)
PRELOAD_DELAY_MS = 150
_BUTTONS = {
    QWizard.WizardButton.BackButton: ("wizardBack", "Back"),
    QWizard.WizardButton.NextButton: ("wizardNext", "Next"),
    QWizard.WizardButton.FinishButton: ("wizardFinish", "Finish"),
    QWizard.WizardButton.CancelButton: ("wizardCancel", "Cancel"),
    QWizard.WizardButton.HelpButton: ("wizardHelp", "Help"),
}


def _later_pages(ctx: WizardContext) -> list[FlowPage]:
    """Every page after Start. Their modules import the engine (requests, cryptography, jsonschema, oauthlib),
    which is what start-up must not wait for."""
    from assistant.gui.pages.basic import BasicPage
    from assistant.gui.pages.diagnostics import DiagnosticsPage
    from assistant.gui.pages.export import ExportPage
    from assistant.gui.pages.import_bundle import ImportPage
    from assistant.gui.pages.jira import JiraPage
    from assistant.gui.pages.method import MethodPage
    from assistant.gui.pages.oauth1 import OAuth1Page
    from assistant.gui.pages.oauth2 import OAuth2Page
    from assistant.gui.pages.pat import PatPage
    from assistant.gui.pages.service_account import ServiceAccountPage
    from assistant.gui.pages.validate import ValidatePage

    return [
        JiraPage(ctx),
        ServiceAccountPage(ctx),
        MethodPage(ctx),
        OAuth2Page(ctx),
        OAuth1Page(ctx, MethodId.OAUTH1_ATLASSIAN_PRODUCT),
        OAuth1Page(ctx, MethodId.OAUTH1_GENERIC),
        BasicPage(ctx),
        PatPage(ctx),
        ValidatePage(ctx),
        ExportPage(ctx),
        DiagnosticsPage(ctx),
        ImportPage(ctx),
    ]


def _preload(cancel: object, report: Report) -> None:
    """Imports, on a pool thread, what the later pages and their first actions need."""
    import importlib

    from assistant.core.profiles import default_profile

    for module in (
        "basic",
        "diagnostics",
        "export",
        "import_bundle",
        "jira",
        "method",
        "oauth1",
        "oauth2",
        "pat",
        "service_account",
        "validate",
    ):
        importlib.import_module(f"assistant.gui.pages.{module}")
    default_profile()


class LinkWizard(QWizard):
    """`deferred=True` (the application) shows Start at once and adds the other pages when a worker has imported
    their modules; Start's Next waits for that. Tests build every page at once."""

    def __init__(
        self, context: WizardContext | None = None, parent: QWidget | None = None, *, deferred: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linkWizard")
        self.setWindowTitle("Jira Link Assistant")
        self.setAccessibleName("Jira Link Assistant")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.HaveHelpButton, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.ctx = context or WizardContext()
        self.ctx.flow = WizardFlow(self.ctx.flow.state, pages=PAGES)
        self.flow_pages: dict[PageId, FlowPage] = {}
        start = StartPage(self.ctx)
        self._add(start)
        self.setStartId(int(PageId.START))
        if deferred:
            # Importing on a pool thread still takes turns on the GIL with this one: begin once the window is up.
            start.waiting_for_pages = True
            QTimer.singleShot(PRELOAD_DELAY_MS, lambda: start.run("Getting ready…", _preload, self._later_pages_ready))
        else:
            self._add_later_pages()
        for button, (object_name, accessible) in _BUTTONS.items():
            widget = self.button(button)
            widget.setObjectName(object_name)
            widget.setAccessibleName(accessible)
        self._help: HelpDialog | None = None
        self.helpRequested.connect(self.show_help)
        self.currentIdChanged.connect(self._follow)
        self.resize(860, 700)

    def _add(self, page: FlowPage) -> None:
        self.setPage(int(page.page_id), page)
        self.flow_pages[page.page_id] = page

    def _add_later_pages(self) -> None:
        for page in _later_pages(self.ctx):
            self._add(page)

    def _later_pages_ready(self, _: object) -> None:
        self._add_later_pages()
        start = self.flow_pages[PageId.START]
        assert isinstance(start, StartPage)
        start.waiting_for_pages = False
        start.completeChanged.emit()

    @property
    def flow(self) -> WizardFlow:
        return self.ctx.flow

    def nextId(self) -> int:
        # Asked for the page being shown, which QWizard switches to before it reports the change.
        current = PageId(self.currentId())
        following = self.flow.next_id(current)
        if following is not None:
            return int(following)
        # Before the Jira check or the method choice the way on is merely undecided: the page is incomplete,
        # so Next stays disabled, but it must read Next rather than Finish.
        return -1 if self.flow.finishes_here(current) else int(current)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # F1 reaches the wizard from whichever control has the focus, as no control uses it itself.
        if event.key() == Qt.Key.Key_F1:
            self.show_help()
            return
        super().keyPressEvent(event)

    def page_for(self, page_id: PageId) -> FlowPage:
        return self.flow_pages[page_id]

    def show_help(self) -> None:
        page = self.currentPage()
        if isinstance(page, FlowPage):
            self.help.show_topic(page.help_topic)

    @property
    def help(self) -> HelpDialog:
        """Made on first use (F1): start-up pays for nothing the first page does not show."""
        if self._help is None:
            from assistant.gui.help import HelpDialog

            self._help = HelpDialog(self)
        return self._help

    def _follow(self, page_id: int) -> None:
        if page_id < 0 or page_id == self.flow.current:
            return
        history = self.flow.history
        if len(history) >= 2 and page_id == history[-2]:
            self.flow.back()
        else:
            self.flow.advance()

    def shutdown(self) -> None:
        """Cancels every page's work and lets the pool drain, so no job outlives the pages it reports to."""
        for page in self.flow_pages.values():
            page.shutdown()
        wait_for_jobs()

    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)
