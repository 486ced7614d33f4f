"""Personal access token: pasted from the service account's profile, or created here as that account.

Jira answers a request with a bad token as anonymous instead of refusing it, so a token is accepted only after
a call shows it runs as a real user.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QWidget

from assistant.core.flow import PageId
from assistant.core.methods import MethodId
from assistant.gui import jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.method_common import MethodFlowPage, when
from assistant.gui.widgets.basics import buddy, named, wrapped
from assistant.jira import admin

MAX_TOKEN_NAME = 40


class PatPage(MethodFlowPage):
    page_id = PageId.PAT
    help_topic = "pat"
    method_id = MethodId.PAT

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "A token the service account creates in its own profile; the connector sends it as a Bearer token. "
            "Legacy: a token acts as its creator and may never expire.",
        )
        self.expires_at: float | None = None
        self.paste_mode, self.create_mode = self.mode_choice(
            "&Paste a token the service account created", "&Create one now as the service account"
        )
        self.body.addWidget(self.paste_mode)
        self.body.addWidget(self.create_mode)

        self.body.addWidget(self.steps_hint)
        self.body.addWidget(self.steps)

        self.create_box = QWidget()
        self.create_box.setObjectName("patCreateBox")
        create_form = QFormLayout(self.create_box)
        create_form.setContentsMargins(0, 0, 0, 0)
        self.account_password = named(QLineEdit(), "patAccountPassword", "Service account password")
        self.account_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.days = named(QSpinBox(), "patExpiryDays", "Expiry in days", "0 means the token never expires.")
        self.days.setRange(0, 365)
        self.days.setValue(365)
        self.days.setSpecialValueText("never expires")
        self.plan = named(QPlainTextEdit(), "patPlan", "Request to be sent")
        self.plan.setReadOnly(True)
        self.plan.setTabChangesFocus(True)
        self.plan.setFixedHeight(self.plan.fontMetrics().lineSpacing() * 6 + 12)
        self.create_button = named(QPushButton("C&reate the token"), "patCreate", "Create the token")
        create_form.addRow(
            wrapped(
                "The assistant signs in as the service account (its password is used for this request only) "
                "and asks Jira for a token, so the token acts as that account and not as you."
            )
        )
        create_form.addRow(buddy("Service account pass&word:", self.account_password), self.account_password)
        create_form.addRow(buddy("E&xpiry (days):", self.days), self.days)
        create_form.addRow(self.plan)
        create_row = QHBoxLayout()
        create_row.addWidget(self.create_button)
        create_row.addStretch(1)
        create_form.addRow(create_row)
        self.body.addWidget(self.create_box)

        self.body.addWidget(self.heading("The token"))
        self.token = named(QLineEdit(), "patToken", "Personal access token")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.check = named(QPushButton("Check the &token"), "patCheck", "Check the token")
        token_row = QHBoxLayout()
        token_row.addWidget(buddy("T&oken:", self.token))
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.check)
        self.body.addLayout(token_row)
        self.result = wrapped(object_name="patResult")
        self.body.addWidget(self.result)
        self.body.addStretch(1)

        self.paste_mode.toggled.connect(self._mode_changed)
        self.days.valueChanged.connect(self._plan_changed)
        self.account_password.textChanged.connect(self._refresh_buttons)
        self.token.textChanged.connect(self._token_changed)
        self.token.returnPressed.connect(self._check)
        self.check.clicked.connect(self._check)
        self.create_button.clicked.connect(self._create)

    def initializePage(self) -> None:
        self.show_steps()
        self._mode_changed()
        self._plan_changed()
        self._token_changed()

    def _mode_changed(self) -> None:
        pasting = self.paste_mode.isChecked()
        self.steps.setVisible(pasting)
        self.steps_hint.setVisible(pasting and not self.steps.fields)
        self.create_box.setVisible(not pasting)
        self._refresh_buttons()

    def _planned(self) -> admin.PlannedRequest:
        days = self.days.value() or None
        name = self.ctx.profile.link_name[:MAX_TOKEN_NAME]
        return admin.plan_personal_token(self.ctx.require_target().base_url, name, days)

    def _plan_changed(self) -> None:
        self.plan.setPlainText(self._planned().describe())

    def _token_changed(self) -> None:
        self.expires_at = None
        self.problem.clear()
        self.result.clear()
        self.set_connection(None)
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        idle = not self.busy
        self.check.setEnabled(idle and bool(self.token.text().strip()))
        self.create_button.setEnabled(idle and bool(self.account_password.text()))

    def busy_changed(self, busy: bool) -> None:
        self._refresh_buttons()

    def _create(self) -> None:
        plan, password = self._planned(), self.account_password.text()
        user, target = self.ctx.collected.username, self.ctx.require_target()
        open_session = self.ctx.services.open_session
        self.run(
            f"Creating a token as {user} …",
            lambda cancel, report: jobs.as_admin(
                open_session, target, user, password, lambda session: admin.create_personal_token(session, plan)
            ),
            self._created,
        )

    def _created(self, token: admin.PersonalToken) -> None:
        self.account_password.clear()
        self.token.setText(token.token)
        self.expires_at = token.expires_at
        self._check()

    def _check(self) -> None:
        if not self.check.isEnabled():
            return
        connection = self.ctx.connection(MethodId.PAT, pat_expires_at=self.expires_at).with_secrets(
            pat=self.token.text().strip()
        )
        target, open_session = self.ctx.require_target(), self.ctx.services.open_session
        self.run(
            "Checking that Jira runs the token as a real user …",
            lambda cancel, report: (connection, jobs.check_sign_in(open_session, target, connection)),
            self._checked,
        )

    def _checked(self, outcome: tuple[object, str]) -> None:
        connection, identity = outcome
        expiry = "It never expires." if self.expires_at is None else f"It expires {when(self.expires_at)}."
        if self.paste_mode.isChecked():
            expiry = "Its expiry is shown in the service account's profile › Personal Access Tokens."
        self.result.setText(f"Jira runs the token as {identity}. {expiry}")
        self.set_connection(connection)  # type: ignore[arg-type]
