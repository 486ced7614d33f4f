"""Bundles end to end, as a user runs them: a real `setup` against the sandbox, secrets in a real Secret Service
(gnome-keyring on a private bus), then export, verify against Jira, import elsewhere and verify again."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.cli_helpers import cli_env, run_cli, sandbox_process
from tests.integration.keyring_fixtures import SecretService, secret_service_fixture  # noqa: F401

PASSPHRASE = "integration passphrase 42"
FAST = ["--scrypt-n", "16384"]


def _env(tmp_path: Path, service: SecretService, config: str = "config", **extra: str) -> dict[str, str]:
    env = cli_env(tmp_path, {"BUNDLE_PASSPHRASE": PASSPHRASE, **extra})
    env["JLA_CONFIG_DIR"] = str(tmp_path / config)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.SecretService.Keyring"
    env["DBUS_SESSION_BUS_ADDRESS"] = service.bus_address
    return env


def _ok(args: list[str], env: dict[str, str], *secrets: str) -> str:
    result = run_cli(args, env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for secret in secrets:
        assert secret not in result.stdout + result.stderr
    return result.stdout + result.stderr


def test_bundle_after_a_real_setup_round_trips_and_still_works(tmp_path: Path, secret_service: SecretService) -> None:
    with sandbox_process("--tls") as info:
        password = info["service_account"]["password"]
        env = _env(tmp_path, secret_service, JIRA_PASSWORD=password)
        _ok(["setup", "--url", info["base_url"], "--ca-file", info["ca_cert"], "--method", "basic",
             "--username", "jira-link-bot", "--project", "DEMO", "--yes", "--name", "prod"], env, password)  # fmt: skip
        encrypted = tmp_path / "prod.bundle.json"
        output = _ok(["bundle", "export", "--connection", "prod", *FAST, "--output", str(encrypted)], env, password)
        assert "Calls run as the service account" in output
        document = json.loads(encrypted.read_text())
        assert document["validation"]["ok"] is True
        assert document["validation"]["identity"] == "jira-link-bot"
        assert document["jira"]["ca_certificate_pem"].startswith("-----BEGIN CERTIFICATE-----")
        assert document["jira"]["deployment"] in ("Server", "DataCenter")
        assert password not in encrypted.read_text()
        _ok(["bundle", "verify", str(encrypted), "--live"], env, password)

        # Another machine's configuration, same keyring: import, then prove the imported secrets work.
        elsewhere = _env(tmp_path, secret_service, config="elsewhere")
        _ok(["bundle", "import", str(encrypted), "--name", "restored"], elsewhere, password)
        by_keyring = tmp_path / "restored.bundle.json"
        _ok(["bundle", "export", "--connection", "restored", "--secrets", "keyring", "--output", str(by_keyring)],
            elsewhere, password)  # fmt: skip
        assert json.loads(by_keyring.read_text())["validation"]["ok"] is True
        _ok(["bundle", "verify", str(by_keyring), "--live"], elsewhere, password)
        shown = _ok(["bundle", "inspect", str(by_keyring)], elsewhere, password)
        assert "restored/password" in shown
    stored = secret_service.stored({"service": "jira-link-assistant", "username": "restored/password"})
    assert [secret for _, secret in stored] == [password]


def test_a_failing_link_and_broken_bundles_are_named(tmp_path: Path, secret_service: SecretService) -> None:
    with sandbox_process("--tls") as info:
        password = info["service_account"]["password"]
        env = _env(tmp_path, secret_service, JIRA_PASSWORD=password)
        _ok(["setup", "--url", info["base_url"], "--ca-file", info["ca_cert"], "--method", "basic",
             "--username", "jira-link-bot", "--yes", "--name", "failing"], env, password)  # fmt: skip
        keyring_bundle = tmp_path / "k.json"
        _ok(["bundle", "export", "--connection", "failing", "--secrets", "keyring", "--no-validate",
             "--output", str(keyring_bundle)], env)  # fmt: skip
        wrong = _env(tmp_path, secret_service, BUNDLE_PASSPHRASE="not the passphrase at all")
        plain = tmp_path / "p.json"
        _ok(["bundle", "export", "--connection", "failing", "--secrets", "plaintext", "--plaintext-secrets",
             "--no-validate", "--output", str(plain)], env)  # fmt: skip
        assert plain.stat().st_mode & 0o777 == 0o600
        plain.write_text(plain.read_text().replace(password, "a-password-jira-refuses"))
        result = run_cli(["bundle", "verify", str(plain), "--live", "--format", "json"], env)
        assert result.returncode == 1
        assert json.loads(result.stdout)["checks"][-1] == {
            "id": "live", "status": "fail", "detail": "the link fails against Jira now"
        }  # fmt: skip
        assert "a-password-jira-refuses" not in result.stdout + result.stderr
        encrypted = tmp_path / "e.json"
        _ok(["bundle", "export", "--connection", "failing", "--no-validate", *FAST, "--output", str(encrypted)], env)
    result = run_cli(["bundle", "import", str(encrypted), "--name", "x"], wrong)
    assert result.returncode == 1
    assert "passphrase is wrong" in result.stderr
    no_keyring = cli_env(tmp_path / "other-machine")
    result = run_cli(["bundle", "import", str(keyring_bundle), "--format", "json"], no_keyring)
    assert result.returncode == 1
    assert "failing/password is not here" in json.loads(result.stdout)["error"]["message"]
    assert not (tmp_path / "other-machine" / "config" / "connections").exists()
