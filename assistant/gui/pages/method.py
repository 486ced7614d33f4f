"""Method: the five ways to authenticate, judged for the detected Jira version by `core.methods.assess`.

The recommended one is marked and preselected; legacy ones carry their deprecation warning and how to migrate
to OAuth 2.0; ones this Jira lacks are shown disabled with the reason, so nobody wonders where they went.
"""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton

from assistant.core.flow import FlowError, PageId, choose_method
from assistant.core.methods import CATALOGUE, MethodId, assess
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.widgets.basics import named, wrapped

_MNEMONICS = {
    MethodId.OAUTH2: "OAuth &2.0",
    MethodId.OAUTH1_ATLASSIAN_PRODUCT: "OAuth 1.0a (&Atlassian product link)",
    MethodId.OAUTH1_GENERIC: "OAuth 1.0a (&Generic Application link)",
    MethodId.PAT: "&Personal access token",
    MethodId.BASIC: "&Basic authentication",
}


class MethodPage(FlowPage):
    page_id = PageId.METHOD
    help_topic = "method"

    def __init__(self, context: WizardContext) -> None:
        super().__init__(context, "How will the connector sign in?", "")
        self.group = QButtonGroup(self)
        self.radios: dict[MethodId, QRadioButton] = {}
        self.reasons: dict[MethodId, QLabel] = {}
        self.migrations: dict[MethodId, QLabel] = {}
        for method_id in CATALOGUE:
            radio = named(QRadioButton(_MNEMONICS[method_id]), f"method_{method_id.value}", CATALOGUE[method_id].title)
            reason = wrapped(object_name=f"method_{method_id.value}_reason")
            reason.setIndent(24)
            migration = wrapped(object_name=f"method_{method_id.value}_migration")
            migration.setIndent(24)
            self.group.addButton(radio)
            self.radios[method_id] = radio
            self.reasons[method_id] = reason
            self.migrations[method_id] = migration
            for widget in (radio, reason, migration):
                self.body.addWidget(widget)
            self.body.addSpacing(6)
        self.body.addStretch(1)
        self.group.buttonToggled.connect(self._changed)

    def initializePage(self) -> None:
        state = self.ctx.flow.state
        assert state.facts is not None
        self.setSubTitle(
            f"What Jira {state.facts.version} offers, best first. Every method ends with the same live check."
        )
        chosen = state.method
        self.group.setExclusive(False)
        for radio in self.radios.values():
            radio.setChecked(False)
        self.group.setExclusive(True)
        for item in assess(state.facts):
            entry = CATALOGUE[item.method]
            radio = self.radios[item.method]
            text = _MNEMONICS[item.method] + ("  — recommended" if item.recommended else "")
            radio.setText(text + ("" if item.available else "  — not available"))
            radio.setEnabled(item.available)
            font = radio.font()
            font.setBold(item.recommended)
            radio.setFont(font)
            summary = entry.summary if item.available else ""
            self.reasons[item.method].setText(" ".join(p for p in (summary, item.reason) if p))
            migration = entry.deprecation.migration if entry.deprecation and item.available else ""
            self.migrations[item.method].setText(migration)
            self.migrations[item.method].setVisible(bool(migration))
            radio.setAccessibleDescription(self.reasons[item.method].text())
            if chosen is None and item.recommended:
                chosen = item.method
        if chosen is not None and self.radios[chosen].isEnabled():
            self.radios[chosen].setChecked(True)
            self.radios[chosen].setFocus()
        self._changed()

    def _changed(self) -> None:
        state = self.ctx.flow.state
        picked = next((m for m, radio in self.radios.items() if radio.isChecked() and radio.isEnabled()), None)
        state.method = None
        if picked is not None and state.facts is not None:
            try:
                choose_method(state, picked)
            except FlowError as exc:
                self.problem.show_message("error", "This method is not available", str(exc))
        self.set_valid(state.method is not None)
