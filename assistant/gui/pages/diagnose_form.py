"""What to diagnose when the user comes from Start: a URL with optional credentials, or a bundle file.

Only a form: it hands the page a description of what was typed; reading files and keys happens in the worker.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from assistant.core.flow import DiagnoseSource
from assistant.gui.diagnose_jobs import AUTH_CHOICES, Typed
from assistant.gui.pages.base import BUNDLE_FILTER
from assistant.gui.pages.jira import CA_FILTER
from assistant.gui.widgets.basics import buddy, named

_SECRET_LABELS = {"basic": "Pass&word:", "pat": "&Token:", "oauth2": "Access &token:", "oauth1": "Access &token:"}


def _file_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


class DiagnoseForm(QWidget):
    changed = Signal()

    def __init__(self, base_url: str = "", ca_file: str = "") -> None:
        super().__init__()
        self.setObjectName("diagnoseForm")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.by_url = named(QRadioButton("A Jira &address"), "diagnoseFromUrl", "Diagnose a Jira address")
        self.by_bundle = named(QRadioButton("A connector &bundle"), "diagnoseFromBundle", "Diagnose a bundle")
        group = QButtonGroup(self)
        group.addButton(self.by_url)
        group.addButton(self.by_bundle)
        sources = QHBoxLayout()
        sources.addWidget(self.by_url)
        sources.addWidget(self.by_bundle)
        sources.addStretch(1)
        layout.addLayout(sources)
        self._url_form(base_url, ca_file)
        self._bundle_form()
        layout.addWidget(self.url_box)
        layout.addWidget(self.bundle_box)
        self.by_url.setChecked(True)
        group.buttonToggled.connect(self._refresh)
        self.auth.currentIndexChanged.connect(self._refresh)
        for edit in (self.url, self.secret, self.bundle, self.username, self.private_key):
            edit.textChanged.connect(self.changed)
        self._refresh()

    def _url_form(self, base_url: str, ca_file: str) -> None:
        self.url_box = QWidget()
        form = QFormLayout(self.url_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.url = named(QLineEdit(base_url), "diagnoseUrl", "Jira base URL")
        self.url.setPlaceholderText("https://jira.example.com")
        self.ca_file = named(QLineEdit(ca_file), "diagnoseCaFile", "CA file")
        self.ca_file.setPlaceholderText("optional: the company CA certificate (PEM)")
        self.ca_browse = named(QPushButton("Br&owse…"), "diagnoseCaBrowse", "Choose a CA file")
        self.proxy = named(QLineEdit(), "diagnoseProxy", "Proxy URL")
        self.proxy.setPlaceholderText("optional: http://proxy.example.com:3128")
        self.auth = named(QComboBox(), "diagnoseAuth", "Authentication method")
        for key, text in AUTH_CHOICES.items():
            self.auth.addItem(text, key)
        self.username = named(QLineEdit(), "diagnoseUsername", "Username")
        self.username.setPlaceholderText("the service account the link signs in as")
        self.secret = named(QLineEdit(), "diagnoseSecret", "Password or token")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.consumer_key = named(QLineEdit(), "diagnoseConsumerKey", "Consumer key")
        self.private_key = named(QLineEdit(), "diagnosePrivateKey", "Private key file")
        self.key_browse = named(QPushButton("Bro&wse…"), "diagnosePrivateKeyBrowse", "Choose the private key")
        self.project = named(QLineEdit(), "diagnoseProject", "Project key")
        self.project.setPlaceholderText("optional: check the account's permissions in this project")
        self.secret_label = buddy("Pass&word:", self.secret)
        form.addRow(buddy("Jira base &URL:", self.url), self.url)
        form.addRow(buddy("C&A file:", self.ca_file), _file_row(self.ca_file, self.ca_browse))
        form.addRow(buddy("Pro&xy:", self.proxy), self.proxy)
        form.addRow(buddy("Au&thentication:", self.auth), self.auth)
        form.addRow(buddy("User&name:", self.username), self.username)
        form.addRow(self.secret_label, self.secret)
        form.addRow(buddy("Consumer &key:", self.consumer_key), self.consumer_key)
        self.key_row = _file_row(self.private_key, self.key_browse)
        form.addRow(buddy("Private ke&y:", self.private_key), self.key_row)
        form.addRow(buddy("Pro&ject:", self.project), self.project)
        self.url_form = form
        self.ca_browse.clicked.connect(lambda: self._choose(self.ca_file, "Choose the CA certificate", CA_FILTER))
        self.key_browse.clicked.connect(
            lambda: self._choose(self.private_key, "Choose the private key", "PEM files (*.pem *.key);;All files (*)")
        )

    def _bundle_form(self) -> None:
        self.bundle_box = QWidget()
        form = QFormLayout(self.bundle_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.bundle = named(QLineEdit(), "diagnoseBundle", "Bundle file")
        self.bundle_browse = named(QPushButton("Brow&se…"), "diagnoseBundleBrowse", "Choose a bundle file")
        self.passphrase = named(QLineEdit(), "diagnosePassphrase", "Bundle passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("only for a bundle sealed with a passphrase")
        form.addRow(buddy("Bundle &file:", self.bundle), _file_row(self.bundle, self.bundle_browse))
        form.addRow(buddy("Pass&phrase:", self.passphrase), self.passphrase)
        self.bundle_browse.clicked.connect(lambda: self._choose(self.bundle, "Open a connector bundle", BUNDLE_FILTER))

    def _choose(self, edit: QLineEdit, title: str, filters: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, title, edit.text(), filters)
        if path:
            edit.setText(path)

    def source(self) -> DiagnoseSource:
        return DiagnoseSource.BUNDLE if self.by_bundle.isChecked() else DiagnoseSource.URL

    def auth_key(self) -> str:
        return str(self.auth.currentData() or "")

    def _refresh(self) -> None:
        bundle = self.source() is DiagnoseSource.BUNDLE
        self.url_box.setVisible(not bundle)
        self.bundle_box.setVisible(bundle)
        auth = self.auth_key()
        for widget, shown in (
            (self.username, bool(auth)),
            (self.secret, bool(auth)),
            (self.consumer_key, auth == "oauth1"),
            (self.key_row, auth == "oauth1"),
        ):
            self.url_form.setRowVisible(widget, shown)
        self.secret_label.setText(_SECRET_LABELS.get(auth, "Pass&word:"))
        self.secret.setAccessibleName(self.secret_label.text().replace("&", "").rstrip(":"))
        self.changed.emit()

    def ready(self) -> bool:
        if self.source() is DiagnoseSource.BUNDLE:
            return bool(self.bundle.text().strip())
        auth = self.auth_key()
        if not self.url.text().strip():
            return False
        if auth == "basic" and not self.username.text().strip():
            return False
        if auth == "oauth1" and not self.private_key.text().strip():
            return False
        return not auth or bool(self.secret.text())

    def typed(self) -> Typed:
        return Typed(
            url=self.url.text(),
            auth=self.auth_key(),
            username=self.username.text(),
            secret=self.secret.text(),
            consumer_key=self.consumer_key.text(),
            private_key_file=self.private_key.text(),
            ca_file=self.ca_file.text(),
            proxy=self.proxy.text(),
            project_key=self.project.text(),
        )
