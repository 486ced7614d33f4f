"""Import: take over a link from a connector bundle into this assistant's saved connections and secret store.

Opening checks the file completely (schema, integrity) before anything is shown; a sealed bundle then asks for
its passphrase, which also proves the seal. Importing is all or nothing. Afterwards the link is proven on the
Validate page (Next) or examined layer by layer (Diagnose it).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWizard,
)

from assistant.core.connection import Connection
from assistant.core.flow import PageId
from assistant.gui import bundle_jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.base import BUNDLE_FILTER, FlowPage
from assistant.gui.widgets.basics import buddy, named, wrapped
from assistant.gui.worker import Report
from assistant.jira.session import Target

if TYPE_CHECKING:
    from assistant.bundle import OpenedBundle


class ImportPage(FlowPage):
    page_id = PageId.IMPORT
    help_topic = "import"

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "Import a connector bundle",
            "Open a bundle someone exported, check what it holds, and save the link here.",
        )
        self.opened: OpenedBundle | None = None
        self.imported: Connection | None = None
        self.path = named(QLineEdit(), "importPath", "Bundle file")
        self.path.setPlaceholderText("a .bundle.json file")
        self.browse = named(QPushButton("&Browse…"), "importBrowse", "Choose a bundle file")
        self.passphrase = named(QLineEdit(), "importPassphrase", "Bundle passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("only for a bundle sealed with a passphrase")
        self.open_button = named(QPushButton("&Open"), "importOpen", "Open the bundle")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow(buddy("&File:", self.path), row)
        form.addRow(buddy("Pass&phrase:", self.passphrase), self.passphrase)
        self.body.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.status = wrapped(object_name="importStatus")
        self.body.addWidget(self.status)
        self.preview = named(QPlainTextEdit(), "importPreview", "Bundle preview without secrets")
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setMinimumHeight(self.preview.fontMetrics().lineSpacing() * 13 + 12)
        self.body.addWidget(self.preview)
        self._lay_out_import()
        self._connect()

    def _lay_out_import(self) -> None:
        self.name = named(QLineEdit(), "importName", "Save as")
        self.replace = named(
            QCheckBox("&Replace a saved connection of that name"), "importReplace", "Replace an existing connection"
        )
        self.import_button = named(QPushButton("&Import"), "importRun", "Import the bundle")
        self.diagnose = named(
            QPushButton("&Diagnose it"),
            "importDiagnose",
            "Diagnose the imported link",
            "Examine the imported link layer by layer instead of proving it on the next page.",
        )
        form2 = QFormLayout()
        form2.addRow(buddy("Save &as:", self.name), self.name)
        form2.addRow("", self.replace)
        self.body.addLayout(form2)
        buttons2 = QHBoxLayout()
        buttons2.addWidget(self.import_button)
        buttons2.addWidget(self.diagnose)
        buttons2.addStretch(1)
        self.body.addLayout(buttons2)
        self.result = wrapped(object_name="importResult")
        self.body.addWidget(self.result)
        self.body.addStretch(1)

    def _connect(self) -> None:
        self.browse.clicked.connect(self._browse)
        self.open_button.clicked.connect(self._open)
        self.path.returnPressed.connect(self._open)
        self.passphrase.returnPressed.connect(self._open)
        self.path.textEdited.connect(self._forget)
        self.import_button.clicked.connect(self._import)
        self.diagnose.clicked.connect(self._diagnose)
        self.name.textChanged.connect(self._refresh)
        self._refresh()

    def initializePage(self) -> None:
        self.path.setFocus()
        self.set_valid(self.imported is not None)

    def _forget(self) -> None:
        self.opened = None
        self.imported = None
        self.preview.clear()
        self.status.clear()
        self.result.clear()
        self.set_valid(False)
        self._refresh()

    def _refresh(self) -> None:
        idle = not self.busy
        self.open_button.setEnabled(idle and bool(self.path.text().strip()))
        self.import_button.setEnabled(idle and self.opened is not None and self.imported is None)
        self.diagnose.setEnabled(idle and self.imported is not None)

    def busy_changed(self, busy: bool) -> None:
        self._refresh()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a connector bundle", self.path.text(), BUNDLE_FILTER)
        if path:
            self.path.setText(path)
            self._forget()
            self._open()

    def _open(self) -> None:
        if not self.path.text().strip():
            return
        self._forget()
        path, passphrase = self.path.text().strip(), self.passphrase.text()
        self.run(
            "Checking the bundle …",
            lambda cancel, report: self._read(path, passphrase),
            self._opened,
        )

    @staticmethod
    def _read(path: str, passphrase: str) -> tuple[OpenedBundle, str]:
        opened = bundle_jobs.read_bundle_file(path, passphrase)
        return opened, bundle_jobs.bundle_preview(opened)

    def _opened(self, outcome: tuple[OpenedBundle, str]) -> None:
        opened, text = outcome
        self.opened = opened
        self.preview.setPlainText(text)
        if not self.name.text():
            self.name.setText(opened.connection.name)
        status = {
            "encrypted": "Sealed with a passphrase: the seal opens and is intact.",
            "keyring": "Its secrets are in a system keyring; they are looked up when you import.",
            "plaintext": "Its secrets are in clear text: delete the file once it is imported.",
            "omitted": "It carries no secrets: the link needs them before it works.",
        }[opened.mode]
        if opened.mode == "encrypted" and not opened.secrets_available:
            status = "Sealed with a passphrase: type it above and open again to import the secrets."
            self.opened = None
            self.passphrase.setFocus()
        self.status.setText(status)
        self._refresh()

    def _import(self) -> None:
        opened = self.opened
        if opened is None:
            return
        ctx, name, replace = self.ctx, self.name.text().strip(), self.replace.isChecked()

        def job(cancel: threading.Event, report: Report) -> tuple[Connection, str]:
            store = ctx.secret_store()
            return bundle_jobs.import_opened(opened, store, name, replace), store.location

        self.run("Importing …", job, self._imported)

    def _imported(self, outcome: tuple[Connection, str]) -> None:
        connection, location = outcome
        self.imported = connection
        collected = self.ctx.collected
        collected.connection = connection
        collected.username = connection.username or ""
        collected.saved_name = connection.name
        ca_file = connection.ca_file
        collected.target = Target(connection.base_url, ca_file=_path(ca_file), proxy=connection.proxy)
        secrets = f"secrets: {location}" if connection.secrets else "no secrets were in the bundle"
        self.result.setText(
            f"Imported {connection.name!r} ({connection.method}); {secrets}. Next proves it with live calls; "
            "Diagnose it examines it layer by layer."
        )
        self.set_valid(True)
        self._refresh()

    def _diagnose(self) -> None:
        self.ctx.flow.state.diagnose_link = True
        wizard = self.wizard()
        if isinstance(wizard, QWizard):
            wizard.next()

    def cleanupPage(self) -> None:
        super().cleanupPage()
        self.ctx.collected.connection = None


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None
