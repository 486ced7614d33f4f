"""Page behaviour beyond the happy paths: the Jira check, method choice, Back, validation failures, help."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QLineEdit, QWizard
from pytestqt.qtbot import QtBot

from assistant.core.flow import PageId
from assistant.gui.widgets.problem import ProblemView
from tests.gui.driving import (
    WAIT_MS,
    check_jira,
    child,
    click,
    is_busy,
    key_click,
    key_clicks,
    make_wizard,
    mouse_click,
    next_page,
    to_method_page,
    type_into,
    validate,
    wait_idle,
)


def test_untrusted_certificate_offers_to_trust_a_ca_file(
    qtbot: QtBot, start_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = start_sandbox()
    wizard, _ = make_wizard(qtbot, sandbox)
    jira = next_page(qtbot, wizard, PageId.JIRA)
    trust = child(jira, QAbstractButton, "trustCaFile")
    assert not trust.isVisible()
    type_into(qtbot, child(jira, QLineEdit, "jiraUrl"), sandbox.base_url)
    key_click(qtbot, child(jira, QLineEdit, "jiraUrl"), Qt.Key.Key_Return)  # Enter checks, like the button
    wait_idle(qtbot, jira)
    problem = child(jira, ProblemView, "jiraProblem")
    assert problem.code == "TLS_UNTRUSTED"
    assert "Never switch certificate checks off" in problem.remedy.text()
    assert not jira.isComplete()
    assert trust.isVisible()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(sandbox.ca_cert), ""))
    click(qtbot, trust)
    qtbot.waitUntil(jira.isComplete, timeout=WAIT_MS)
    assert child(jira, QLineEdit, "caFile").text() == str(sandbox.ca_cert)
    assert child(jira, QLabel, "jiraVersion").text() == sandbox.jira_version
    assert not problem.isVisible()
    assert not child(jira, ProblemView, "baseUrlWarning").isVisible()
    # Editing what was checked makes the page incomplete again until it is checked anew.
    key_clicks(qtbot, child(jira, QLineEdit, "proxy"), "http://")
    assert not jira.isComplete()


def test_base_url_mismatch_is_a_warning_not_a_stop(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox(faults=["base-url-mismatch"])
    wizard, _ = make_wizard(qtbot, sandbox)
    jira = check_jira(qtbot, wizard, sandbox)
    warning = child(jira, ProblemView, "baseUrlWarning")
    assert warning.isVisible()
    assert warning.code == "JIRA_BASE_URL_MISMATCH"
    assert "jira.internal.invalid" in child(jira, QLabel, "jiraAdvertisedUrl").text()
    assert jira.isComplete()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://example.atlassian.net", "URL_IS_CLOUD"),
        ("jira.example.com", "URL_INVALID"),
        ("http://127.0.0.1:9", "TCP_REFUSED"),
    ],
)
def test_unusable_addresses_are_named(qtbot: QtBot, start_sandbox: Any, url: str, code: str) -> None:
    wizard, _ = make_wizard(qtbot, start_sandbox())
    jira = next_page(qtbot, wizard, PageId.JIRA)
    type_into(qtbot, child(jira, QLineEdit, "jiraUrl"), url)
    click(qtbot, child(jira, QAbstractButton, "checkJira"))
    problem = child(jira, ProblemView, "jiraProblem")
    qtbot.waitUntil(problem.isVisible, timeout=WAIT_MS)
    assert problem.code == code
    assert not jira.isComplete()
    assert wizard.button(QWizard.WizardButton.NextButton).text().replace("&", "").startswith("Next")


def test_method_page_on_8_13_marks_recommended_and_disables_what_is_missing(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox(jira_version="8.13.5")
    wizard, _ = make_wizard(qtbot, sandbox)
    check_jira(qtbot, wizard, sandbox)
    next_page(qtbot, wizard, PageId.SERVICE_ACCOUNT)
    methods = next_page(qtbot, wizard, PageId.METHOD)
    generic = child(methods, QAbstractButton, "method_oauth1-generic")
    assert generic.isChecked()
    assert "recommended" in generic.text()
    oauth2 = child(methods, QAbstractButton, "method_oauth2")
    assert not oauth2.isEnabled()
    assert "8.22" in child(methods, QLabel, "method_oauth2_reason").text()
    assert not child(methods, QAbstractButton, "method_pat").isEnabled()
    assert "migrate to OAuth 2.0" in child(methods, QLabel, "method_basic_migration").text()
    mouse_click(qtbot, oauth2, oauth2.rect().center())
    assert not oauth2.isChecked()
    assert wizard.flow.state.method is not None
    assert wizard.flow.state.method.value == "oauth1-generic"


def test_a_result_that_arrives_after_back_is_dropped(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox(faults=["slow"], slow_seconds=1.0)
    wizard, _ = make_wizard(qtbot, sandbox)
    jira = next_page(qtbot, wizard, PageId.JIRA)
    type_into(qtbot, child(jira, QLineEdit, "jiraUrl"), sandbox.base_url)
    type_into(qtbot, child(jira, QLineEdit, "caFile"), str(sandbox.ca_cert))
    click(qtbot, child(jira, QAbstractButton, "checkJira"))
    assert is_busy(jira)
    assert not child(jira, QAbstractButton, "checkJira").isEnabled()
    click(qtbot, wizard.button(QWizard.WizardButton.BackButton))
    assert wizard.currentId() == PageId.START
    assert not is_busy(jira)
    deadline = time.monotonic() + 2.5
    qtbot.waitUntil(lambda: time.monotonic() > deadline, timeout=5000)
    assert wizard.flow.state.facts is None
    assert not child(jira, QLabel, "jiraVersion").text()
    assert wizard.flow.history == [PageId.START]


def test_back_and_another_method_lead_to_that_methods_page(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox()
    wizard, _ = make_wizard(qtbot, sandbox)
    to_method_page(qtbot, wizard, sandbox, "basic")
    click(qtbot, wizard.button(QWizard.WizardButton.BackButton))
    methods = wizard.page_for(PageId.METHOD)
    assert child(methods, QAbstractButton, "method_basic").isChecked()
    click(qtbot, child(methods, QAbstractButton, "method_pat"))
    next_page(qtbot, wizard, PageId.PAT)
    assert wizard.flow.history[-2:] == [PageId.METHOD, PageId.PAT]


def test_a_failing_check_shows_code_cause_and_remedy_and_saves_nothing(
    qtbot: QtBot, start_sandbox: Any, tmp_path: Path
) -> None:
    sandbox = start_sandbox(faults=["no-permissions"])
    wizard, _ = make_wizard(qtbot, sandbox)
    basic = to_method_page(qtbot, wizard, sandbox, "basic")
    type_into(qtbot, child(basic, QLineEdit, "basicPassword"), sandbox.service_account.password)
    click(qtbot, child(basic, QAbstractButton, "basicCheck"))
    qtbot.waitUntil(basic.isComplete, timeout=WAIT_MS)
    checks = validate(qtbot, wizard, sandbox.project_key)
    problem = child(checks, ProblemView, "validateProblem")
    assert problem.isVisible()
    assert problem.code == "PERMISSION_MISSING"
    assert problem.heading.text().startswith("PERMISSION_MISSING: ")
    assert problem.cause.text().startswith("Why: ")
    assert problem.remedy.text().startswith("What to do: ")
    rows = checks.checklist.rows
    assert rows["permissions"].status == "fail"
    assert rows["identity"].status == "pass"
    assert "nothing was stored" in checks.saved.text()
    assert not checks.isComplete()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert not (tmp_path / "config" / "connections").exists()


def test_f1_shows_the_pages_help(qtbot: QtBot, start_sandbox: Any) -> None:
    wizard, _ = make_wizard(qtbot, start_sandbox())
    next_page(qtbot, wizard, PageId.JIRA)
    key_click(qtbot, wizard.focusWidget() or wizard, Qt.Key.Key_F1)
    qtbot.waitUntil(wizard.help.isVisible, timeout=WAIT_MS)
    assert "CA file" in wizard.help.browser.toPlainText()
    wizard.help.close()
    click(qtbot, wizard.button(QWizard.WizardButton.HelpButton))
    assert wizard.help.isVisible()
