"""OAuth 2.0: the incoming External application link, then the authorization code + PKCE dance.

The link is made by the admin following the click-path (then Client ID and secret are pasted here) or by the
assistant with an administrator's credentials. "Authorize" opens the browser; the loopback receiver waits on
the worker with Cancel available, and the address the browser ended on can always be pasted instead.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit

from assistant.core.click_paths import SCOPE_LABELS
from assistant.core.flow import PageId
from assistant.core.methods import MethodId
from assistant.core.profiles import redirect_url_problem
from assistant.gui import jobs
from assistant.gui.model import WizardContext
from assistant.gui.pages.method_common import AuthorizingPage, when
from assistant.gui.widgets.authorize import AuthorizePanel
from assistant.gui.widgets.basics import buddy, named, wrapped
from assistant.jira import admin
from assistant.jira.loopback import LoopbackError
from assistant.jira.oauth2 import OAuth2App, OAuth2Tokens, https_warning


class OAuth2Page(AuthorizingPage):
    page_id = PageId.OAUTH2
    stopped_message = "Stopped waiting. Authorize again, or paste the address the browser ended on."
    exchanging_message = "Exchanging the authorization code …"
    help_topic = "oauth2"
    method_id = MethodId.OAUTH2

    def __init__(self, context: WizardContext) -> None:
        super().__init__(
            context,
            "Create an incoming link in Jira, then authorize the connector as the service account. No password "
            "leaves Jira.",
        )
        self.authorization: jobs.Authorization | None = None
        self.tokens: OAuth2Tokens | None = None

        self.redirect = named(
            QLineEdit(f"http://localhost:{context.services.redirect_port}/callback"),
            "oauth2RedirectUrl",
            "Redirect URL",
            "http://localhost:PORT/... lets this assistant receive the answer; any other address needs the "
            "paste fallback.",
        )
        self.scope = named(QComboBox(), "oauth2Scope", "Scope")
        for scope, label in SCOPE_LABELS.items():
            self.scope.addItem(label, scope)
        self.scope.setCurrentIndex(list(SCOPE_LABELS).index(context.profile.scope.value))
        self.redirect_problem = wrapped(object_name="oauth2RedirectProblem")
        self.redirect_problem.hide()
        form = QFormLayout()
        form.addRow(buddy("&Redirect URL:", self.redirect), self.redirect)
        form.addRow("", self.redirect_problem)
        form.addRow(buddy("Sc&ope:", self.scope), self.scope)

        self.body.addWidget(self.heading("1. The incoming link"))
        self.body.addLayout(form)
        self.manual, self.assisted, self.admin = self.link_creation(
            "I &make the link in Jira myself", "Create it for &me with an administrator's credentials", "oauth2"
        )

        self.client_id = named(QLineEdit(), "oauth2ClientId", "Client ID")
        self.client_secret = named(QLineEdit(), "oauth2ClientSecret", "Client secret")
        self.client_secret.setEchoMode(QLineEdit.EchoMode.Password)
        client_form = QFormLayout()
        client_form.addRow(buddy("Client &ID:", self.client_id), self.client_id)
        client_form.addRow(buddy("Client s&ecret:", self.client_secret), self.client_secret)
        self.body.addLayout(client_form)

        self.body.addWidget(self.heading("2. Authorize as the service account"))
        self.https_note = wrapped(object_name="oauth2HttpsWarning")
        self.body.addWidget(self.https_note)
        self.authorize = AuthorizePanel(
            "oauth2", "Re&directed address", "Paste the whole address the browser ended on after Allow"
        )
        self.body.addWidget(self.authorize)
        self.body.addStretch(1)

        self.manual.toggled.connect(self._mode_changed)
        self.redirect.textChanged.connect(self._link_changed)
        self.scope.currentIndexChanged.connect(self._link_changed)
        for field in (self.client_id, self.client_secret):
            field.textChanged.connect(self._client_changed)
        self.admin.sendRequested.connect(self._create_client)
        self.wire_authorization()

    # Loading ------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        warning = https_warning(self.ctx.require_target().base_url)
        self.https_note.setText(warning or "")
        self.https_note.setVisible(bool(warning))
        self._link_changed()
        self._mode_changed()
        self.redirect.setFocus()

    def _app(self) -> OAuth2App:
        return OAuth2App(
            self.client_id.text().strip(), self.client_secret.text(), self.redirect.text().strip(), self._scope()
        )

    def _scope(self) -> str:
        return str(self.scope.currentData())

    def _mode_changed(self) -> None:
        manual = self.manual.isChecked()
        self.steps.setVisible(manual)
        self.steps_hint.setVisible(manual and not self.steps.fields)
        self.admin.setVisible(not manual)

    def _link_changed(self) -> None:
        redirect = self.redirect.text().strip()
        problem = redirect_url_problem(redirect) if redirect else "Enter the redirect URL."
        self.redirect_problem.setText(problem or "")
        self.redirect_problem.setVisible(bool(problem))
        self.show_steps(redirect_url=redirect, scope=self._scope())
        self._mode_changed()
        plan = admin.plan_oauth2_client(
            self.ctx.require_target().base_url, self.ctx.profile.link_name, redirect, self._scope()
        )
        self.admin.set_plan(plan.describe() if not problem else "")
        self._client_changed()

    def _client_changed(self) -> None:
        """Another client or redirect makes earlier tokens meaningless."""
        self.problem.clear()
        self._forget_authorization()
        self.tokens = None
        self.authorize.set_result("")
        self.set_connection(None)
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        ready = bool(self.client_id.text().strip() and self.client_secret.text() and not self.redirect_problem.text())
        self.authorize.set_enabled(ready and not self.busy)
        self.admin.send.setEnabled(self.admin.ready() and not self.busy)

    def busy_changed(self, busy: bool) -> None:
        self._refresh_buttons()

    # Admin-assisted creation --------------------------------------------------------------------------

    def _create_client(self) -> None:
        user, password = self.admin.credentials()
        target = self.ctx.require_target()
        plan = admin.plan_oauth2_client(
            target.base_url, self.ctx.profile.link_name, self.redirect.text().strip(), self._scope()
        )
        open_session = self.ctx.services.open_session
        self.run(
            "Creating the incoming link in Jira …",
            lambda cancel, report: jobs.as_admin(
                open_session, target, user, password, lambda session: admin.create_oauth2_client(session, plan)
            ),
            self._client_created,
        )

    def _client_created(self, created: admin.OAuth2ClientCreated) -> None:
        self.client_id.setText(created.client_id)
        self.client_secret.setText(created.client_secret)
        self.admin.password.clear()
        self.authorize.set_result(f"Jira created the incoming link; Client ID {created.client_id}.")

    # Authorization ------------------------------------------------------------------------------------

    def _authorize(self) -> None:
        self._forget_authorization()
        app, target, open_session = self._app(), self.ctx.require_target(), self.ctx.services.open_session

        def start(cancel: object, report: object) -> jobs.Authorization:
            try:
                return jobs.start_oauth2(open_session, target, app, loopback=True)
            except LoopbackError:
                return jobs.start_oauth2(open_session, target, app, loopback=False)

        self.run("Preparing the authorization …", start, self._started)

    def _started(self, authorization: jobs.Authorization) -> None:
        self.authorization = authorization
        self.ctx.services.open_browser(authorization.url)
        if authorization.listening:
            message = (
                f"The browser shows Jira's consent page: sign in as {self.ctx.collected.username} and click Allow. "
                f"Waiting for Jira to send the browser back to {self.redirect.text().strip()} …"
            )
            self.authorize.set_waiting(True, authorization.url, message)
            self.run(
                "Waiting for the browser …",
                lambda cancel, report: jobs.wait_for_browser(authorization, cancel),
                self._authorized,
            )
        else:
            message = (
                f"The browser shows Jira's consent page: sign in as {self.ctx.collected.username} and click "
                "Allow, then paste the address the browser ends on below."
            )
            self.authorize.set_waiting(False, authorization.url, message)

    def _authorized(self, tokens: OAuth2Tokens) -> None:
        self.tokens = tokens
        self._forget_authorization()
        self.authorize.set_waiting(False, "", "")
        self.authorize.set_result(
            f"Authorized with scope {tokens.scope}. The access token is valid until {when(tokens.expires_at)}"
            + ("; the refresh token renews it." if tokens.refresh_token else "; there is no refresh token.")
        )
        app = self._app()
        connection = self.ctx.connection(
            MethodId.OAUTH2,
            client_id=app.client_id,
            scope=tokens.scope,
            redirect_uri=app.redirect_uri,
            token_expires_at=tokens.expires_at,
        ).with_secrets(
            client_secret=app.client_secret, access_token=tokens.access_token, refresh_token=tokens.refresh_token
        )
        self.set_connection(connection)
