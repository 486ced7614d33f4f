"""Diagnostics: every layer from the URL to a real write, as a live list, for a support engineer or an admin.

From Start it examines what the form describes (a URL with optional credentials, or a bundle); from Import or
Validate it examines the link at hand. Results arrive one by one on the worker's progress signal; Cancel skips
what has not run. The finished report can be saved as HTML, Markdown or JSON, or copied as a redacted summary —
it is redacted when built, so neither holds a secret.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QPushButton

from assistant.core.flow import Intent, PageId
from assistant.gui import diagnose_jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.pages.diagnose_form import DiagnoseForm
from assistant.gui.widgets.basics import buddy, named, wrapped
from assistant.gui.widgets.check_tree import CheckTree
from assistant.gui.widgets.problem import ProblemView
from assistant.gui.worker import Report as Progress

if TYPE_CHECKING:
    from assistant.diagnostics.model import CheckResult, Report

_OUTCOMES = {
    "pass": "Every check passed.",
    "warn": "Every check passed, with warnings worth reading.",
    "fail": "A check failed: the first failure names the lowest broken layer.",
}


class DiagnosticsPage(FlowPage):
    page_id = PageId.DIAGNOSTICS
    help_topic = "diagnostics"

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "Diagnose the link",
            "Checks every layer in order (address, network, TLS, Jira, clock, credentials, identity, permissions) "
            "and explains the first one that fails.",
        )
        self.report: Report | None = None
        self.form = DiagnoseForm(context.prefill.base_url, context.prefill.ca_file)
        self.body.addWidget(self.form)
        self.subject_line = wrapped(object_name="diagnosticsSubject")
        self.body.addWidget(self.subject_line)
        self.run_button = named(QPushButton("&Run the diagnosis"), "diagnosticsRun", "Run the diagnosis")
        self.cancel = named(QPushButton("Ca&ncel"), "diagnosticsCancel", "Cancel the diagnosis")
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.cancel)
        row.addStretch(1)
        self.body.addLayout(row)
        self.checks = CheckTree("diagnosticsChecks")
        self.body.addWidget(self.checks, 1)
        self.outcome = wrapped(object_name="diagnosticsOutcome")
        self.body.addWidget(self.outcome)
        self.finding = ProblemView("diagnosticsFinding")
        self.body.addWidget(self.finding)
        self._lay_out_report()
        self.run_button.clicked.connect(self._run)
        self.cancel.clicked.connect(self._cancel)
        self.form.changed.connect(self._refresh)
        self.worker.progressed.connect(self._landed)
        self._refresh()

    def _lay_out_report(self) -> None:
        self.format = named(QComboBox(), "diagnosticsReportFormat", "Report format")
        for key, (label, _) in diagnose_jobs.REPORT_FORMATS.items():
            self.format.addItem(label, key)
        self.save_report = named(QPushButton("Sa&ve report…"), "diagnosticsSaveReport", "Save the report")
        self.copy_summary = named(
            QPushButton("&Copy redacted summary"),
            "diagnosticsCopySummary",
            "Copy redacted summary",
            "A few lines for a ticket: the outcome, the finding, the remedy and every check; no secrets.",
        )
        row = QHBoxLayout()
        row.addWidget(buddy("Report &format:", self.format))
        row.addWidget(self.format)
        row.addWidget(self.save_report)
        row.addWidget(self.copy_summary)
        row.addStretch(1)
        self.body.addLayout(row)
        self.saved = wrapped(object_name="diagnosticsSaved")
        self.body.addWidget(self.saved)
        self.save_report.clicked.connect(self._save)
        self.copy_summary.clicked.connect(self._copy)

    # State ------------------------------------------------------------------------------------------------

    def from_start(self) -> bool:
        return self.ctx.flow.state.intent is Intent.DIAGNOSE

    def initializePage(self) -> None:
        self.form.setVisible(self.from_start())
        self._reset()
        connection = self.ctx.collected.connection
        if not self.from_start() and connection is not None:
            self.subject_line.setText(f"Diagnosing {connection.name!r}: {connection.base_url} ({connection.method}).")
        else:
            self.subject_line.clear()
        self.set_valid(True)  # the last page: Finish is always possible
        self._refresh()
        self.run_button.setFocus()

    def _reset(self) -> None:
        self.report = None
        self.checks.clear_results()
        self.outcome.clear()
        self.finding.clear()
        self.saved.clear()

    def _refresh(self) -> None:
        idle = not self.busy
        ready = self.form.ready() if self.from_start() else self.ctx.collected.connection is not None
        self.run_button.setEnabled(idle and ready)
        self.cancel.setEnabled(self.busy)
        self.save_report.setEnabled(idle and self.report is not None)
        self.copy_summary.setEnabled(self.report is not None)

    def busy_changed(self, busy: bool) -> None:
        self._refresh()

    # Running ----------------------------------------------------------------------------------------------

    def _run(self) -> None:
        self._reset()
        ctx, permissions = self.ctx, self.ctx.profile.project_permissions
        if self.from_start():
            ctx.flow.state.diagnose_source = self.form.source()
            typed = self.form.typed()
            bundle, passphrase = self.form.bundle.text().strip(), self.form.passphrase.text()
            by_bundle = self.form.by_bundle.isChecked()

            def subject() -> diagnose_jobs.Subject:
                if by_bundle:
                    return diagnose_jobs.from_bundle(bundle, passphrase, ctx.secret_store())
                return diagnose_jobs.from_typed(typed)

        else:
            connection = ctx.collected.connection
            if connection is None:
                return
            link = diagnose_jobs.from_link(connection, "the link at hand")

            def subject() -> diagnose_jobs.Subject:
                return link

        def job(cancel: threading.Event, report: Progress) -> Report:
            return diagnose_jobs.run(subject(), permissions, cancel, report)

        self.run("Running the checks …", job, self._finished)
        self._refresh()

    def _landed(self, result: CheckResult) -> None:
        self.checks.add(result)
        if result.status == "fail" and not self.finding.isVisible() and result.code:
            self.finding.show_finding(result.code, result.detail, result.remedy)

    def _finished(self, report: Report) -> None:
        self.report = report
        self.outcome.setText(_OUTCOMES[report.outcome])
        first = report.first_failure
        if first is None:
            warning = next((check for check in report.checks if check.status == "warn" and check.code), None)
            if warning is not None and warning.code:
                self.finding.show_finding(warning.code, warning.detail, warning.remedy, severity="warning")
        elif not first.code:
            self.finding.show_message("error", first.title, first.detail)
        self._refresh()

    def _cancel(self) -> None:
        self.cancel_work()
        self.outcome.setText("Cancelled: the checks that had not run yet were skipped; no report was made.")
        self._refresh()

    # The report -------------------------------------------------------------------------------------------

    def _save(self) -> None:
        report = self.report
        if report is None:
            return
        fmt = str(self.format.currentData())
        label, suffix = diagnose_jobs.REPORT_FORMATS[fmt]
        default = str(Path.home() / f"jira-diagnosis.{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, "Save the report", default, f"{label} (*.{suffix})")
        if not path:
            return
        target = Path(path)
        self.run(
            "Saving the report …",
            lambda cancel, progress: diagnose_jobs.save_report(report, fmt, target),
            lambda written: self.saved.setText(f"Report saved to {written}."),
        )

    def _copy(self) -> None:
        if self.report is None:
            return
        QGuiApplication.clipboard().setText(diagnose_jobs.render(self.report, "summary"))
        self.copy_summary.setText("&Copied the redacted summary")
