"""No secret leaves a diagnosis: for every method and every format, neither the report nor the log holds one.

The secrets are the connection's (passwords, tokens, client secret, private key, passphrases) and everything
the client sent on the wire to prove them: whole Authorization and Cookie headers, Basic credentials, Bearer
tokens and each request's `oauth_signature`. Failing runs are included, because failures carry the most evidence.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from assistant.bundle import build_bundle, dump_bundle
from assistant.commands.diagnose import log_filters
from assistant.core.connection import Connection
from assistant.core.profiles import default_profile
from assistant.diagnostics.checks import CHECKS
from assistant.diagnostics.context import DiagnosticContext
from assistant.diagnostics.render import renderer
from assistant.diagnostics.runner import diagnose
from assistant.sandbox import Sandbox
from tests.integration.cli_helpers import cli_env, run_cli
from tests.integration.diagnose_helpers import KEY, oauth1_connection, oauth2_connection
from tests.integration.engine_helpers import basic_connection, pat_connection

FORMATS = ("text", "json", "markdown", "html", "summary")
KEY_PASSPHRASE = "key-passphrase-9f3c1e"
BUNDLE_PASSPHRASE = "bundle-passphrase-77ad02"


@pytest.fixture(scope="module")
def jira() -> Iterator[Sandbox]:
    with Sandbox(tls=True, auto_approve=True) as sb:
        yield sb


@pytest.fixture(scope="module")
def mismatched() -> Iterator[Sandbox]:
    with Sandbox(tls=True, auto_approve=True, faults={"base-url-mismatch"}) as sb:
        yield sb


def sent_secrets(request: requests.PreparedRequest) -> list[str]:
    """What the client put on the wire that proves its identity."""
    found: list[str] = []
    for name in ("Authorization", "Cookie", "Proxy-Authorization"):
        raw: str | bytes | None = request.headers.get(name)  # requests-oauthlib sets bytes
        if not raw:
            continue
        value = raw.decode() if isinstance(raw, bytes) else raw
        found.append(value)
        scheme, _, credentials = value.partition(" ")
        found.append(credentials)
        if scheme == "Basic":
            found.append(base64.b64decode(credentials).decode())
        if scheme == "OAuth":
            params = dict(urllib.parse.parse_qsl(credentials.replace('", ', "&").replace('"', "")))
            signature = params.get("oauth_signature", "")
            found += [signature, urllib.parse.unquote(signature), urllib.parse.quote(signature, safe="")]
    return [item for item in found if len(item) >= 8]


def connection_secrets(connection: Connection) -> list[str]:
    values = list(connection.secrets.values())
    key = connection.secrets.get("private_key")
    if key:
        values += [line for line in key.splitlines() if "PRIVATE KEY" not in line and len(line) > 20]
    return values


def assert_clean(text: str, secrets: list[str], where: str) -> None:
    leaked = [secret[:6] + "…" for secret in secrets if secret and secret in text]
    assert not leaked, f"{where} holds secrets starting {leaked}"


def _oauth1(sandbox: Sandbox) -> Connection:
    return oauth1_connection(sandbox)


SCENARIOS: dict[str, Callable[[Sandbox], Connection]] = {
    "basic": basic_connection,
    "basic-wrong-password": lambda sb: basic_connection(sb, "Wrong-Password-4e1d9c"),
    "pat": pat_connection,
    "pat-unknown": lambda sb: pat_connection(sb, "unknown-personal-access-token-5b8e2f"),
    "oauth2": oauth2_connection,
    "oauth2-unknown-token": lambda sb: oauth2_connection(sb).with_secrets(access_token="unknown-access-token-c3a9"),
    "oauth2-wrong-client-secret": lambda sb: oauth2_connection(sb).with_secrets(client_secret="f" * 64),
    "oauth1": _oauth1,
    "oauth1-unknown-token": lambda sb: _oauth1(sb).with_secrets(oauth1_token="unknown-oauth1-token-71d2"),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_reports_and_log_hold_no_secret(scenario: str, jira: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    connection = SCENARIOS[scenario](jira)
    _diagnose_and_check(jira, connection, caplog)


def test_signature_failure_evidence_holds_no_secret(mismatched: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    from tests.integration.test_diagnostics_auth import minted_oauth1_connection

    report_text = _diagnose_and_check(mismatched, minted_oauth1_connection(mismatched), caplog)
    assert "signature_base_strings" in report_text


def _diagnose_and_check(sandbox: Sandbox, connection: Connection, caplog: pytest.LogCaptureFixture) -> str:
    sent: list[str] = []

    def record(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        sent.extend(sent_secrets(response.request))
        cookie = response.headers.get("Set-Cookie")
        if cookie:
            sent.append(cookie)

    ctx = DiagnosticContext(
        sandbox.base_url, connection=connection, project_key=sandbox.project_key, ca_file=sandbox.ca_cert
    )
    ctx.write_test = True
    ctx.session().hooks["response"].append(record)
    # The log as the product writes it: every record through the command's filters.
    for item in log_filters(ctx.known_secrets()):
        caplog.handler.addFilter(item)
    with caplog.at_level(logging.DEBUG):
        report = diagnose(ctx, CHECKS)
    assert sent, "the diagnosis sent no credentials"
    secrets = connection_secrets(connection) + sent
    outputs = {fmt: renderer(fmt)(report) for fmt in FORMATS}
    for fmt, text in outputs.items():
        assert_clean(text, secrets, f"the {fmt} report")
    assert_clean(caplog.text, secrets, "the log")
    return outputs["json"]


# The command, in its own process ---------------------------------------------------------------------------


def _cli_inputs(sandbox: Sandbox, method: str, tmp_path: Path) -> tuple[list[str], dict[str, str], list[str]]:
    """Arguments, environment and the secrets they carry, for one method, the way a user passes them."""
    account = sandbox.service_account
    base = ["--project", sandbox.project_key, "--write-test"]
    if method == "basic":
        env = {"JIRA_USERNAME": account.username, "JIRA_PASSWORD": account.password}
        return ["--url", sandbox.base_url, "--auth", "basic", *base], env, [account.password]
    if method == "pat":
        assert account.pat
        return ["--url", sandbox.base_url, "--auth", "pat", *base], {"JIRA_API_TOKEN": account.pat}, [account.pat]
    if method == "oauth1":
        connection = oauth1_connection(sandbox)
        key_file = tmp_path / "connector.private.pem"
        key_file.write_bytes(KEY.private_pem(KEY_PASSPHRASE))
        env = {
            "JIRA_CONSUMER_KEY": connection.consumer_key or "",
            "JIRA_PRIVATE_KEY_FILE": str(key_file),
            "KEY_PASSPHRASE": KEY_PASSPHRASE,
            "JIRA_OAUTH_TOKEN": connection.secrets["oauth1_token"],
            "JIRA_OAUTH_TOKEN_SECRET": connection.secrets.get("oauth1_token_secret", ""),
        }
        secrets = [KEY_PASSPHRASE, *connection_secrets(connection), key_file.read_text()]
        return ["--url", sandbox.base_url, "--auth", "oauth1", *base], env, secrets
    connection = dataclasses.replace(oauth2_connection(sandbox), ca_file=None)
    bundle = tmp_path / "link.bundle.json"
    document = build_bundle(connection, default_profile(), None, "encrypted", BUNDLE_PASSPHRASE, scrypt_n=2**14)
    bundle.write_bytes(dump_bundle(document))
    secrets = [BUNDLE_PASSPHRASE, *connection_secrets(connection)]
    return ["--bundle", str(bundle), *base], {"BUNDLE_PASSPHRASE": BUNDLE_PASSPHRASE}, secrets


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("method", ["basic", "pat", "oauth1", "oauth2"])
def test_command_output_and_log_hold_no_secret(method: str, fmt: str, jira: Sandbox, tmp_path: Path) -> None:
    args, env, secrets = _cli_inputs(jira, method, tmp_path)
    log, output = tmp_path / "diagnose.log", tmp_path / f"report.{fmt}"
    ca = ["--ca-bundle", str(jira.ca_cert)]
    command = ["diagnose", *args, *ca, "--format", fmt, "--output", str(output), "--log", str(log)]
    done = run_cli(command, cli_env(tmp_path, env))
    assert done.returncode == 0, done.stderr
    assert log.stat().st_size > 0
    for where, text in (
        ("stdout", done.stdout),
        ("stderr", done.stderr),
        ("the log", log.read_text()),
        ("the report", output.read_text()),
    ):
        assert_clean(text, secrets, f"{method}/{fmt}: {where}")
