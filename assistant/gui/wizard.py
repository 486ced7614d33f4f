"""The wizard window: a QWizard whose every "what comes next" is asked of the Qt-free flow.

QWizard keeps its own history for Back; the flow's history is kept in step with it (`currentIdChanged`), so
Back restores the flow state exactly as the earlier page left it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget, QWizard

from assistant.core.flow import PageId, WizardFlow
from assistant.core.methods import MethodId
from assistant.gui.help import HelpDialog
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.pages.basic import BasicPage
from assistant.gui.pages.jira import JiraPage
from assistant.gui.pages.method import MethodPage
from assistant.gui.pages.oauth1 import OAuth1Page
from assistant.gui.pages.oauth2 import OAuth2Page
from assistant.gui.pages.pat import PatPage
from assistant.gui.pages.service_account import ServiceAccountPage
from assistant.gui.pages.start import StartPage
from assistant.gui.pages.validate import ValidatePage
from assistant.gui.worker import wait_for_jobs

PAGES = frozenset(
    {
        PageId.START,
        PageId.JIRA,
        PageId.SERVICE_ACCOUNT,
        PageId.METHOD,
        PageId.OAUTH2,
        PageId.OAUTH1_ATLASSIAN_PRODUCT,
        PageId.OAUTH1_GENERIC,
        PageId.BASIC,
        PageId.PAT,
        PageId.VALIDATE,
    }
)
_BUTTONS = {
    QWizard.WizardButton.BackButton: ("wizardBack", "Back"),
    QWizard.WizardButton.NextButton: ("wizardNext", "Next"),
    QWizard.WizardButton.FinishButton: ("wizardFinish", "Finish"),
    QWizard.WizardButton.CancelButton: ("wizardCancel", "Cancel"),
    QWizard.WizardButton.HelpButton: ("wizardHelp", "Help"),
}


class LinkWizard(QWizard):
    def __init__(self, context: WizardContext | None = None, parent: QWidget | None = None) -> None:
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
        for page in (
            StartPage(self.ctx),
            JiraPage(self.ctx),
            ServiceAccountPage(self.ctx),
            MethodPage(self.ctx),
            OAuth2Page(self.ctx),
            OAuth1Page(self.ctx, MethodId.OAUTH1_ATLASSIAN_PRODUCT),
            OAuth1Page(self.ctx, MethodId.OAUTH1_GENERIC),
            BasicPage(self.ctx),
            PatPage(self.ctx),
            ValidatePage(self.ctx),
        ):
            self.setPage(int(page.page_id), page)
            self.flow_pages[page.page_id] = page
        self.setStartId(int(PageId.START))
        for button, (object_name, accessible) in _BUTTONS.items():
            widget = self.button(button)
            widget.setObjectName(object_name)
            widget.setAccessibleName(accessible)
        self.help = HelpDialog(self)
        self.helpRequested.connect(self.show_help)
        self.currentIdChanged.connect(self._follow)
        self.resize(860, 700)

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
