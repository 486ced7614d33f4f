"""The authorize step shared by the OAuth pages: open the browser, wait (with Cancel), or paste the answer.

The panel only shows state and raises signals; the page runs the dance on its worker.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from assistant.gui.widgets.basics import buddy, named, wrapped


class AuthorizePanel(QWidget):
    authorizeRequested = Signal()
    cancelRequested = Signal()
    pasteSubmitted = Signal(str)

    def __init__(self, prefix: str, paste_label: str, paste_hint: str) -> None:
        super().__init__()
        self.setObjectName(f"{prefix}AuthorizePanel")
        self.url = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        self.authorize = named(
            QPushButton("A&uthorize in the browser"),
            f"{prefix}Authorize",
            "Authorize in the browser",
            "Opens Jira's consent page; sign in there as the service account and click Allow.",
        )
        self.copy_url = named(
            QPushButton("Copy authori&zation URL"), f"{prefix}CopyAuthorizationUrl", "Copy authorization URL"
        )
        self.cancel = named(QPushButton("Ca&ncel waiting"), f"{prefix}CancelAuthorization", "Cancel waiting")
        for button in (self.authorize, self.copy_url, self.cancel):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = wrapped(object_name=f"{prefix}AuthorizationStatus")
        layout.addWidget(self.status)
        self.paste = named(QLineEdit(), f"{prefix}Pasted", paste_label.replace("&", ""), paste_hint)
        self.paste.setPlaceholderText(paste_hint)
        self.use_paste = named(QPushButton("Use &pasted"), f"{prefix}UsePasted", "Use what was pasted")
        paste_row = QHBoxLayout()
        paste_row.addWidget(buddy(f"{paste_label}:", self.paste))
        paste_row.addWidget(self.paste, 1)
        paste_row.addWidget(self.use_paste)
        layout.addLayout(paste_row)
        self.result = QLabel()
        self.result.setObjectName(f"{prefix}AuthorizationResult")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)

        self.authorize.clicked.connect(self.authorizeRequested)
        self.cancel.clicked.connect(self.cancelRequested)
        self.copy_url.clicked.connect(self._copy_url)
        self.use_paste.clicked.connect(self._submit)
        self.paste.returnPressed.connect(self._submit)
        self.paste.textChanged.connect(self._refresh)
        self.set_waiting(False, "")

    def set_waiting(self, waiting: bool, url: str, message: str = "") -> None:
        """Waiting: the browser has the URL and the receiver listens; Cancel and paste are the ways out."""
        self.url = url
        self.cancel.setEnabled(waiting)
        self.copy_url.setEnabled(bool(url))
        self.status.setText(message)
        self.status.setVisible(bool(message))
        self._refresh()

    def set_enabled(self, enabled: bool) -> None:
        self.authorize.setEnabled(enabled)

    def set_result(self, text: str) -> None:
        self.result.setText(text)

    def _refresh(self) -> None:
        self.use_paste.setEnabled(bool(self.url and self.paste.text().strip()))

    def _copy_url(self) -> None:
        QGuiApplication.clipboard().setText(self.url)
        self.copy_url.setText("Copied authori&zation URL")

    def _submit(self) -> None:
        if self.use_paste.isEnabled():
            self.pasteSubmitted.emit(self.paste.text().strip())
