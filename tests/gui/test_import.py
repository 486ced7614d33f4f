"""Import of a connector bundle through the wizard, then proving it (with the project chooser) or diagnosing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from assistant.bundle import build_bundle, dump_bundle, write_bundle
from assistant.core import saved
from assistant.core.connection import Connection
from assistant.core.flow import PageId
from assistant.core.profiles import default_profile
from assistant.gui.pages.diagnostics import DiagnosticsPage
from assistant.gui.wizard import LinkWizard
from assistant.sandbox import Sandbox
from tests.gui.driving import WAIT_MS, child, choose_intent, click, make_wizard, next_page, type_into, wait_idle

PASSPHRASE = "import me, please"


def _sealed_bundle(sandbox: Sandbox, folder: Path) -> Path:
    connection = Connection(
        base_url=sandbox.base_url,
        method="basic",
        name="from-bundle",
        ca_file=str(sandbox.ca_cert),
        username=sandbox.service_account.username,
        profile_id=default_profile().id,
    ).with_secrets(password=sandbox.service_account.password)
    path = folder / "from-bundle.bundle.json"
    write_bundle(
        path, dump_bundle(build_bundle(connection, default_profile(), None, "encrypted", PASSPHRASE)), "encrypted"
    )
    return path


def _import(qtbot: QtBot, start_sandbox: Any, tmp_path: Path) -> tuple[Sandbox, LinkWizard, Any]:
    sandbox = start_sandbox()
    path = _sealed_bundle(sandbox, tmp_path)
    wizard, _ = make_wizard(qtbot, sandbox)
    page = choose_intent(qtbot, wizard, "import", PageId.IMPORT)
    type_into(qtbot, child(page, QLineEdit, "importPath"), str(path))
    click(qtbot, child(page, QAbstractButton, "importOpen"))
    wait_idle(qtbot, page)
    assert "type it above" in child(page, QLabel, "importStatus").text()
    assert not child(page, QAbstractButton, "importRun").isEnabled()
    type_into(qtbot, child(page, QLineEdit, "importPassphrase"), "not the passphrase")
    click(qtbot, child(page, QAbstractButton, "importOpen"))
    wait_idle(qtbot, page)
    assert page.problem.isVisible()
    assert "cannot be opened" in page.problem.heading.text()
    type_into(qtbot, child(page, QLineEdit, "importPassphrase"), PASSPHRASE)
    click(qtbot, child(page, QAbstractButton, "importOpen"))
    wait_idle(qtbot, page)
    assert "seal opens" in child(page, QLabel, "importStatus").text()
    preview = child(page, QPlainTextEdit, "importPreview").toPlainText()
    assert sandbox.base_url in preview
    assert sandbox.service_account.password not in preview
    assert child(page, QLineEdit, "importName").text() == "from-bundle"
    assert not page.isComplete()
    click(qtbot, child(page, QAbstractButton, "importRun"))
    wait_idle(qtbot, page)
    assert page.isComplete(), page.problem.detail.text()
    assert "Imported 'from-bundle'" in child(page, QLabel, "importResult").text()
    assert saved.load("from-bundle").base_url == sandbox.base_url
    return sandbox, wizard, page


def test_import_then_prove_with_the_project_chooser_filled_from_jira(
    qtbot: QtBot, start_sandbox: Any, tmp_path: Path
) -> None:
    sandbox, wizard, _ = _import(qtbot, start_sandbox, tmp_path)
    checks = next_page(qtbot, wizard, PageId.VALIDATE)
    combo = child(checks, QComboBox, "validateProject")
    qtbot.waitUntil(lambda: combo.count() > 0, timeout=WAIT_MS)
    keys = [combo.itemText(index) for index in range(combo.count())]
    assert sandbox.project_key in keys
    assert combo.currentText() == keys[0]
    combo.setCurrentIndex(keys.index(sandbox.project_key))
    assert child(checks, QLineEdit, "connectionName").text() == "from-bundle"
    click(qtbot, child(checks, QAbstractButton, "validateRun"))
    wait_idle(qtbot, checks)
    assert checks.isComplete(), checks.problem.detail.text()
    assert all(row.status == "pass" for row in checks.checklist.rows.values())


def test_import_then_diagnose(qtbot: QtBot, start_sandbox: Any, tmp_path: Path) -> None:
    _sandbox, wizard, page = _import(qtbot, start_sandbox, tmp_path)
    click(qtbot, child(page, QAbstractButton, "importDiagnose"))
    assert wizard.currentId() == PageId.DIAGNOSTICS
    diagnostics = wizard.page_for(PageId.DIAGNOSTICS)
    assert isinstance(diagnostics, DiagnosticsPage)
    click(qtbot, child(diagnostics, QAbstractButton, "diagnosticsRun"))
    wait_idle(qtbot, diagnostics)
    statuses = {result.id: result.status for result in diagnostics.checks.results}
    assert statuses["auth"] == "pass"
    assert statuses["identity"] in ("pass", "warn")
    assert diagnostics.report is not None
    assert diagnostics.report.outcome != "fail"
