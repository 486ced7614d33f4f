"""Diagnosing the sandbox the way the command does: connections for every method, and the whole check list."""

from __future__ import annotations

import socket
import threading

from assistant.core.connection import Connection
from assistant.core.credentials import generate_rsa_key_pair, new_consumer_key
from assistant.diagnostics.checks import CHECKS
from assistant.diagnostics.context import DiagnosticContext
from assistant.diagnostics.model import CheckResult, Report
from assistant.diagnostics.runner import diagnose
from assistant.jira import oauth1, oauth2
from assistant.jira.dances import OAuth1Dance, OAuth2Dance
from assistant.sandbox import Sandbox
from tests.conftest import session_for
from tests.integration.engine_helpers import connection_for, session_to

KEY = generate_rsa_key_pair(2048)
PRIVATE_PEM = KEY.private_pem().decode()


def run(sandbox: Sandbox, connection: Connection | None, *, write_test: bool = False, timeout: float = 5.0) -> Report:
    ctx = DiagnosticContext(
        sandbox.base_url,
        connection=connection,
        project_key=sandbox.project_key,
        ca_file=sandbox.ca_cert,
        timeout=timeout,
        write_test=write_test,
    )
    return diagnose(ctx, CHECKS)


def result(report: Report, check_id: str) -> CheckResult:
    return next(check for check in report.checks if check.id == check_id)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _browse(sandbox: Sandbox, url: str) -> None:
    with session_for(sandbox) as browser:
        browser.get(url, allow_redirects=True, timeout=10)


def oauth2_connection(sandbox: Sandbox, scope: str = "WRITE") -> Connection:
    """A real authorization code dance (the sandbox auto-approves as the service account)."""
    redirect = f"http://localhost:{free_port()}/callback"
    client_id, secret = sandbox.add_oauth2_client(f"Connector {new_consumer_key()}", [redirect], scope)
    app = oauth2.OAuth2App(client_id, secret, redirect, scope)
    with session_to(sandbox) as session:
        dance = OAuth2Dance(session, sandbox.base_url, app)
        visit = threading.Thread(target=_browse, args=(sandbox, dance.start()))
        visit.start()
        tokens = dance.wait(timeout=10)
        visit.join()
    connection = connection_for(
        sandbox, "oauth2", client_id=client_id, redirect_uri=redirect, token_expires_at=tokens.expires_at
    )
    return connection.with_secrets(
        access_token=tokens.access_token, refresh_token=tokens.refresh_token, client_secret=secret
    )


def oauth1_connection(sandbox: Sandbox) -> Connection:
    """A consumer registered with the connector's public key, and a real OAuth 1.0a dance for the token.

    The dance is signed against the URL the sandbox advertises, so it also works under `base-url-mismatch`.
    """
    key = new_consumer_key()
    sandbox.add_oauth1_consumer(key, "Connector", KEY.public_pem)
    consumer = oauth1.OAuth1Consumer(key, PRIVATE_PEM)
    with session_to(sandbox) as session:
        dance = OAuth1Dance(session, sandbox.base_url, consumer)
        visit = threading.Thread(target=_browse, args=(sandbox, dance.start()))
        visit.start()
        token = dance.wait(timeout=10)
        visit.join()
    connection = connection_for(sandbox, "oauth1-atlassian-product", consumer_key=key, public_key_pem=KEY.public_pem)
    return connection.with_secrets(
        private_key=PRIVATE_PEM, oauth1_token=token.token, oauth1_token_secret=token.secret or None
    )
