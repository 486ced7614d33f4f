"""Export end to end: a link proven against the HTTPS sandbox, written in every secret mode, read back."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QLineEdit, QPlainTextEdit, QWizard
from pytestqt.qtbot import QtBot

from assistant.bundle import BundleIntegrityError, read_bundle, secrets_from_store
from assistant.core.flow import PageId
from assistant.core.secrets import MemorySecretStore
from assistant.gui.pages.export import ExportPage
from tests.gui.driving import WAIT_MS, child, click, make_wizard, next_page, prove_basic, type_into, wait_idle

PASSPHRASE = "correct horse battery"


class KeyringLike(MemorySecretStore):
    """A store that lasts beyond the session, as a system keyring does: what keyring bundles need."""

    @property
    def location(self) -> str:
        return "the system keyring (test)"

    @property
    def persistent(self) -> bool:
        return True


def _to_export(qtbot: QtBot, start_sandbox: Any, **services: Any) -> tuple[Any, ExportPage, QWizard]:
    sandbox = start_sandbox()
    wizard, _ = make_wizard(qtbot, sandbox, **services)
    checks = prove_basic(qtbot, wizard, sandbox)
    assert checks.isComplete(), checks.problem.heading.text()
    export = next_page(qtbot, wizard, PageId.EXPORT)
    wait_idle(qtbot, export)  # the preview is built on the worker
    return sandbox, export, wizard


def _save(qtbot: QtBot, export: ExportPage, path: Path) -> str:
    type_into(qtbot, child(export, QLineEdit, "exportPath"), str(path))
    click(qtbot, child(export, QAbstractButton, "exportSave"))
    wait_idle(qtbot, export)
    assert not export.problem.isVisible(), export.problem.detail.text()
    return child(export, QLabel, "exportResult").text()


def test_sealed_export_reads_back_and_opens_only_with_the_passphrase(
    qtbot: QtBot, start_sandbox: Any, tmp_path: Path
) -> None:
    sandbox, export, wizard = _to_export(qtbot, start_sandbox)
    preview = child(export, QPlainTextEdit, "exportPreview").toPlainText()
    assert sandbox.base_url in preview
    assert sandbox.service_account.password not in preview
    assert "Secrets" not in preview  # how they travel depends on the mode chosen below, not on the preview
    assert child(export, QAbstractButton, "exportMode_encrypted").isChecked()
    save = child(export, QAbstractButton, "exportSave")
    type_into(qtbot, child(export, QLineEdit, "exportPassphrase"), PASSPHRASE)
    type_into(qtbot, child(export, QLineEdit, "exportPassphraseConfirm"), PASSPHRASE + "x")
    assert "differ" in child(export, QLabel, "exportPassphraseHint").text()
    assert not save.isEnabled()
    type_into(qtbot, child(export, QLineEdit, "exportPassphraseConfirm"), PASSPHRASE)
    path = tmp_path / "out" / "link.bundle.json"
    result = _save(qtbot, export, path)
    assert "the seal opens with the passphrase" in result
    data = path.read_bytes()
    assert sandbox.service_account.password.encode() not in data
    assert not read_bundle(data).secrets_available
    opened = read_bundle(data, PASSPHRASE)
    assert opened.mode == "encrypted"
    assert opened.connection.secrets["password"] == sandbox.service_account.password
    assert opened.validation is not None
    assert opened.validation.ok
    with pytest.raises(BundleIntegrityError):
        read_bundle(data, "a wrong passphrase")
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_plaintext_needs_the_acknowledgement_and_is_private(qtbot: QtBot, start_sandbox: Any, tmp_path: Path) -> None:
    sandbox, export, _ = _to_export(qtbot, start_sandbox)
    click(qtbot, child(export, QAbstractButton, "exportMode_plaintext"))
    warning = child(export, QLabel, "exportPlaintextWarning")
    assert warning.isVisible()
    assert "clear text" in warning.text()
    type_into(qtbot, child(export, QLineEdit, "exportPath"), str(tmp_path / "plain.bundle.json"))
    save = child(export, QAbstractButton, "exportSave")
    assert not save.isEnabled()
    click(qtbot, child(export, QAbstractButton, "exportPlaintextAcknowledge"))
    assert save.isEnabled()
    result = _save(qtbot, export, tmp_path / "plain.bundle.json")
    assert "mode 0600" in result
    path = tmp_path / "plain.bundle.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    opened = read_bundle(path.read_bytes())
    assert opened.mode == "plaintext"
    assert opened.connection.secrets["password"] == sandbox.service_account.password
    # Another mode and back: the acknowledgement does not carry over.
    click(qtbot, child(export, QAbstractButton, "exportMode_omitted"))
    click(qtbot, child(export, QAbstractButton, "exportMode_plaintext"))
    assert not save.isEnabled()


def test_omitted_export_and_environment_variables_hold_no_secret(
    qtbot: QtBot, start_sandbox: Any, tmp_path: Path
) -> None:
    sandbox, export, _ = _to_export(qtbot, start_sandbox)
    assert not child(export, QAbstractButton, "exportMode_keyring").isEnabled()  # no keyring here
    assert "no usable keyring" in child(export, QLabel, "exportKeyringReason").text()
    click(qtbot, child(export, QAbstractButton, "exportMode_omitted"))
    path = tmp_path / "settings.bundle.json"
    assert "carries no secrets" in _save(qtbot, export, path)
    opened = read_bundle(path.read_bytes())
    assert opened.mode == "omitted"
    assert not opened.connection.secrets.values_for_redaction()
    assert sandbox.service_account.password not in path.read_text()
    click(qtbot, child(export, QAbstractButton, "exportCopyEnv"))
    copied = QGuiApplication.clipboard().text()
    assert f"JIRA_URL={sandbox.base_url}" in copied
    assert "JIRA_PASSWORD" in copied  # named as still to be supplied
    assert sandbox.service_account.password not in copied


def test_keyring_export_names_entries_that_exist(
    qtbot: QtBot, start_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KeyringLike("test")
    sandbox, export, _ = _to_export(qtbot, start_sandbox, open_secret_store=lambda: store)
    keyring = child(export, QAbstractButton, "exportMode_keyring")
    qtbot.waitUntil(keyring.isEnabled, timeout=WAIT_MS)
    click(qtbot, keyring)
    path = tmp_path / "chosen.bundle.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))
    click(qtbot, child(export, QAbstractButton, "exportBrowse"))
    assert child(export, QLineEdit, "exportPath").text() == str(path)
    click(qtbot, child(export, QAbstractButton, "exportSave"))
    wait_idle(qtbot, export)
    assert "every keyring entry it names is present" in child(export, QLabel, "exportResult").text()
    opened = read_bundle(path.read_bytes())
    assert opened.mode == "keyring"
    assert secrets_from_store(opened, store)["password"] == sandbox.service_account.password
    assert sandbox.service_account.password not in path.read_text()
