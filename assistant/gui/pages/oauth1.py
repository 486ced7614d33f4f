"""OAuth 1.0a, both variants: the Atlassian product link (8.22+) and the Generic Application link (before 8.22).

The connector's RSA key pair is generated on the worker (or an existing private key is loaded); the admin gets
the consumer key, consumer name and public key to paste, each with Copy, or the assistant creates the link with
an administrator's credentials. Then the same authorize step as OAuth 2.0: browser and loopback receiver, or the
verification code Jira shows when the browser cannot come back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
)

from assistant.core import credentials
from assistant.core.flow import PageId
from assistant.core.methods import MethodId
from assistant.gui import jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.method_common import AuthorizingPage, when
from assistant.gui.widgets.authorize import AuthorizePanel
from assistant.gui.widgets.basics import CopyField, buddy, named, wrapped
from assistant.jira import admin
from assistant.jira.oauth1 import OAuth1Consumer, OAuth1Token

_SUBTITLES = {
    MethodId.OAUTH1_ATLASSIAN_PRODUCT: "An application link made through Create link › Atlassian product, with an "
    "incoming consumer holding the connector's public key. Legacy: prefer OAuth 2.0 where Jira offers it.",
    MethodId.OAUTH1_GENERIC: "An application link of type Generic Application, with an incoming consumer holding "
    "the connector's public key. Legacy: Jira 8.22 and later make OAuth 2.0 links instead.",
}


class OAuth1Page(AuthorizingPage):
    """One class for both variants; they differ only in Jira's dialog, which the click-path describes."""

    stopped_message = "Stopped waiting. Authorize again, or paste the code or address."
    exchanging_message = "Exchanging the verification code …"

    def __init__(self, context: WizardContext, method_id: MethodId) -> None:
        self.method_id = method_id
        self.page_id = (
            PageId.OAUTH1_ATLASSIAN_PRODUCT
            if method_id is MethodId.OAUTH1_ATLASSIAN_PRODUCT
            else (PageId.OAUTH1_GENERIC)
        )
        self.help_topic = method_id.value.replace("-", "_")
        super().__init__(context, _SUBTITLES[method_id])
        prefix = self.help_topic
        self.key: jobs.KeyMaterial | None = None
        self.authorization: jobs.Authorization | None = None
        self._build_key_section(prefix)
        self._build_link_section(prefix, context)
        self._build_authorize_section(prefix)
        self._connect()

    def _build_key_section(self, prefix: str) -> None:
        self.body.addWidget(self.heading("1. The connector's key pair"))
        self.key_size = named(QComboBox(), f"{prefix}KeySize", "RSA key size")
        for bits in credentials.KEY_SIZES:
            self.key_size.addItem(f"{bits} bits", bits)
        self.generate = named(QPushButton("&Generate key pair"), f"{prefix}GenerateKey", "Generate key pair")
        self.load_key = named(
            QPushButton("Use an e&xisting private key…"), f"{prefix}LoadKey", "Use an existing private key"
        )
        self.passphrase = named(QLineEdit(), f"{prefix}KeyPassphrase", "Passphrase of the existing private key")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("only for an encrypted existing key")
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_size)
        key_row.addWidget(self.generate)
        key_row.addWidget(self.load_key)
        key_row.addStretch(1)
        self.fingerprint = wrapped(object_name=f"{prefix}Fingerprint")
        self.fingerprint.setAccessibleName("Public key fingerprint")
        self.public_key = CopyField(f"{prefix}PublicKey", "Public key", multiline=True)
        self.save_public = named(
            QPushButton("&Save public key…"), f"{prefix}SavePublicKey", "Save the public key to a file"
        )
        key_form = QFormLayout()
        key_form.addRow(buddy("Key si&ze:", self.key_size), key_row)
        key_form.addRow(buddy("Passp&hrase:", self.passphrase), self.passphrase)
        key_form.addRow("Fingerprint (SHA-256):", self.fingerprint)
        key_form.addRow("Public key:", self.public_key)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_public)
        save_row.addStretch(1)
        key_form.addRow("", save_row)
        self.body.addLayout(key_form)

    def _build_link_section(self, prefix: str, context: WizardContext) -> None:
        self.body.addWidget(self.heading("2. The application link in Jira"))
        self.consumer_key = named(
            QLineEdit(credentials.new_consumer_key()),
            f"{prefix}ConsumerKey",
            "Consumer key",
            "An identifier Jira matches the connector by; not a secret.",
        )
        self.consumer_name = named(QLineEdit(context.profile.display_name), f"{prefix}ConsumerName", "Consumer name")
        self.app_url = named(QLineEdit(), f"{prefix}AppUrl", "Application URL", "The connecting application's address.")
        self.app_url.setPlaceholderText("https://connector.example.com")
        link_form = QFormLayout()
        link_form.addRow(buddy("&Application URL:", self.app_url), self.app_url)
        link_form.addRow(buddy("Consumer &key:", self.consumer_key), self.consumer_key)
        link_form.addRow(buddy("Consumer na&me:", self.consumer_name), self.consumer_name)
        self.body.addLayout(link_form)
        self.manual, self.assisted, self.admin = self.link_creation(
            "I ma&ke the link in Jira myself", "Create it for me with an a&dministrator's credentials", prefix
        )

    def _build_authorize_section(self, prefix: str) -> None:
        self.body.addWidget(self.heading("3. Authorize as the service account"))
        self.out_of_band = named(
            QCheckBox("&Jira shows a verification code instead of returning to this assistant"),
            f"{prefix}OutOfBand",
            "Use a verification code",
            "For a browser on another machine, or where localhost is blocked.",
        )
        self.body.addWidget(self.out_of_band)
        self.authorize = AuthorizePanel(
            prefix, "Code or addr&ess", "Paste the verification code Jira shows, or the address the browser ended on"
        )
        self.body.addWidget(self.authorize)
        self.body.addStretch(1)

    def _connect(self) -> None:
        self.generate.clicked.connect(self._generate)
        self.load_key.clicked.connect(self._load_key)
        self.save_public.clicked.connect(self._save_public_key)
        self.manual.toggled.connect(self._mode_changed)
        for field in (self.consumer_key, self.consumer_name, self.app_url):
            field.textChanged.connect(self._link_changed)
        self.admin.sendRequested.connect(self._create_link)
        self.wire_authorization()

    def initializePage(self) -> None:
        self._link_changed()
        if self.key is None:
            self._generate()

    # The key pair -------------------------------------------------------------------------------------

    def _generate(self) -> None:
        bits = int(self.key_size.currentData())
        self.run(
            f"Generating a {bits}-bit RSA key pair …", lambda cancel, report: jobs.generate_key(bits), self._key_ready
        )

    def _load_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the connector's private key", "", "PEM (*.pem *.key);;All files (*)"
        )
        if not path:
            return
        passphrase = self.passphrase.text()
        self.run("Reading the private key …", lambda cancel, report: jobs.load_key(path, passphrase), self._key_ready)

    def _key_ready(self, key: jobs.KeyMaterial) -> None:
        self.key = key
        self.passphrase.clear()
        self.fingerprint.setText(f"{key.fingerprint} ({key.bits} bits)")
        self.public_key.set_value(key.public_pem)
        self._link_changed()

    def _save_public_key(self) -> None:
        if self.key is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the public key", "public.pem", "PEM (*.pem)")
        if path:
            Path(path).write_text(self.key.public_pem, encoding="ascii")
            self.fingerprint.setText(f"{self.key.fingerprint} ({self.key.bits} bits) — public key saved to {path}")

    # The link -----------------------------------------------------------------------------------------

    def _values(self) -> dict[str, str]:
        return {
            "app_url": self.app_url.text().strip(),
            "consumer_key": self.consumer_key.text().strip(),
            "consumer_name": self.consumer_name.text().strip(),
            "public_key": self.key.public_pem if self.key else "",
        }

    def _mode_changed(self) -> None:
        manual = self.manual.isChecked()
        self.steps.setVisible(manual)
        self.steps_hint.setVisible(manual and not self.steps.fields)
        self.admin.setVisible(not manual)

    def _link_changed(self) -> None:
        values = self._values()
        self.show_steps(**values)
        self._mode_changed()
        complete = all(values.values())
        plans = self._plans() if complete else []
        self.admin.set_plan("\n\n".join(plan.describe() for plan in plans))
        self._forget_authorization()
        self.authorize.set_result("")
        self.set_connection(None)
        self._refresh_buttons()

    def _plans(self) -> list[admin.PlannedRequest]:
        values = self._values()
        return admin.plan_oauth1_link(
            self.ctx.require_target().base_url,
            values["app_url"],
            link_name=self.ctx.profile.link_name,
            consumer_key=values["consumer_key"],
            consumer_name=values["consumer_name"],
            public_key_pem=values["public_key"],
        )

    def _refresh_buttons(self) -> None:
        idle = not self.busy
        ready = all(self._values().values())
        for button in (self.generate, self.load_key):
            button.setEnabled(idle)
        self.save_public.setEnabled(self.key is not None)
        self.admin.send.setEnabled(idle and self.admin.ready())
        self.authorize.set_enabled(idle and ready)

    def busy_changed(self, busy: bool) -> None:
        self._refresh_buttons()

    def _create_link(self) -> None:
        user, password = self.admin.credentials()
        target, plans, open_session = self.ctx.require_target(), self._plans(), self.ctx.services.open_session
        self.run(
            "Creating the application link in Jira …",
            lambda cancel, report: jobs.as_admin(
                open_session, target, user, password, lambda session: admin.create_oauth1_link(session, plans)
            ),
            self._link_created,
        )

    def _link_created(self, link_id: str) -> None:
        self.admin.password.clear()
        self.authorize.set_result(f"Jira created application link {link_id} with its incoming consumer.")

    # Authorization ------------------------------------------------------------------------------------

    def _authorize(self) -> None:
        if self.key is None:
            return
        self._forget_authorization()
        consumer = OAuth1Consumer(self.consumer_key.text().strip(), self.key.private_pem)
        target, open_session = self.ctx.require_target(), self.ctx.services.open_session
        loopback = not self.out_of_band.isChecked()
        self.run(
            "Asking Jira for a request token …",
            lambda cancel, report: jobs.start_oauth1(open_session, target, consumer, loopback),
            self._started,
        )

    def _started(self, authorization: jobs.Authorization) -> None:
        self.authorization = authorization
        self.ctx.services.open_browser(authorization.url)
        who = self.ctx.collected.username
        if authorization.listening:
            self.authorize.set_waiting(
                True,
                authorization.url,
                f"The browser shows Jira's authorization page: sign in as {who} and click Allow. Waiting for Jira "
                "to send the browser back …",
            )
            self.run(
                "Waiting for the browser …",
                lambda cancel, report: jobs.wait_for_browser(authorization, cancel),
                self._authorized,
            )
        else:
            self.authorize.set_waiting(
                False,
                authorization.url,
                f"The browser shows Jira's authorization page: sign in as {who}, click Allow, and paste the "
                "verification code Jira shows.",
            )

    def _authorized(self, token: OAuth1Token) -> None:
        assert self.key is not None
        self._forget_authorization()
        self.authorize.set_result(f"Authorized. The access token {_expiry(token.expires_at)}.")
        values = self._values()
        connection = self.ctx.connection(
            self.method_id,
            consumer_key=values["consumer_key"],
            consumer_name=values["consumer_name"],
            public_key_pem=self.key.public_pem,
            token_expires_at=token.expires_at,
        ).with_secrets(
            private_key=self.key.private_pem, oauth1_token=token.token, oauth1_token_secret=token.secret or None
        )
        self.set_connection(connection)


def _expiry(expires_at: float | None) -> str:
    return "has no expiry date" if expires_at is None else f"is valid until {when(expires_at)}"
