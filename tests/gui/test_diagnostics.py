"""The Diagnostics view against faulty HTTPS sandboxes: rows filling in, the finding, reports without secrets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QComboBox, QFileDialog, QLabel, QLineEdit, QTreeWidget
from pytestqt.qtbot import QtBot

from assistant.core.flow import PageId
from assistant.gui.pages.diagnostics import DiagnosticsPage
from assistant.gui.widgets.problem import ProblemView
from assistant.gui.wizard import LinkWizard
from assistant.sandbox import Sandbox
from tests.gui.driving import (
    WAIT_MS,
    child,
    choose_intent,
    click,
    make_wizard,
    prove_basic,
    type_into,
    wait_idle,
)


def _diagnose_url(qtbot: QtBot, sandbox: Sandbox, auth: str = "basic") -> tuple[LinkWizard, DiagnosticsPage]:
    wizard, _ = make_wizard(qtbot, sandbox)
    page: DiagnosticsPage = choose_intent(qtbot, wizard, "diagnose", PageId.DIAGNOSTICS)
    run = child(page, QAbstractButton, "diagnosticsRun")
    type_into(qtbot, child(page, QLineEdit, "diagnoseUrl"), sandbox.base_url)
    type_into(qtbot, child(page, QLineEdit, "diagnoseCaFile"), str(sandbox.ca_cert))
    if auth:
        combo = child(page, QComboBox, "diagnoseAuth")
        combo.setCurrentIndex(combo.findData(auth))
        type_into(qtbot, child(page, QLineEdit, "diagnoseUsername"), sandbox.service_account.username)
        assert not run.isEnabled()  # the password is still missing
        type_into(qtbot, child(page, QLineEdit, "diagnoseSecret"), sandbox.service_account.password)
    click(qtbot, run)
    wait_idle(qtbot, page)
    return wizard, page  # the caller keeps the window alive


def _statuses(page: DiagnosticsPage) -> dict[str, str]:
    return {result.id: result.status for result in page.checks.results}


def test_a_captcha_lock_is_found_at_the_auth_layer_and_reports_hold_no_secret(
    qtbot: QtBot, start_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = start_sandbox(faults=["captcha"])
    _wizard, page = _diagnose_url(qtbot, sandbox)
    statuses = _statuses(page)
    assert list(statuses)[:4] == ["url", "dns", "tcp", "tls"]
    assert statuses["tls"] == "pass"
    assert statuses["auth"] == "fail"
    assert statuses["permissions"] == "skip"
    tree = child(page, QTreeWidget, "diagnosticsChecks")
    assert tree.topLevelItemCount() == len(statuses)
    auth_row = page.checks.row_for("auth")
    assert auth_row is not None
    assert auth_row.isExpanded()
    assert auth_row.childCount() >= 1
    finding = child(page, ProblemView, "diagnosticsFinding")
    assert finding.isVisible()
    assert finding.code == "AUTH_CAPTCHA"
    assert finding.remedy.text().startswith("What to do: ")
    assert "failed" in child(page, QLabel, "diagnosticsOutcome").text()

    password = sandbox.service_account.password
    for fmt, suffix in (("html", "html"), ("markdown", "md"), ("json", "json")):
        path = tmp_path / f"report.{suffix}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, p=path, **kwargs: (str(p), ""))
        combo = child(page, QComboBox, "diagnosticsReportFormat")
        combo.setCurrentIndex(combo.findData(fmt))
        click(qtbot, child(page, QAbstractButton, "diagnosticsSaveReport"))
        wait_idle(qtbot, page)
        text = path.read_text(encoding="utf-8")
        assert "AUTH_CAPTCHA" in text
        assert password not in text
    assert json.loads((tmp_path / "report.json").read_text())["first_failure"]["code"] == "AUTH_CAPTCHA"
    assert str(tmp_path / "report.json") in child(page, QLabel, "diagnosticsSaved").text()
    click(qtbot, child(page, QAbstractButton, "diagnosticsCopySummary"))
    summary = QGuiApplication.clipboard().text()
    assert "AUTH_CAPTCHA" in summary
    assert password not in summary


def test_maintenance_is_found_at_the_jira_layer_without_credentials(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox(faults=["maintenance"])
    _wizard, page = _diagnose_url(qtbot, sandbox, auth="")
    statuses = _statuses(page)
    failed = [check for check, status in statuses.items() if status == "fail"]
    assert failed
    assert failed[0] in ("http", "jira")
    finding = child(page, ProblemView, "diagnosticsFinding")
    assert finding.isVisible()
    assert finding.code
    assert all(status == "skip" for check, status in statuses.items() if check in ("auth", "identity"))


def test_cancel_stops_waiting_and_makes_no_report(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox(faults=["slow"], slow_seconds=3.0)
    wizard, _ = make_wizard(qtbot, sandbox)
    page: DiagnosticsPage = choose_intent(qtbot, wizard, "diagnose", PageId.DIAGNOSTICS)
    type_into(qtbot, child(page, QLineEdit, "diagnoseUrl"), sandbox.base_url)
    type_into(qtbot, child(page, QLineEdit, "diagnoseCaFile"), str(sandbox.ca_cert))
    click(qtbot, child(page, QAbstractButton, "diagnosticsRun"))
    qtbot.waitUntil(lambda: page.checks.topLevelItemCount() >= 1, timeout=WAIT_MS)  # rows land one by one
    click(qtbot, child(page, QAbstractButton, "diagnosticsCancel"))
    assert not page.busy
    assert "Cancelled" in child(page, QLabel, "diagnosticsOutcome").text()
    assert not child(page, QAbstractButton, "diagnosticsSaveReport").isEnabled()
    assert child(page, QAbstractButton, "diagnosticsRun").isEnabled()


def test_open_diagnostics_from_a_failed_validation_examines_that_link(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox(faults=["no-permissions"])
    wizard, _ = make_wizard(qtbot, sandbox)
    checks = prove_basic(qtbot, wizard, sandbox)
    assert checks.problem.code == "PERMISSION_MISSING"
    click(qtbot, child(checks, QAbstractButton, "validateDiagnose"))
    assert wizard.currentId() == PageId.DIAGNOSTICS
    page = wizard.page_for(PageId.DIAGNOSTICS)
    assert isinstance(page, DiagnosticsPage)
    assert not child(page, QLineEdit, "diagnoseUrl").isVisible()  # the link at hand, no form
    assert sandbox.base_url in child(page, QLabel, "diagnosticsSubject").text()
    click(qtbot, child(page, QAbstractButton, "diagnosticsRun"))
    wait_idle(qtbot, page)
    assert _statuses(page)["auth"] == "pass"
    assert _statuses(page)["permissions"] == "fail"
    assert child(page, ProblemView, "diagnosticsFinding").code == "PERMISSION_MISSING"
    # Back returns to Validate, whose Next leads on to Export again.
    click(qtbot, wizard.button(wizard.WizardButton.BackButton))
    assert wizard.currentId() == PageId.VALIDATE
    assert wizard.flow.next_id() is PageId.EXPORT
