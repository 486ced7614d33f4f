"""Admin-assisted creation: the administrator's credentials, the exact request(s) to be sent, and Send.

The plan is shown before anything is sent (with secrets redacted by `PlannedRequest.describe`), so "create it
for me" is never a black box; the admin's password is used for this one request and kept nowhere.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from assistant.gui.widgets.basics import buddy, named, wrapped


class AdminPanel(QWidget):
    sendRequested = Signal()
    changed = Signal()

    def __init__(self, prefix: str, send_text: str) -> None:
        super().__init__()
        self.setObjectName(f"{prefix}AdminPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            wrapped(
                "The assistant sends the request below with a Jira administrator's credentials, then reads back "
                "what Jira stored. The password is used for this request only and is not saved."
            )
        )
        self.user = named(QLineEdit(), f"{prefix}AdminUser", "Administrator username")
        self.password = named(QLineEdit(), f"{prefix}AdminPassword", "Administrator password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(buddy("Ad&ministrator:", self.user), self.user)
        form.addRow(buddy("Administrator pass&word:", self.password), self.password)
        layout.addLayout(form)
        self.plan = named(QPlainTextEdit(), f"{prefix}AdminPlan", "Request to be sent")
        self.plan.setReadOnly(True)
        self.plan.setTabChangesFocus(True)
        self.plan.setFixedHeight(self.plan.fontMetrics().lineSpacing() * 9 + 12)
        layout.addWidget(self.plan)
        self.send = named(QPushButton(send_text), f"{prefix}AdminSend", send_text.replace("&", ""))
        row = QHBoxLayout()
        row.addWidget(self.send)
        row.addStretch(1)
        layout.addLayout(row)
        self.send.clicked.connect(self.sendRequested)
        self.user.textChanged.connect(self._changed)
        self.password.textChanged.connect(self._changed)
        self._changed()

    def credentials(self) -> tuple[str, str]:
        return self.user.text().strip(), self.password.text()

    def set_plan(self, text: str) -> None:
        self.plan.setPlainText(text)
        self._changed()

    def ready(self) -> bool:
        user, password = self.credentials()
        return bool(user and password and self.plan.toPlainText())

    def _changed(self) -> None:
        self.send.setEnabled(self.ready())
        self.changed.emit()
