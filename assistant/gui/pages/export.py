"""Export: the proven link as a connector bundle, with the secrets where the user chooses, read back once written.

The preview is the bundle built without secrets, so what is shown is exactly what any mode writes besides them.
Keyring mode is offered only where the link's secrets really are in a system keyring; clear-text secrets need an
explicit acknowledgement. Building (scrypt), writing and reading back all run on the worker.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from assistant.core.flow import PageId
from assistant.gui import bundle_jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import BUNDLE_FILTER, FlowPage
from assistant.gui.widgets.basics import buddy, named, wrapped
from assistant.gui.worker import Report

MIN_PASSPHRASE = 8
_MODES = (
    ("encrypted", "&Sealed with a passphrase (recommended)", "The secrets are encrypted; the importer types the "
     "passphrase, which travels separately."),
    ("keyring", "Secrets stay in this system's &keyring", "The bundle names the keyring entries; it works only on "
     "this machine, for this user."),
    ("omitted", "&Without secrets", "Settings only; whoever imports it supplies the secrets."),
    ("plaintext", "Secrets in clear &text", "Anyone who can read the file can use the link."),
)  # fmt: skip


class ExportPage(FlowPage):
    page_id = PageId.EXPORT
    help_topic = "export"

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "Export the link",
            "Write the proven link as a connector bundle the connector (or a colleague) can import.",
        )
        self.group = QButtonGroup(self)
        self.modes: dict[str, QRadioButton] = {}
        for mode, text, description in _MODES:
            radio = named(QRadioButton(text), f"exportMode_{mode}", text.replace("&", ""), description)
            self.group.addButton(radio)
            self.modes[mode] = radio
            self.body.addWidget(radio)
            if mode == "keyring":
                self.keyring_reason = wrapped(object_name="exportKeyringReason")
                self.keyring_reason.setIndent(24)
                self.keyring_reason.hide()
                self.body.addWidget(self.keyring_reason)
            elif mode == "encrypted":
                self._lay_out_passphrase()  # each mode's own fields sit under its choice
            elif mode == "plaintext":
                self._lay_out_plaintext()
        self._lay_out_file()
        self.preview = named(QPlainTextEdit(), "exportPreview", "Bundle preview without secrets")
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setMinimumHeight(self.preview.fontMetrics().lineSpacing() * 13 + 12)
        self.body.addWidget(self.heading_label("What the bundle holds besides the secrets:"))
        self.body.addWidget(self.preview)
        self.result = wrapped(object_name="exportResult")
        self.body.addWidget(self.result)
        self.body.addStretch(1)
        self.modes["encrypted"].setChecked(True)
        self._connect()

    def heading_label(self, text: str) -> QWidget:
        label = wrapped(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def _lay_out_passphrase(self) -> None:
        self.passphrase_box = QWidget()
        form = QFormLayout(self.passphrase_box)
        form.setContentsMargins(24, 0, 0, 0)
        self.passphrase = named(QLineEdit(), "exportPassphrase", "Bundle passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(f"at least {MIN_PASSPHRASE} characters")
        self.confirm = named(QLineEdit(), "exportPassphraseConfirm", "Repeat the passphrase")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_hint = wrapped(object_name="exportPassphraseHint")
        form.addRow(buddy("Pass&phrase:", self.passphrase), self.passphrase)
        form.addRow(buddy("&Repeat:", self.confirm), self.confirm)
        form.addRow("", self.passphrase_hint)
        self.body.addWidget(self.passphrase_box)

    def _lay_out_plaintext(self) -> None:
        self.plaintext_box = QWidget()
        box = QHBoxLayout(self.plaintext_box)
        box.setContentsMargins(24, 0, 0, 0)
        column = QFormLayout()
        self.plaintext_warning = wrapped(
            "Warning: the file will hold the secrets in clear text. Anyone who can read it (a backup, a shared "
            "folder, a ticket attachment) can act as the service account. It is written readable by you only; "
            "delete it once the connector has it.",
            "exportPlaintextWarning",
        )
        self.acknowledge = named(
            QCheckBox("I &understand: write the secrets in clear text"),
            "exportPlaintextAcknowledge",
            "Acknowledge clear-text secrets",
        )
        column.addRow(self.plaintext_warning)
        column.addRow(self.acknowledge)
        box.addLayout(column)
        self.body.addWidget(self.plaintext_box)

    def _lay_out_file(self) -> None:
        self.path = named(QLineEdit(), "exportPath", "Bundle file")
        self.browse = named(QPushButton("&Browse…"), "exportBrowse", "Choose where to save the bundle")
        self.save = named(QPushButton("&Save bundle"), "exportSave", "Save the bundle")
        self.copy_env = named(
            QPushButton("Copy as &environment variables"),
            "exportCopyEnv",
            "Copy as environment variables",
            "The settings as NAME=value lines, without secrets: safe to paste into a ticket or a deployment.",
        )
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow(buddy("&File:", self.path), row)
        self.body.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save)
        buttons.addWidget(self.copy_env)
        buttons.addStretch(1)
        self.body.addLayout(buttons)

    def _connect(self) -> None:
        self.group.buttonToggled.connect(self._refresh)
        for edit in (self.passphrase, self.confirm, self.path):
            edit.textChanged.connect(self._refresh)
        self.acknowledge.toggled.connect(self._refresh)
        self.browse.clicked.connect(self._browse)
        self.save.clicked.connect(self._save)
        self.copy_env.clicked.connect(self._copy_env)

    # State ------------------------------------------------------------------------------------------------

    def mode(self) -> str:
        return next(mode for mode, radio in self.modes.items() if radio.isChecked())

    def initializePage(self) -> None:
        connection = self.ctx.collected.connection
        self.result.clear()
        self.preview.clear()
        if connection is not None and not self.path.text():
            self.path.setText(str(Path.home() / f"{connection.name}.bundle.json"))
        self.set_valid(True)  # exporting is optional: the link is already saved
        self._refresh()
        if connection is None:
            return
        ctx, validation = self.ctx, self.ctx.collected.validation

        def job(cancel: threading.Event, report: Report) -> tuple[str, bool]:
            text = bundle_jobs.export_preview(connection, ctx.profile, validation)
            return text, ctx.secret_store().persistent

        self.run("Building the preview …", job, self._previewed)

    def _previewed(self, outcome: tuple[str, bool]) -> None:
        text, keyring_here = outcome
        self.preview.setPlainText(text)
        keyring = self.modes["keyring"]
        keyring.setEnabled(keyring_here)
        self.keyring_reason.setVisible(not keyring_here)
        if not keyring_here:
            self.keyring_reason.setText(
                "Not available: this system has no usable keyring, so the link's secrets are kept in memory for "
                "this session only. Seal them with a passphrase instead."
            )
            if keyring.isChecked():
                self.modes["encrypted"].setChecked(True)
        self._refresh()

    def _passphrase_problem(self) -> str:
        if len(self.passphrase.text()) < MIN_PASSPHRASE:
            return f"Use at least {MIN_PASSPHRASE} characters; a few words are easier to pass on than symbols."
        if self.passphrase.text() != self.confirm.text():
            return "The two entries differ."
        return ""

    def ready(self) -> bool:
        mode = self.mode()
        if self.ctx.collected.connection is None or not self.path.text().strip():
            return False
        if mode == "encrypted":
            return not self._passphrase_problem()
        if mode == "plaintext":
            return self.acknowledge.isChecked()
        return self.modes[mode].isEnabled()

    def _refresh(self) -> None:
        mode = self.mode()
        self.passphrase_box.setVisible(mode == "encrypted")
        self.plaintext_box.setVisible(mode == "plaintext")
        if mode != "plaintext" and self.acknowledge.isChecked():
            self.acknowledge.setChecked(False)  # an acknowledgement is for this choice, not for later ones
        typed = bool(self.passphrase.text() or self.confirm.text())
        problem = self._passphrase_problem() if typed else ""
        self.passphrase_hint.setText(problem or "Whoever imports the bundle needs it: send it by another channel.")
        self.save.setEnabled(self.ready() and not self.busy)
        self.copy_env.setEnabled(self.ctx.collected.connection is not None)

    def busy_changed(self, busy: bool) -> None:
        self._refresh()

    # Actions ----------------------------------------------------------------------------------------------

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the connector bundle", self.path.text(), BUNDLE_FILTER)
        if path:
            self.path.setText(path)

    def _save(self) -> None:
        connection = self.ctx.collected.connection
        if connection is None or not self.ready():
            return
        mode: Any = self.mode()
        passphrase = self.passphrase.text() if mode == "encrypted" else None
        path = Path(self.path.text().strip()).expanduser()
        ctx, validation = self.ctx, self.ctx.collected.validation
        self.result.clear()

        def job(cancel: threading.Event, report: Report) -> bundle_jobs.Exported:
            return bundle_jobs.export_bundle(
                connection, ctx.profile, validation, mode, passphrase, path=path, store=ctx.secret_store()
            )

        self.run("Sealing and writing the bundle …" if passphrase else "Writing the bundle …", job, self._saved)

    def _saved(self, exported: bundle_jobs.Exported) -> None:
        self.result.setText(f"Saved {exported.path} ({bundle_jobs.MODE_WORDS[exported.mode]}). {exported.read_back}")

    def _copy_env(self) -> None:
        connection = self.ctx.collected.connection
        if connection is None:
            return
        QGuiApplication.clipboard().setText(bundle_jobs.env_text(connection))
        self.copy_env.setText("Copied as &environment variables (no secrets)")
