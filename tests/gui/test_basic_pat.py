"""Basic and PAT end to end through the real wizard against an HTTPS sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QLineEdit, QSpinBox, QWizard
from pytestqt.qtbot import QtBot

from assistant.core.flow import PageId
from assistant.gui.widgets.checklist import Checklist
from assistant.gui.widgets.problem import ProblemView
from assistant.gui.wizard import LinkWizard
from tests.gui.driving import child, click, make_wizard, to_method_page, type_into, validate, wait_idle


def test_basic_proves_the_link_with_a_write_round_trip(qtbot: QtBot, start_sandbox: Any, tmp_path: Path) -> None:
    sandbox = start_sandbox()
    wizard, _ = make_wizard(qtbot, sandbox)
    basic = to_method_page(qtbot, wizard, sandbox, "basic")
    assert child(basic, QLineEdit, "basicUsername").text() == sandbox.service_account.username
    assert child(basic, QAbstractButton, "basicCheck").isEnabled() is False
    assert not basic.isComplete()
    type_into(qtbot, child(basic, QLineEdit, "basicPassword"), sandbox.service_account.password)
    click(qtbot, child(basic, QAbstractButton, "basicCheck"))
    qtbot.waitUntil(basic.isComplete, timeout=20000)
    assert "jira-link-bot" in child(basic, QLineEdit, "basicUsername").text()

    checks = validate(qtbot, wizard, sandbox.project_key, write_test=True)
    checklist = child(checks, Checklist, "validateChecklist")
    assert list(checklist.rows) == ["server", "identity", "permissions", "create", "comment", "transition", "cleanup"]
    assert all(row.status == "pass" for row in checklist.rows.values())
    assert checks.isComplete()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # on to Export
    saved_file = tmp_path / "config" / "connections" / "jira-link.json"
    settings = json.loads(saved_file.read_text())
    assert settings["method"] == "basic"
    assert settings["project_key"] == sandbox.project_key
    assert sandbox.service_account.password not in saved_file.read_text()
    assert "kept in memory for this session only" in checks.saved.text()


def _basic_failure(qtbot: QtBot, start_sandbox: Any, fault: str) -> tuple[LinkWizard, ProblemView]:
    sandbox = start_sandbox(faults=[fault])
    wizard, _ = make_wizard(qtbot, sandbox)
    basic = to_method_page(qtbot, wizard, sandbox, "basic")
    type_into(qtbot, child(basic, QLineEdit, "basicPassword"), sandbox.service_account.password)
    click(qtbot, child(basic, QAbstractButton, "basicCheck"))
    wait_idle(qtbot, basic)
    assert not basic.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    return wizard, child(basic, ProblemView, "basicProblem")


def test_basic_explains_a_captcha_lock_on_its_own_page(qtbot: QtBot, start_sandbox: Any) -> None:
    _wizard, problem = _basic_failure(qtbot, start_sandbox, "captcha")
    assert problem.isVisible()
    assert problem.code == "AUTH_CAPTCHA"
    assert "CAPTCHA" in problem.heading.text()
    assert problem.remedy.text().startswith("What to do:")


def test_basic_explains_that_jira_blocks_basic_authentication(qtbot: QtBot, start_sandbox: Any) -> None:
    _wizard, problem = _basic_failure(qtbot, start_sandbox, "basic-disabled")
    assert problem.code == "AUTH_BASIC_DISABLED"
    assert problem.isVisible()
    assert problem.heading.text().startswith("AUTH_BASIC_DISABLED: ")


def test_pat_paste_refuses_a_token_jira_runs_as_anonymous(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox()
    wizard, _ = make_wizard(qtbot, sandbox)
    pat = to_method_page(qtbot, wizard, sandbox, "pat")
    assert "Token name" in pat.steps.fields
    token = child(pat, QLineEdit, "patToken")
    type_into(qtbot, token, "a-token-jira-never-issued")
    click(qtbot, child(pat, QAbstractButton, "patCheck"))
    wait_idle(qtbot, pat)
    assert child(pat, ProblemView, "patProblem").code == "AUTH_TOKEN_INVALID"
    assert not pat.isComplete()

    type_into(qtbot, token, sandbox.service_account.pat)
    click(qtbot, child(pat, QAbstractButton, "patCheck"))
    qtbot.waitUntil(pat.isComplete, timeout=20000)
    assert not child(pat, ProblemView, "patProblem").isVisible()
    checks = validate(qtbot, wizard, sandbox.project_key)
    assert checks.isComplete()


def test_pat_created_as_the_service_account_shows_its_expiry(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox()
    wizard, _ = make_wizard(qtbot, sandbox)
    pat = to_method_page(qtbot, wizard, sandbox, "pat")
    click(qtbot, child(pat, QAbstractButton, "patAssisted"))
    assert not pat.steps.isVisible()
    days = child(pat, QSpinBox, "patExpiryDays")
    days.setValue(30)
    assert '"expirationDuration": 30' in pat.plan.toPlainText()
    type_into(qtbot, child(pat, QLineEdit, "patAccountPassword"), sandbox.service_account.password)
    click(qtbot, child(pat, QAbstractButton, "patCreate"))
    qtbot.waitUntil(pat.isComplete, timeout=20000)
    assert "It expires" in pat.result.text()
    assert sandbox.service_account.password not in pat.plan.toPlainText()
    assert child(pat, QLineEdit, "patAccountPassword").text() == ""
    assert validate(qtbot, wizard, sandbox.project_key).isComplete()
    assert wizard.currentId() == PageId.VALIDATE
