"""Jira: where Jira is, and what it says about itself (version, deployment, the base URL it believes in).

"Check" reads serverInfo on the worker. A certificate this machine does not trust gets a one-click way to trust
the company's CA file; there is deliberately no way to switch certificate checks off.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from assistant.core.flow import PageId
from assistant.core.versions import ServerFacts
from assistant.gui import jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.widgets.basics import buddy, named, wrapped
from assistant.gui.widgets.problem import ProblemView
from assistant.jira.problems import JiraProblem
from assistant.jira.session import Target

_TLS_TRUST_CODES = ("TLS_UNTRUSTED", "TLS_EXPIRED", "TLS_HOSTNAME_MISMATCH")
CA_FILTER = "CA certificates (*.pem *.crt *.cer);;All files (*)"


class JiraPage(FlowPage):
    page_id = PageId.JIRA
    help_topic = "jira"

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "Where is Jira?",
            "Enter the address people use to open Jira. The assistant reads what Jira says about itself; "
            "nothing is changed in Jira.",
        )
        self.url = named(QLineEdit(context.prefill.base_url), "jiraUrl", "Jira base URL")
        self.url.setPlaceholderText("https://jira.example.com")
        self.ca_file = named(
            QLineEdit(context.prefill.ca_file),
            "caFile",
            "CA file",
            "A company CA certificate (PEM) to trust besides this system's; leave empty if not needed.",
        )
        self.ca_file.setPlaceholderText("optional: the company CA certificate (PEM)")
        self.browse = named(QPushButton("&Browse…"), "caFileBrowse", "Choose a CA file")
        self.proxy = named(QLineEdit(), "proxy", "Proxy URL", "Leave empty to use this system's proxy settings.")
        self.proxy.setPlaceholderText("optional: http://proxy.example.com:3128")
        self.check = named(QPushButton("&Check"), "checkJira", "Check the Jira address")
        self.check.setDefault(False)
        self.trust = named(
            QPushButton("&Trust a CA file…"),
            "trustCaFile",
            "Trust a CA file",
            "Choose the CA certificate that issued Jira's certificate, then check again.",
        )
        self.trust.hide()
        self._lay_out_form()
        self._lay_out_facts()
        self._connect()

    def _lay_out_form(self) -> None:
        ca_row = QWidget()
        ca_layout = QHBoxLayout(ca_row)
        ca_layout.setContentsMargins(0, 0, 0, 0)
        ca_layout.addWidget(self.ca_file, 1)
        ca_layout.addWidget(self.browse)
        form = QFormLayout()
        form.addRow(buddy("Jira base &URL:", self.url), self.url)
        form.addRow(buddy("C&A file:", self.ca_file), ca_row)
        form.addRow(buddy("&Proxy:", self.proxy), self.proxy)
        self.body.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check)
        buttons.addWidget(self.trust)
        buttons.addStretch(1)
        self.body.addLayout(buttons)

    def _lay_out_facts(self) -> None:
        self.facts_view = QWidget()
        self.facts_view.setObjectName("jiraFacts")
        facts_form = QFormLayout(self.facts_view)
        self.version = wrapped(object_name="jiraVersion")
        self.deployment = wrapped(object_name="jiraDeployment")
        self.title_label = wrapped(object_name="jiraTitle")
        self.advertised = wrapped(object_name="jiraAdvertisedUrl")
        facts_form.addRow("Version:", self.version)
        facts_form.addRow("Deployment:", self.deployment)
        facts_form.addRow("Title:", self.title_label)
        facts_form.addRow("Base URL Jira advertises:", self.advertised)
        self.facts_view.hide()
        self.body.addWidget(self.facts_view)
        self.mismatch = ProblemView("baseUrlWarning")
        self.body.addWidget(self.mismatch)
        self.body.addStretch(1)

    def _connect(self) -> None:
        self.check.clicked.connect(self.start_check)
        self.url.returnPressed.connect(self.start_check)
        self.browse.clicked.connect(self._browse)
        self.trust.clicked.connect(self._trust_ca_file)
        for field in (self.url, self.ca_file, self.proxy):
            field.textEdited.connect(self._edited)
        self.setTabOrder(self.url, self.ca_file)
        self.setTabOrder(self.ca_file, self.browse)
        self.setTabOrder(self.browse, self.proxy)
        self.setTabOrder(self.proxy, self.check)
        self.setTabOrder(self.check, self.trust)

    def initializePage(self) -> None:
        self.url.setFocus()
        self.set_valid(self.ctx.flow.state.facts is not None)

    def _edited(self) -> None:
        """What was checked no longer describes what is typed: check again before going on."""
        self.ctx.flow.state.facts = None
        self.ctx.collected.target = None
        self.facts_view.hide()
        self.mismatch.clear()
        self.set_valid(False)

    def start_check(self) -> None:
        self._edited()
        self.trust.hide()
        try:
            target = jobs.make_target(self.url.text(), self.ca_file.text(), self.proxy.text())
        except JiraProblem as problem:
            self.problem.show_problem(problem)
            return
        open_session = self.ctx.services.open_session
        self.run(
            f"Reading {target.url('/rest/api/2/serverInfo')} …",
            lambda cancel, report: (target, jobs.read_facts(open_session, target)),
            self._checked,
        )

    def _checked(self, outcome: tuple[Target, ServerFacts]) -> None:
        target, facts = outcome
        self.ctx.collected.target = target
        self.ctx.flow.state.facts = facts
        self.version.setText(str(facts.version))
        self.deployment.setText("Data Center" if facts.deployment == "DataCenter" else facts.deployment)
        self.title_label.setText(facts.title)
        self.advertised.setText(facts.base_url)
        self.facts_view.show()
        typed = self.ctx.require_target().base_url
        if facts.base_url.rstrip("/") != typed:
            warning = JiraProblem(
                "JIRA_BASE_URL_MISMATCH",
                f"Jira believes its base URL is {facts.base_url}, but you entered {typed}. OAuth signatures and "
                "redirects are built on Jira's own base URL.",
            )
            self.mismatch.show_problem(warning, severity="warning")
        self.set_valid(True)

    def failed(self, error: BaseException) -> None:
        self.trust.setVisible(isinstance(error, JiraProblem) and error.code in _TLS_TRUST_CODES)

    def busy_changed(self, busy: bool) -> None:
        self.check.setEnabled(not busy)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the CA certificate", self.ca_file.text(), CA_FILTER)
        if path:
            self.ca_file.setText(path)
            self._edited()

    def _trust_ca_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the CA certificate", "", CA_FILTER)
        if path:
            self.ca_file.setText(path)
            self.start_check()
