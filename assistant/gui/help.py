"""F1 help: each page's text from `assistant/resources/help/<topic>.md`, shown beside the wizard.

Help lives in resource files so writers can change it without touching code, and so the same text can be
published in the user guide.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from assistant.gui.widgets.basics import named

_PACKAGE = "assistant.resources"


def help_text(topic: str) -> str:
    """The Markdown help of one page; a missing file is a packaging bug, named rather than hidden."""
    resource = resources.files(_PACKAGE).joinpath("help", f"{topic}.md")
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        return f"# Help\n\nThe help text for this page ({topic}.md) is missing from this installation."


class HelpDialog(QDialog):
    """Non-modal, so the user can read the help while working on the page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle("Help")
        self.resize(520, 560)
        layout = QVBoxLayout(self)
        self.browser = named(QTextBrowser(), "helpText", "Help text")
        self.browser.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            named(close, "helpClose", "Close help")
        buttons.rejected.connect(self.close)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def show_topic(self, topic: str) -> None:
        self.browser.setMarkdown(help_text(topic))
        self.show()
        self.raise_()
        self.activateWindow()
