"""`--self-test`: every check passes from a clean process without a display, and failures are counted and named."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from assistant import self_test
from assistant.sandbox import Sandbox

_LINE = re.compile(r"^(PASS|FAIL) (\S+) +(.*) \((\d+) ms\)$")


def test_the_self_test_passes_without_a_display() -> None:
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {name: value for name, value in os.environ.items() if name not in hidden}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # never touch the developer's keyring
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--self-test"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stdout + result.stderr
    *lines, summary = result.stdout.splitlines()
    assert summary == f"{len(self_test.CHECKS)} passed, 0 failed"
    parsed = [_LINE.match(line) for line in lines]
    assert all(parsed), lines
    found = {match.group(2): match for match in parsed if match}
    assert list(found) == [name for name, _ in self_test.CHECKS]
    assert all(match.group(1) == "PASS" for match in found.values())
    assert "(offscreen)" in found["gui"].group(3)  # chose the offscreen platform itself
    assert "Basic as jira-link-bot and PAT as jira-link-bot" in found["engine"].group(3)
    assert found["keyring"].group(3).startswith("secrets would be kept in memory")
    assert sum(int(match.group(4)) for match in found.values()) < 5000
    assert elapsed < 30
    assert Sandbox().service_account.password not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def _broken() -> str:
    raise self_test.CheckFailed("the widget factory is missing")


def _crashing() -> str:
    raise ValueError("login refused for password=hunter2-secret")


def test_failures_are_counted_named_and_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    code = self_test.run([("fine", lambda: "all there"), ("broken", _broken), ("crashing", _crashing)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert re.fullmatch(r"PASS fine      all there \(\d+ ms\)", lines[0])
    assert re.fullmatch(r"FAIL broken    the widget factory is missing \(\d+ ms\)", lines[1])
    assert lines[2].startswith("FAIL crashing  ValueError: login refused for password=")
    assert "hunter2-secret" not in lines[2]
    assert lines[3] == "1 passed, 2 failed"


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {}, "offscreen"),
        ("linux", {"DISPLAY": ":0"}, None),
        ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, None),
        ("linux", {"QT_QPA_PLATFORM": "xcb"}, "xcb"),
        ("darwin", {}, None),
        ("win32", {}, None),
    ],
)
def test_offscreen_is_chosen_only_where_no_display_exists(
    platform: str, environ: dict[str, str], expected: str | None
) -> None:
    self_test.use_offscreen_without_display(environ, platform)
    assert environ.get("QT_QPA_PLATFORM") == expected
