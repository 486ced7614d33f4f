"""Service account: the Jira account the connector will act as, and why it should be a dedicated one."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit

from assistant.core.flow import PageId
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.widgets.basics import buddy, named, wrapped


class ServiceAccountPage(FlowPage):
    page_id = PageId.SERVICE_ACCOUNT
    help_topic = "service_account"

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "The service account",
            "The connector acts in Jira as one account. Everything it does is done, and shown, as that account.",
        )
        profile = context.profile
        account = profile.service_account
        self.body.addWidget(
            wrapped(
                f"Use a dedicated account such as “{account.name}” ({account.display_name}), not a person's "
                "account and not an administrator: it keeps working when people leave, its actions are easy to "
                "tell apart in issue histories, and a leaked credential can do no more than this account may."
            )
        )
        permissions = ", ".join(profile.project_permissions)
        self.body.addWidget(
            wrapped(
                f"For {profile.display_name}, the account needs these permissions in each project it works in "
                f"(grant them through the project's permission scheme, e.g. via a group): {permissions}."
            )
        )
        self.username = named(QLineEdit(account.name), "serviceAccount", "Service account username")
        form = QFormLayout()
        form.addRow(buddy("Service account &username:", self.username), self.username)
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.username.textChanged.connect(self._changed)
        self._changed()

    def initializePage(self) -> None:
        self.username.setFocus()
        self._changed()

    def _changed(self) -> None:
        self.ctx.collected.username = self.username.text().strip()
        self.set_valid(bool(self.ctx.collected.username))
