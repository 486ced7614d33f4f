"""OAuth 2.0 and both OAuth 1.0a variants end to end: link creation, the browser, the loopback receiver, paste."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QComboBox, QFileDialog, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from assistant.core.flow import PageId
from assistant.gui.widgets.basics import CopyField
from assistant.gui.widgets.problem import ProblemView
from tests.gui.driving import (
    WAIT_MS,
    child,
    click,
    is_busy,
    key_click,
    make_wizard,
    to_method_page,
    type_into,
    validate,
    wait_idle,
)


def test_oauth2_with_a_link_made_by_hand_and_the_loopback_receiver(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox()
    wizard, browser = make_wizard(qtbot, sandbox)
    oauth2 = to_method_page(qtbot, wizard, sandbox, "oauth2")
    redirect = child(oauth2, QLineEdit, "oauth2RedirectUrl").text()
    field = oauth2.steps.fields["Redirect URL"]
    assert field.value() == redirect
    assert field.edit.isReadOnly()
    click(qtbot, field.button)
    assert QGuiApplication.clipboard().text() == redirect
    authorize = child(oauth2, QAbstractButton, "oauth2Authorize")
    assert not authorize.isEnabled()

    # The admin's part, done in Jira's dialog: an incoming link with that redirect URL.
    client_id, secret = sandbox.add_oauth2_client("Ticket connector", [redirect])
    type_into(qtbot, child(oauth2, QLineEdit, "oauth2ClientId"), client_id)
    type_into(qtbot, child(oauth2, QLineEdit, "oauth2ClientSecret"), secret)
    click(qtbot, authorize)
    qtbot.waitUntil(oauth2.isComplete, timeout=WAIT_MS)
    browser.join()
    assert browser.urls[0].startswith(f"{sandbox.base_url}/rest/oauth2/latest/authorize?")
    result = child(oauth2, QLabel, "oauth2AuthorizationResult").text()
    assert "valid until" in result
    assert "refresh token" in result

    checks = validate(qtbot, wizard, sandbox.project_key, write_test=True)
    assert checks.isComplete(), checks.problem.heading.text()
    assert wizard.ctx.collected.connection is not None
    assert wizard.ctx.collected.connection.secrets["client_secret"] == secret


def test_oauth2_created_for_me_cancelled_then_finished_by_paste(
    qtbot: QtBot, start_sandbox: Any, tmp_path: Path
) -> None:
    sandbox = start_sandbox()
    wizard, browser = make_wizard(qtbot, sandbox)
    browser.follow = False  # the browser runs elsewhere: the user will copy the address it ends on
    oauth2 = to_method_page(qtbot, wizard, sandbox, "oauth2")
    click(qtbot, child(oauth2, QAbstractButton, "oauth2Assisted"))
    assert not oauth2.steps.isVisible()
    plan = oauth2.admin.plan.toPlainText()
    assert "POST " in plan
    assert "/rest/oauth2/latest/client" in plan
    type_into(qtbot, child(oauth2, QLineEdit, "oauth2AdminUser"), sandbox.admin.username)
    type_into(qtbot, child(oauth2, QLineEdit, "oauth2AdminPassword"), sandbox.admin.password)
    click(qtbot, child(oauth2, QAbstractButton, "oauth2AdminSend"))
    qtbot.waitUntil(lambda: bool(child(oauth2, QLineEdit, "oauth2ClientId").text()), timeout=WAIT_MS)
    assert child(oauth2, QLineEdit, "oauth2AdminPassword").text() == ""

    click(qtbot, child(oauth2, QAbstractButton, "oauth2Authorize"))
    cancel = child(oauth2, QAbstractButton, "oauth2CancelAuthorization")
    qtbot.waitUntil(cancel.isEnabled, timeout=WAIT_MS)
    assert is_busy(oauth2)
    click(qtbot, child(oauth2, QAbstractButton, "oauth2CopyAuthorizationUrl"))
    url = QGuiApplication.clipboard().text()
    assert url == browser.urls[0]
    click(qtbot, cancel)
    assert not is_busy(oauth2)
    assert "Stopped waiting" in child(oauth2, QLabel, "oauth2AuthorizationStatus").text()
    assert not oauth2.isComplete()

    type_into(qtbot, child(oauth2, QLineEdit, "oauth2Pasted"), browser.landing(url))
    click(qtbot, child(oauth2, QAbstractButton, "oauth2UsePasted"))
    qtbot.waitUntil(oauth2.isComplete, timeout=WAIT_MS)
    checks = validate(qtbot, wizard, sandbox.project_key)
    assert checks.isComplete()
    saved = (tmp_path / "config" / "connections" / "jira-link.json").read_text()
    assert json.loads(saved)["method"] == "oauth2"
    assert sandbox.admin.password not in saved


def test_oauth2_refusal_is_shown_with_its_finding(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox()
    wizard, browser = make_wizard(qtbot, sandbox)
    browser.follow = False
    oauth2 = to_method_page(qtbot, wizard, sandbox, "oauth2")
    redirect = child(oauth2, QLineEdit, "oauth2RedirectUrl").text()
    client_id, _ = sandbox.add_oauth2_client("Ticket connector", [redirect])
    type_into(qtbot, child(oauth2, QLineEdit, "oauth2ClientId"), client_id)
    type_into(qtbot, child(oauth2, QLineEdit, "oauth2ClientSecret"), "not-the-secret")
    click(qtbot, child(oauth2, QAbstractButton, "oauth2Authorize"))
    qtbot.waitUntil(lambda: bool(browser.urls), timeout=WAIT_MS)
    type_into(qtbot, child(oauth2, QLineEdit, "oauth2Pasted"), browser.landing(browser.urls[0]))
    click(qtbot, child(oauth2, QAbstractButton, "oauth2UsePasted"))
    problem = child(oauth2, ProblemView, "oauth2Problem")
    qtbot.waitUntil(problem.isVisible, timeout=WAIT_MS)
    assert problem.code == "OAUTH2_INVALID_CLIENT"
    assert not oauth2.isComplete()


def test_oauth1_atlassian_product_link_created_for_me(
    qtbot: QtBot, start_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = start_sandbox()
    wizard, browser = make_wizard(qtbot, sandbox)
    page = to_method_page(qtbot, wizard, sandbox, "oauth1-atlassian-product")
    fingerprint = child(page, QLabel, "oauth1_atlassian_productFingerprint")
    qtbot.waitUntil(lambda: "2048 bits" in fingerprint.text(), timeout=WAIT_MS)  # generated on the worker
    public_key = child(page, CopyField, "oauth1_atlassian_productPublicKeyRow")
    assert public_key.value().startswith("-----BEGIN PUBLIC KEY-----")
    target = tmp_path / "public.pem"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    click(qtbot, child(page, QAbstractButton, "oauth1_atlassian_productSavePublicKey"))
    assert target.read_text() == public_key.value()

    type_into(qtbot, child(page, QLineEdit, "oauth1_atlassian_productAppUrl"), "https://connector.example.com")
    assert {"Consumer Key", "Consumer Name", "Public Key", "Application URL"} <= page.steps.fields.keys()
    click(qtbot, child(page, QAbstractButton, "oauth1_atlassian_productAssisted"))
    assert "/rest/applinks/3.0/applicationlink" in page.admin.plan.toPlainText()
    assert "PRIVATE" not in page.admin.plan.toPlainText()
    type_into(qtbot, child(page, QLineEdit, "oauth1_atlassian_productAdminUser"), sandbox.admin.username)
    type_into(qtbot, child(page, QLineEdit, "oauth1_atlassian_productAdminPassword"), sandbox.admin.password)
    click(qtbot, child(page, QAbstractButton, "oauth1_atlassian_productAdminSend"))
    result = child(page, QLabel, "oauth1_atlassian_productAuthorizationResult")
    qtbot.waitUntil(lambda: "application link" in result.text(), timeout=WAIT_MS)

    click(qtbot, child(page, QAbstractButton, "oauth1_atlassian_productAuthorize"))
    qtbot.waitUntil(page.isComplete, timeout=WAIT_MS)
    browser.join()
    assert validate(qtbot, wizard, sandbox.project_key).isComplete()


def test_oauth1_generic_on_8_20_by_hand_with_a_verification_code(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox(jira_version="8.20.14")
    wizard, browser = make_wizard(qtbot, sandbox)
    browser.follow = False
    page = to_method_page(qtbot, wizard, sandbox, "oauth1-generic")
    assert wizard.currentId() == PageId.OAUTH1_GENERIC
    qtbot.waitUntil(lambda: page.key is not None, timeout=WAIT_MS)
    size = child(page, QComboBox, "oauth1_genericKeySize")
    size.setFocus()
    key_click(qtbot, size, Qt.Key.Key_Down)
    assert size.currentData() == 3072
    click(qtbot, child(page, QAbstractButton, "oauth1_genericGenerateKey"))
    fingerprint = child(page, QLabel, "oauth1_genericFingerprint")
    qtbot.waitUntil(lambda: "3072 bits" in fingerprint.text(), timeout=WAIT_MS)
    type_into(qtbot, child(page, QLineEdit, "oauth1_genericAppUrl"), "https://connector.example.com")
    consumer_key = child(page, QLineEdit, "oauth1_genericConsumerKey").text()
    assert page.steps.fields["Consumer Key"].value() == consumer_key
    # The admin's part: the Generic Application link with the pasted consumer key and public key.
    sandbox.add_oauth1_consumer(
        consumer_key,
        page.steps.fields["Consumer Name"].value(),
        page.steps.fields["Public Key"].value(),
    )
    click(qtbot, child(page, QAbstractButton, "oauth1_genericOutOfBand"))
    click(qtbot, child(page, QAbstractButton, "oauth1_genericAuthorize"))
    qtbot.waitUntil(lambda: bool(browser.urls), timeout=WAIT_MS)
    wait_idle(qtbot, page)
    code = browser.landing(browser.urls[0])
    assert "://" not in code
    type_into(qtbot, child(page, QLineEdit, "oauth1_genericPasted"), code)
    click(qtbot, child(page, QAbstractButton, "oauth1_genericUsePasted"))
    qtbot.waitUntil(page.isComplete, timeout=WAIT_MS)
    checks = validate(qtbot, wizard, sandbox.project_key)
    assert checks.isComplete()


def test_oauth1_unknown_consumer_is_named_on_the_page(qtbot: QtBot, start_sandbox: Any) -> None:
    sandbox = start_sandbox()
    wizard, _ = make_wizard(qtbot, sandbox)
    page = to_method_page(qtbot, wizard, sandbox, "oauth1-atlassian-product")
    qtbot.waitUntil(lambda: page.key is not None, timeout=WAIT_MS)
    type_into(qtbot, child(page, QLineEdit, "oauth1_atlassian_productAppUrl"), "https://connector.example.com")
    click(qtbot, child(page, QAbstractButton, "oauth1_atlassian_productAuthorize"))  # the link was never made
    problem = child(page, ProblemView, "oauth1_atlassian_productProblem")
    qtbot.waitUntil(problem.isVisible, timeout=WAIT_MS)
    assert problem.code == "OAUTH1_CONSUMER_UNKNOWN"
    assert problem.remedy.text()
