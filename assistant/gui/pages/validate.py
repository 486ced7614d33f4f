"""Validate: the live chain the connector's own calls would take, as a checklist filling in row by row.

Only a proven link is saved: secrets go to the secret store (the page says where), settings to the user's
config directory. A failure shows its finding code, cause and remedy, and nothing is stored; "Open diagnostics"
then examines the same link layer by layer. The project chooser lists what the link's account can browse, read
on a worker of its own so a slow list never holds up (or is mistaken for) the checks.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWizard

from assistant.core import saved
from assistant.core.connection import Connection
from assistant.core.flow import PageId
from assistant.gui import jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.widgets.basics import buddy, named, wrapped
from assistant.gui.widgets.checklist import Checklist
from assistant.gui.worker import Report, Worker
from assistant.jira.validation import StepResult

DEFAULT_NAME = "jira-link"


class ValidatePage(FlowPage):
    page_id = PageId.VALIDATE
    help_topic = "validate"

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "Prove the link",
            "Live calls as the connector will make them. The link is saved only when they pass.",
        )
        self.project = named(QComboBox(), "validateProject", "Project key")
        self.project.setEditable(True)
        self.project.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        if context.prefill.project_key:
            self.project.addItem(context.prefill.project_key)
        project_edit = self.project.lineEdit()
        if project_edit is not None:
            project_edit.setPlaceholderText("e.g. DEMO (the project the connector works in)")
        self.write_test = named(
            QCheckBox("Also prove &writing: create, comment on, transition and delete a test issue"),
            "validateWriteTest",
            "Write test",
        )
        self.name = named(QLineEdit(DEFAULT_NAME), "connectionName", "Connection name")
        self.name_problem = wrapped(object_name="connectionNameProblem")
        self.name_problem.hide()
        form = QFormLayout()
        form.addRow(buddy("&Project:", self.project), self.project)
        form.addRow("", self.write_test)
        form.addRow(buddy("Save &as:", self.name), self.name)
        form.addRow("", self.name_problem)
        self.body.addLayout(form)
        self.run_button = named(QPushButton("&Run the checks"), "validateRun", "Run the checks")
        self.cancel = named(QPushButton("Ca&ncel"), "validateCancel", "Cancel the checks")
        self.diagnose = named(
            QPushButton("Open &diagnostics"),
            "validateDiagnose",
            "Open diagnostics",
            "Examine this link layer by layer, from the address to the permissions, with the evidence.",
        )
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.cancel)
        row.addWidget(self.diagnose)
        row.addStretch(1)
        self.body.addLayout(row)
        self.checklist = Checklist("validateChecklist")
        self.body.addWidget(self.checklist)
        self.saved = wrapped(object_name="validateSaved")
        self.body.addWidget(self.saved)
        self.body.addStretch(1)

        self.run_button.clicked.connect(self._run)
        self.cancel.clicked.connect(self._cancel)
        self.name.textChanged.connect(self._options_changed)
        self.project.currentTextChanged.connect(self._options_changed)
        self.write_test.toggled.connect(self._options_changed)
        self.worker.progressed.connect(self._step)
        self.diagnose.clicked.connect(self._diagnose)
        self._proving: Connection | None = None
        self.project_list = Worker(self)
        self.project_list.succeeded.connect(self._projects_listed)
        self.project_list.failed.connect(self._projects_failed)
        self._refresh_buttons()

    def initializePage(self) -> None:
        if self.ctx.collected.saved_name:
            self.name.setText(self.ctx.collected.saved_name)  # an imported link keeps its name
        self._options_changed()
        self._list_projects()
        self.run_button.setFocus()

    def _list_projects(self) -> None:
        connection, target = self.ctx.collected.connection, self.ctx.collected.target
        if connection is None or target is None:
            return
        open_session = self.ctx.services.open_session
        self.project_list.run(lambda cancel, report: jobs.projects(open_session, target, connection))

    def _projects_listed(self, projects: list[tuple[str, str]]) -> None:
        typed = self.project.currentText()
        settled = self.busy or self.isComplete()  # a run has used the typed key: leave it exactly as it is
        self.project.blockSignals(True)
        self.project.clear()
        for key, name in projects:
            self.project.addItem(key)
            self.project.setItemData(self.project.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
        self.project.setCurrentText(typed if typed or settled else (projects[0][0] if projects else ""))
        self.project.blockSignals(False)
        self.project.setAccessibleDescription(f"{len(projects)} project(s) the account can browse")
        if self.project.currentText() != typed:
            self._options_changed()

    def _projects_failed(self, error: BaseException) -> None:
        edit = self.project.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("type the project key (the list could not be read)")

    def cleanupPage(self) -> None:
        super().cleanupPage()
        self.project_list.cancel()

    def shutdown(self) -> None:
        super().shutdown()
        self.project_list.cancel()

    def _diagnose(self) -> None:
        connection = self.ctx.collected.connection
        if connection is None:
            return
        project = self.project.currentText().strip().upper() or None
        self.ctx.collected.connection = replace(connection, project_key=project)
        self.ctx.flow.state.diagnose_link = True
        wizard = self.wizard()
        if isinstance(wizard, QWizard):
            wizard.next()

    def _options_changed(self) -> None:
        """Other options make an earlier proof (and save) describe something else."""
        problem = ""
        try:
            saved.check_name(self.name.text().strip())
        except saved.SavedConnectionError as exc:
            problem = str(exc)
        self.name_problem.setText(problem)
        self.name_problem.setVisible(bool(problem))
        self.saved.clear()
        self.checklist.clear()
        self.problem.clear()
        self.ctx.collected.validation = None
        self.set_valid(False)
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        self.run_button.setEnabled(not self.busy and not self.name_problem.text())
        self.cancel.setEnabled(self.busy)
        self.diagnose.setEnabled(not self.busy and self.ctx.collected.connection is not None)

    def busy_changed(self, busy: bool) -> None:
        self._refresh_buttons()

    def _run(self) -> None:
        connection = self.ctx.collected.connection
        if connection is None:
            return
        project = self.project.currentText().strip().upper() or None
        connection = replace(connection, name=self.name.text().strip(), project_key=project)
        self.checklist.clear()
        self.saved.clear()
        self._proving = connection
        services, target, store = self.ctx.services, self.ctx.require_target(), self.ctx.secret_store
        permissions, write_test = self.ctx.profile.project_permissions, self.write_test.isChecked()

        def job(cancel: threading.Event, report: Report) -> jobs.Saved:
            return jobs.validate_and_save(
                services.open_session,
                store,
                target,
                connection,
                permissions,
                write_test=write_test,
                on_step=report,
                cancel=cancel,
            )

        self.run("Running the checks …", job, self._done)

    def _cancel(self) -> None:
        self.cancel_work()
        self.saved.setText("Cancelled: nothing was stored.")

    def _step(self, step: StepResult) -> None:
        detail = step.detail
        if step.warnings:
            detail += " " + " ".join(f"[{w.code}] {w.remedy}" for w in step.warnings)
        self.checklist.add(step.id, step.status, step.title, detail, step.duration_ms)

    def _done(self, outcome: jobs.Saved) -> None:
        failure = outcome.result.first_failure
        if failure is not None and failure.problem is not None:
            self.problem.show_problem(failure.problem)
            self.saved.setText("The link does not work yet: nothing was stored.")
            return
        if self._proving is not None:
            self.ctx.collected.connection = self._proving
            self.ctx.collected.saved_name = self._proving.name
        self.ctx.collected.validation = outcome.result
        text = f"The link works. Settings saved to {outcome.path}. Secrets: {outcome.store_location}."
        if not outcome.persistent:
            text += " They are gone when this program ends unless you export an encrypted bundle."
        self.saved.setText(text)
        self.set_valid(True)
