"""What the five method pages share: a manual-or-assisted choice, the click-path, and the finished connection."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton

from assistant.core.click_paths import MissingValues, click_path
from assistant.core.connection import Connection
from assistant.core.methods import CATALOGUE, MethodId
from assistant.gui import jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.widgets.admin_panel import AdminPanel
from assistant.gui.widgets.basics import named, wrapped
from assistant.gui.widgets.click_path import ClickPathView

if TYPE_CHECKING:
    from assistant.gui.widgets.authorize import AuthorizePanel

_NAMES = {
    "app_url": "the application URL",
    "public_key": "the key pair",
    "consumer_key": "the consumer key",
    "consumer_name": "the consumer name",
    "redirect_url": "the redirect URL",
}


def when(timestamp: float | None) -> str:
    if timestamp is None:
        return "never expires"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


class MethodFlowPage(FlowPage):
    """A method page: shows the click-path for the detected version, and hands a finished connection on."""

    method_id: MethodId

    def __init__(self, context: WizardContext, subtitle: str) -> None:
        super().__init__(context, CATALOGUE[self.method_id].title, subtitle)
        self.steps = ClickPathView(f"{self.help_topic}ClickPath")
        self.steps_hint = wrapped(object_name=f"{self.help_topic}ClickPathHint")
        self.connection: Connection | None = None

    def heading(self, text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 8, 0, 0)
        return label

    def mode_choice(self, manual: str, assisted: str) -> tuple[QRadioButton, QRadioButton]:
        """The manual click-path (the default, which always works) or having the assistant do it."""
        group = QButtonGroup(self)
        by_hand = named(QRadioButton(manual), f"{self.help_topic}Manual", manual.replace("&", ""))
        for_me = named(QRadioButton(assisted), f"{self.help_topic}Assisted", assisted.replace("&", ""))
        group.addButton(by_hand)
        group.addButton(for_me)
        by_hand.setChecked(True)
        return by_hand, for_me

    def link_creation(self, manual: str, assisted: str, prefix: str) -> tuple[QRadioButton, QRadioButton, AdminPanel]:
        """The choice between the click-path and admin-assisted creation, the steps, and the admin's panel."""
        by_hand, for_me = self.mode_choice(manual, assisted)
        panel = AdminPanel(prefix, "Create the &link in Jira")
        for widget in (by_hand, for_me, self.steps_hint, self.steps, panel):
            self.body.addWidget(widget)
        return by_hand, for_me, panel

    def show_steps(self, **extra: str) -> None:
        facts = self.ctx.flow.state.facts
        assert facts is not None
        try:
            known = {key: value for key, value in extra.items() if value}
            steps = click_path(self.method_id, facts.version, self.ctx.click_values(**known))
        except MissingValues as exc:
            self.steps.set_steps([])
            missing = ", ".join(_NAMES.get(name, name) for name in sorted(exc.missing))
            self.steps_hint.setText(f"The steps in Jira appear here once these are known: {missing}.")
            self.steps_hint.show()
            return
        self.steps_hint.hide()
        self.steps.set_steps(steps)

    def set_connection(self, connection: Connection | None) -> None:
        self.connection = connection
        self.set_valid(connection is not None)

    def validatePage(self) -> bool:
        if self.connection is None:
            return False
        self.ctx.collected.connection = self.connection
        return True

    def cleanupPage(self) -> None:
        super().cleanupPage()
        self.ctx.collected.connection = None


class AuthorizingPage(MethodFlowPage):
    """What both OAuth pages do with an authorization under way: wait, cancel, take a paste, forget it.

    Subclasses set `authorize` (the authorize widget) and `authorization` (the dance in progress, or None) and
    define `_authorized(result)`.
    """

    stopped_message = ""
    exchanging_message = ""
    authorize: AuthorizePanel
    authorization: jobs.Authorization | None

    def wire_authorization(self) -> None:
        """Connects the authorize panel's Authorize, Cancel and paste to this page's handlers."""
        self.authorize.authorizeRequested.connect(self._authorize)
        self.authorize.cancelRequested.connect(self._cancel_authorization)
        self.authorize.pasteSubmitted.connect(self._pasted)

    def _authorize(self) -> None:
        raise TypeError(f"{type(self).__name__} must say how an authorization starts")

    def _authorized(self, result: Any) -> None:
        raise TypeError(f"{type(self).__name__} must say what an authorization yields")

    def _cancel_authorization(self) -> None:
        self.cancel_work()
        if self.authorization is not None:
            self.authorization.dance.close()
        self.authorize.set_waiting(False, self.authorize.url, self.stopped_message)

    def _pasted(self, text: str) -> None:
        authorization = self.authorization
        if authorization is None:
            return
        self.run(
            self.exchanging_message,
            lambda cancel, report: jobs.finish_with_pasted(authorization, text),
            self._authorized,
        )

    def failed(self, error: BaseException) -> None:
        self.authorize.set_waiting(False, self.authorize.url, "")

    def _forget_authorization(self) -> None:
        if self.authorization is not None:
            self.cancel_work()
            self.authorization.close()
            self.authorization = None
            self.authorize.set_waiting(False, "", "")

    def cleanupPage(self) -> None:
        self._forget_authorization()
        super().cleanupPage()

    def shutdown(self) -> None:
        self._forget_authorization()
        super().shutdown()
