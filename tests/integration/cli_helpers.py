"""Running the product as a user does: the sandbox and the CLI as separate processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PYTHON = sys.executable


@contextmanager
def sandbox_process(*options: str) -> Iterator[dict[str, Any]]:
    """`jira-link-assistant sandbox OPTIONS` in its own process; yields the JSON line it prints."""
    process = subprocess.Popen(
        [PYTHON, "-m", "assistant", "sandbox", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"sandbox did not start: {process.stderr.read() if process.stderr else ''}")
        yield json.loads(line)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def cli_env(tmp_path: Path, secrets: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment: no inherited Jira variables, its own config directory, no keyring backend."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "BUNDLE_", "KEY_PASSPHRASE"))}
    env["JLA_CONFIG_DIR"] = str(tmp_path / "config")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["BUNDLE_PASSPHRASE"] = "a passphrase for tests only"
    env.update(secrets or {})
    return env


def run_cli(
    args: Sequence[str], env: Mapping[str, str], stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run_cli_with_browser(
    args: Sequence[str], env: Mapping[str, str], ca_cert: str, *, paste: bool = False, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Runs the CLI and plays the user's browser: opens the authorization URL it prints.

    Without `paste` the browser follows Jira's redirects into the CLI's loopback receiver; with it, the
    browser stops at Jira's redirect and the address it would land on is pasted into the CLI's stdin.
    """
    import re
    import threading

    process = subprocess.Popen(
        [PYTHON, "-m", "assistant", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(env),
    )
    assert process.stderr is not None
    assert process.stdin is not None
    stderr_lines: list[str] = []
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        for line in process.stderr:
            stderr_lines.append(line)
            match = re.match(r"Authorization URL: (\S+)", line)
            if not match:
                continue
            if paste:
                process.stdin.write(_what_the_user_pastes(match.group(1), ca_cert) + "\n")
                process.stdin.flush()
            else:
                threading.Thread(target=_visit, args=(match.group(1), ca_cert), daemon=True).start()
        stdout = process.stdout.read() if process.stdout else ""
        process.wait(timeout=timeout)
    finally:
        timer.cancel()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, "".join(stderr_lines))


def _visit(url: str, ca_cert: str) -> None:
    """A browser following Jira's redirects into the loopback receiver; its own session, its own thread."""
    import requests

    with requests.Session() as browser:
        browser.trust_env = False
        browser.verify = ca_cert
        browser.get(url, allow_redirects=True, timeout=10)


def _what_the_user_pastes(url: str, ca_cert: str) -> str:
    """The address Jira sends the browser to after Allow, or the code its out-of-band page shows."""
    import re

    import requests

    with requests.Session() as browser:
        browser.trust_env = False
        browser.verify = ca_cert
        answer = browser.get(url, allow_redirects=False, timeout=10)
    code = re.search(r"class='oauth-verifier'>([^<]+)<", answer.text)
    return code.group(1) if code else answer.headers.get("Location", "")
