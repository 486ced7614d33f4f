"""Start: what the user came to do. Only the intents this wizard has pages for are offered."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QRadioButton

from assistant.core.flow import Intent, PageId
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.widgets.basics import named, wrapped

_CHOICES = (
    (Intent.SETUP, "&Set up a new link", "Connect an application to Jira: from the Jira address to a proven link."),
    (Intent.DIAGNOSE, "&Diagnose an existing link", "Find out, layer by layer, why a link fails."),
    (Intent.IMPORT, "&Import a connector bundle", "Take over a link someone exported, and prove it still works."),
)


class StartPage(FlowPage):
    page_id = PageId.START
    help_topic = "start"

    waiting_for_pages = False
    """True while the wizard's later pages are still being loaded (the application defers them)."""

    def isComplete(self) -> bool:
        return super().isComplete() and not self.waiting_for_pages

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "Welcome",
            "Jira Link Assistant takes you from a Jira address to a working, proven link for an external "
            "application, and explains every step in Jira.",
        )
        self.group = QButtonGroup(self)
        self.radios: dict[Intent, QRadioButton] = {}
        for intent, text, description in _CHOICES:
            if not context.flow.offers(intent):
                continue
            radio = named(QRadioButton(text), f"intent_{intent.value}", text.replace("&", ""), description)
            self.group.addButton(radio)
            self.radios[intent] = radio
            self.body.addWidget(radio)
            hint = wrapped(description)
            hint.setIndent(24)
            self.body.addWidget(hint)
        self.group.buttonToggled.connect(self._changed)
        if context.prefill.note:
            note = wrapped(context.prefill.note, "sandboxNote")
            note.setAccessibleName("About the built-in sandbox")
            self.body.addSpacing(12)
            self.body.addWidget(note)
        self.body.addStretch(1)
        self.radios[Intent.SETUP].setChecked(True)

    def initializePage(self) -> None:
        self.radios[self.ctx.flow.state.intent].setChecked(True)

    def _changed(self) -> None:
        for intent, radio in self.radios.items():
            if radio.isChecked():
                self.ctx.flow.state.intent = intent
        self.set_valid(any(radio.isChecked() for radio in self.radios.values()))
