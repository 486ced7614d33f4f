"""`jira-link-assistant bundle` in-process: exit codes, messages, and a leak test over every method × mode ×
command (stdout, stderr and log records must contain none of the secrets)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from assistant import cli
from assistant.bundle.model import MODES
from assistant.commands import bundle as bundle_command
from assistant.core import saved
from assistant.core.secrets import MemorySecretStore
from tests.unit.test_bundle_model import METHODS, PASSPHRASE, assert_no_secret, connection_for, secret_value

FAST = ["--scrypt-n", "16384"]


class PersistentMemoryStore(MemorySecretStore):
    """Stands in for a system keyring: one store shared by every command of a test."""

    @property
    def persistent(self) -> bool:
        return True


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MemorySecretStore:
    monkeypatch.setenv("JLA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BUNDLE_PASSPHRASE", PASSPHRASE)
    shared = PersistentMemoryStore("tests")
    monkeypatch.setattr(bundle_command, "open_secret_store", lambda: shared)
    return shared


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["bundle", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", METHODS)
def test_no_command_output_contains_a_secret(  # noqa: PLR0917 - two parameters and four fixtures
    method: str,
    mode: str,
    store: MemorySecretStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    saved.persist(connection_for(method), store)
    target = tmp_path / "out.bundle.json"
    extra = ["--plaintext-secrets"] if mode == "plaintext" else []
    outputs = []
    runs = [
        ["export", "--no-validate", "--secrets", mode, *extra, *FAST, "--output", str(target)],
        ["export", "--format", "env", "--output", "-"],
        ["inspect", str(target)],
        ["inspect", str(target), "--format", "json"],
        ["verify", str(target)],
        ["verify", str(target), "--format", "json"],
        ["import", str(target), "--name", "copy", "--format", "json"],
    ]
    for args in runs:
        code, out, err = _run(args, capsys)
        assert code == 0, (args, err)
        outputs.append(out + err)
    assert_no_secret("\n".join(outputs) + caplog.text)
    data = target.read_text()
    if mode == "plaintext":
        assert (target.stat().st_mode & 0o777) == 0o600
    else:
        assert_no_secret(data)
    imported = saved.load_with_secrets("copy", store)
    assert dict(imported.secrets) == ({} if mode == "omitted" else dict(connection_for(method).secrets))


def test_inspect_shows_the_readable_summary(
    store: MemorySecretStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved.persist(connection_for("oauth2"), store)
    target = tmp_path / "b.json"
    assert _run(["export", "--no-validate", *FAST, "--output", str(target)], capsys)[0] == 0
    code, out, err = _run(["inspect", str(target)], capsys)
    assert code == 0
    assert any(line.split() == ["Client", "ID", "a1b2c3d4e5"] for line in out.splitlines())
    assert "encrypted (scrypt N=16384, r=8, p=1; AES-256-GCM)" in out
    assert "seal was not checked" in err


def test_env_export_writes_secrets_only_on_request(
    store: MemorySecretStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved.persist(connection_for("pat"), store)
    code, out, _ = _run(["export", "--format", "env", "--output", "-"], capsys)
    assert code == 0
    assert "JIRA_URL=https://jira.example.com" in out
    assert "JIRA_API_TOKEN" in out
    assert secret_value("pat", "pat") not in out
    target = tmp_path / "jira.env"
    assert _run(["export", "--format", "env", "--plaintext-secrets", "--output", str(target)], capsys)[0] == 0
    assert f"JIRA_API_TOKEN={secret_value('pat', 'pat')}" in target.read_text()
    assert (target.stat().st_mode & 0o777) == 0o600
    code, _, err = _run(["export", "--format", "env", "--plaintext-secrets", "--output", "-"], capsys)
    assert code == 2
    assert "not to standard output" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--secrets", "plaintext", "--no-validate"], "add --plaintext-secrets"),
        (["export", "--connection", "nope", "--no-validate"], "no saved connection named 'nope'"),
        (["export", "--format", "env", "--secrets", "omitted"], "no secret modes"),
        (["inspect", "/nonexistent/bundle.json"], "no such file"),
        (["verify", "/"], "is a directory"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, store: MemorySecretStore, capsys: pytest.CaptureFixture[str]
) -> None:
    saved.persist(connection_for("basic"), store)
    code, _, err = _run(args, capsys)
    assert code == 2
    assert message in err


def test_a_missing_passphrase_without_a_terminal_names_the_variable(
    store: MemorySecretStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    saved.persist(connection_for("basic"), store)
    monkeypatch.delenv("BUNDLE_PASSPHRASE")
    code, _, err = _run(["export", "--no-validate"], capsys)
    assert code == 2
    assert "BUNDLE_PASSPHRASE" in err


def test_bad_bundles_exit_1_with_the_field_in_json(
    store: MemorySecretStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    saved.persist(connection_for("basic"), store)
    target = tmp_path / "b.json"
    assert _run(["export", "--no-validate", *FAST, "--output", str(target)], capsys)[0] == 0
    monkeypatch.setenv("BUNDLE_PASSPHRASE", "a wrong passphrase")
    code, out, err = _run(["verify", str(target), "--format", "json"], capsys)
    assert code == 1
    assert json.loads(out)["error"]["code"] == "BundleIntegrityError"
    assert "passphrase is wrong" in err
    target.write_text(target.read_text().replace('"basic"', '"basic2"'))
    code, out, _ = _run(["import", str(target), "--format", "json"], capsys)
    assert code == 1
    assert json.loads(out)["error"]["field"] == "auth.method"
    assert saved.names() == ["jira-link"]


def test_a_keyring_bundle_needs_a_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JLA_CONFIG_DIR", str(tmp_path / "config"))
    memory = MemorySecretStore("no keyring in this test")
    monkeypatch.setattr(bundle_command, "open_secret_store", lambda: memory)
    saved.persist(connection_for("basic"), memory)
    code, _, err = _run(["export", "--secrets", "keyring", "--no-validate"], capsys)
    assert code == 2
    assert "needs a system keyring" in err
