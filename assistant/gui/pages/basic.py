"""Basic authentication: the service account's username and password, checked with one live call.

A CAPTCHA lock or a Jira that blocks basic authentication is explained here, on this page, with what to do:
those are this method's failures, not the validation's.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPushButton

from assistant.core.flow import PageId
from assistant.core.methods import MethodId
from assistant.gui import jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.method_common import MethodFlowPage
from assistant.gui.widgets.basics import buddy, named, wrapped


class BasicPage(MethodFlowPage):
    page_id = PageId.BASIC
    help_topic = "basic"
    method_id = MethodId.BASIC

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "The connector sends the service account's username and password with every request. Legacy: the "
            "password travels with each call, and a CAPTCHA after failed logins locks the connector out.",
        )
        self.body.addWidget(self.heading("In Jira"))
        self.body.addWidget(self.steps_hint)
        self.body.addWidget(self.steps)
        self.body.addWidget(self.heading("The service account's credentials"))
        self.username = named(QLineEdit(), "basicUsername", "Username")
        self.password = named(QLineEdit(), "basicPassword", "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(buddy("&Username:", self.username), self.username)
        form.addRow(buddy("Pass&word:", self.password), self.password)
        self.body.addLayout(form)
        self.check = named(QPushButton("Check &sign-in"), "basicCheck", "Check sign-in")
        row = QHBoxLayout()
        row.addWidget(self.check)
        row.addStretch(1)
        self.body.addLayout(row)
        self.result = wrapped(object_name="basicResult")
        self.body.addWidget(self.result)
        self.body.addStretch(1)
        self.check.clicked.connect(self._check)
        self.password.returnPressed.connect(self._check)
        self.username.textChanged.connect(self._changed)
        self.password.textChanged.connect(self._changed)

    def initializePage(self) -> None:
        self.show_steps()
        if not self.username.text():
            self.username.setText(self.ctx.collected.username)
        self.password.setFocus()
        self._changed()

    def _changed(self) -> None:
        self.result.clear()
        self.problem.clear()
        self.set_connection(None)
        self.check.setEnabled(bool(self.username.text().strip() and self.password.text()) and not self.busy)

    def busy_changed(self, busy: bool) -> None:
        self.check.setEnabled(not busy and bool(self.password.text()))

    def _check(self) -> None:
        if not self.check.isEnabled():
            return
        self.ctx.collected.username = self.username.text().strip()
        connection = self.ctx.connection(MethodId.BASIC).with_secrets(password=self.password.text())
        target, open_session = self.ctx.require_target(), self.ctx.services.open_session
        self.run(
            f"Signing in to Jira as {connection.username} …",
            lambda cancel, report: (connection, jobs.check_sign_in(open_session, target, connection)),
            self._signed_in,
        )

    def _signed_in(self, outcome: tuple[object, str]) -> None:
        connection, identity = outcome
        self.result.setText(f"Jira accepted the password: calls run as {identity}.")
        self.set_connection(connection)  # type: ignore[arg-type]
