"""`python -m assistant sandbox` as a script meets it: one JSON line, a working server, a clean exit.

Start-up times are printed (visible with `pytest -s`), never asserted: they depend on the machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from assistant.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "assistant", "sandbox"]


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*COMMAND, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.fixture
def cli_sandbox() -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    started = time.perf_counter()
    process = _start("--tls")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        print(f"\nsandbox CLI: JSON line after {time.perf_counter() - started:.3f} s")
        assert line, process.stderr.read() if process.stderr else ""
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def _trusting(ca_cert: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = ca_cert
    return session


def _stop(process: subprocess.Popen[str], signum: signal.Signals) -> tuple[int, str]:
    process.send_signal(signum)
    remaining, _ = process.communicate(timeout=15)
    return process.returncode, remaining


def test_cli_prints_one_json_line_with_the_documented_fields(
    cli_sandbox: tuple[subprocess.Popen[str], dict[str, Any]],
) -> None:
    process, info = cli_sandbox
    assert set(info) == {
        "base_url",
        "ca_cert",
        "jira_version",
        "admin",
        "service_account",
        "project_key",
    }
    assert info["base_url"].startswith("https://127.0.0.1:")
    assert Path(info["ca_cert"]).is_file()
    assert info["jira_version"] == "10.3.0"
    assert set(info["admin"]) == {"username", "password"}
    assert set(info["service_account"]) == {"username", "password", "pat"}
    assert info["project_key"] == "DEMO"
    code, remaining = _stop(process, signal.SIGTERM)
    assert code == 0
    assert remaining == ""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_cli_serves_with_its_ca_and_exits_0_on_signal(
    cli_sandbox: tuple[subprocess.Popen[str], dict[str, Any]], signum: signal.Signals
) -> None:
    process, info = cli_sandbox
    service = info["service_account"]
    with _trusting(info["ca_cert"]) as session:
        by_password = session.get(
            f"{info['base_url']}/rest/api/2/myself", auth=(service["username"], service["password"])
        )
        by_token = session.get(
            f"{info['base_url']}/rest/api/2/myself", headers={"Authorization": f"Bearer {service['pat']}"}
        )
    assert by_password.status_code == 200
    assert by_token.json()["name"] == service["username"]
    code, _ = _stop(process, signum)
    assert code == 0


def test_cli_refuses_a_bad_jira_version_with_exit_2() -> None:
    result = subprocess.run(
        [*COMMAND, "--jira-version", "ten"], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "not a Jira version: 'ten'" in result.stderr


def test_in_process_start_up_time_is_reported() -> None:
    for tls in (False, True):
        started = time.perf_counter()
        with Sandbox(tls=tls) as sandbox:
            elapsed = time.perf_counter() - started
            assert sandbox.base_url.startswith("https://" if tls else "http://")
        print(f"\nSandbox(tls={tls}) started in {elapsed:.3f} s")
