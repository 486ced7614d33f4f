"""`jira-link-assistant diagnose` as a user runs it: a separate process against the sandbox, every format.

The sandbox runs in this process; the command runs in its own, with a clean environment and no keyring.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from assistant.bundle import build_bundle, dump_bundle
from assistant.core.profiles import default_profile
from assistant.sandbox import Sandbox
from tests.integration.cli_helpers import cli_env, run_cli
from tests.integration.diagnose_helpers import oauth2_connection

SCHEMA = json.loads(
    resources.files("assistant.resources").joinpath("schemas", "diagnostics-report.schema.json").read_text()
)


@pytest.fixture(scope="module")
def jira() -> Iterator[Sandbox]:
    with Sandbox(tls=True, auto_approve=True) as sb:
        yield sb


def basic_env(tmp_path: Path, sandbox: Sandbox, password: str | None = None) -> dict[str, str]:
    account = sandbox.service_account
    return cli_env(tmp_path, {"JIRA_USERNAME": account.username, "JIRA_PASSWORD": password or account.password})


def target(sandbox: Sandbox) -> list[str]:
    return ["diagnose", "--url", sandbox.base_url, "--ca-bundle", str(sandbox.ca_cert)]


def report_of(stdout: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(stdout)
    jsonschema.validate(report, SCHEMA)
    return report


def test_healthy_link_exits_0_with_live_text_progress(tmp_path: Path, jira: Sandbox) -> None:
    done = run_cli([*target(jira), "--auth", "basic", "--project", "DEMO"], basic_env(tmp_path, jira))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Jira Link Assistant")
    assert "(basic)" in lines[0]
    checks = [line.split()[1] for line in lines[1:12]]
    assert checks == ["url", "dns", "tcp", "tls", "http", "jira", "clock", "auth", "identity", "permissions", "write"]
    assert "Result:" in done.stdout
    assert f"calls run as {jira.service_account.username}" in done.stdout


def test_json_report_of_a_passing_run_with_a_write_test_validates(tmp_path: Path, jira: Sandbox) -> None:
    args = [*target(jira), "--auth", "basic", "--project", "DEMO", "--write-test", "--format", "json"]
    done = run_cli(args, basic_env(tmp_path, jira))
    assert done.returncode == 0, done.stderr
    report = report_of(done.stdout)
    assert report["outcome"] in ("pass", "warn")
    assert report["first_failure"] is None
    assert report["target"]["jira_version"] == jira.jira_version
    assert report["auth"] == {"method": "basic", "identity": jira.service_account.username}
    assert [c["status"] for c in report["checks"] if c["id"] in ("auth", "identity", "permissions", "write")] == [
        "pass"
    ] * 4
    # Progress goes to stderr, so stdout is only the JSON.
    assert " ✔ url" in done.stderr


def test_captcha_exits_1_and_the_json_names_it(tmp_path: Path) -> None:
    with Sandbox(tls=True, faults={"captcha"}) as sb:
        done = run_cli([*target(sb), "--auth", "basic", "--format", "json"], basic_env(tmp_path, sb))
    assert done.returncode == 1
    report = report_of(done.stdout)
    assert report["outcome"] == "fail"
    assert report["first_failure"] == {"id": "auth", "code": "AUTH_CAPTCHA"}


def test_refused_port_exits_1(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run_cli(["diagnose", "--url", f"https://127.0.0.1:{port}", "--format", "json"], cli_env(tmp_path))
    assert done.returncode == 1
    assert report_of(done.stdout)["first_failure"] == {"id": "tcp", "code": "TCP_REFUSED"}


def test_anonymous_diagnosis_skips_the_authenticated_checks(tmp_path: Path, jira: Sandbox) -> None:
    done = run_cli([*target(jira), "--format", "json"], cli_env(tmp_path))
    assert done.returncode == 0
    report = report_of(done.stdout)
    skipped = {c["id"]: c["detail"] for c in report["checks"] if c["status"] == "skip"}
    assert set(skipped) == {"auth", "identity", "permissions", "write"}
    assert "--auth" in skipped["auth"]


def test_markdown_html_and_summary_to_files(tmp_path: Path) -> None:
    with Sandbox(tls=True, faults={"basic-disabled"}) as sb:
        outputs = {}
        for fmt in ("markdown", "html", "summary"):
            path = tmp_path / f"report.{fmt}"
            done = run_cli(
                [*target(sb), "--auth", "basic", "--format", fmt, "--output", str(path)], basic_env(tmp_path, sb)
            )
            assert done.returncode == 1
            assert done.stdout == ""
            outputs[fmt] = path.read_text(encoding="utf-8")
    assert outputs["markdown"].startswith("# Jira connection diagnosis: FAIL")
    assert "`AUTH_BASIC_DISABLED`" in outputs["markdown"]
    page = outputs["html"]
    assert page.startswith("<!DOCTYPE html>")
    assert "AUTH_BASIC_DISABLED" in page
    assert "prefers-color-scheme: dark" in page
    assert "<details>" in page
    for external in ("<link", "src=", "@import", "url("):
        assert external not in page
    assert "Result: FAIL at auth: AUTH_BASIC_DISABLED" in outputs["summary"]


def test_bundle_plaintext_and_encrypted(tmp_path: Path) -> None:
    with Sandbox(tls=True, auto_approve=True) as sb:
        connection = oauth2_connection(sb)
        plain = tmp_path / "plain.json"
        plain.write_bytes(dump_bundle(build_bundle(connection, default_profile(), None, "plaintext")))
        sealed = tmp_path / "sealed.json"
        sealed.write_bytes(
            dump_bundle(
                build_bundle(connection, default_profile(), None, "encrypted", "a long passphrase", scrypt_n=2**14)
            )
        )
        env = cli_env(tmp_path)
        from_plain = run_cli(["diagnose", "--bundle", str(plain), "--format", "json"], env)
        from_sealed = run_cli(
            ["diagnose", "--bundle", str(sealed), "--format", "json"], {**env, "BUNDLE_PASSPHRASE": "a long passphrase"}
        )
        wrong = run_cli(["diagnose", "--bundle", str(sealed)], {**env, "BUNDLE_PASSPHRASE": "not the passphrase"})
    for done in (from_plain, from_sealed):
        assert done.returncode == 0, done.stderr
        report = report_of(done.stdout)
        assert report["auth"] == {"method": "oauth2", "identity": sb.service_account.username}
    assert wrong.returncode == 2
    assert "error:" in wrong.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "exactly one of --url"),
        (["--url", "https://jira.example.com", "--connection", "x"], "exactly one of --url"),
        (["--url", "https://jira.example.com", "--write-test"], "--write-test needs --project"),
        (["--url", "https://jira.example.com", "--ca-bundle", "/nonexistent/ca.pem"], "no such file"),
        (["--url", "https://jira.example.com", "--auth", "basic", "--username", "bot"], "JIRA_PASSWORD"),
        (["--url", "https://jira.example.com", "--auth", "pat"], "JIRA_API_TOKEN"),
        (["--url", "https://jira.example.com", "--timeout", "0"], "--timeout"),
        (["--connection", "never-saved"], "no saved connection"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    done = run_cli(["diagnose", *args], cli_env(tmp_path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
