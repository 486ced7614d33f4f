"""`jira-link-assistant setup` driven as a subprocess against a sandbox subprocess, one test per method."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration.cli_helpers import cli_env, free_port, run_cli, run_cli_with_browser, sandbox_process


def _common(info: dict[str, object], method: str, export: Path | None = None) -> list[str]:
    """Without a system keyring (as in these tests) setup insists on sealing the secrets into a bundle."""
    sealed = ["--export", str(export)] if export else []
    return [
        "setup",
        *sealed,
        "--url", str(info["base_url"]),
        "--ca-file", str(info["ca_cert"]),
        "--method", method,
        "--username", "jira-link-bot",
        "--project", "DEMO",
        "--format", "json",
        "--yes",
        "--no-browser",
    ]  # fmt: skip


def _secrets_absent(output: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in output


def test_basic_setup_proves_the_link_with_a_write_round_trip(tmp_path: Path) -> None:
    with sandbox_process("--tls") as info:
        password = info["service_account"]["password"]
        result = run_cli(
            [*_common(info, "basic", tmp_path / "link.bundle.json"), "--write-test"],
            cli_env(tmp_path, {"JIRA_PASSWORD": password}),
        )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["ok"] is True
    assert outcome["identity"] == "jira-link-bot"
    assert [s["id"] for s in outcome["steps"]] == [
        "server", "identity", "permissions", "create", "comment", "transition", "cleanup"
    ]  # fmt: skip
    saved = json.loads((tmp_path / "config" / "connections" / "jira-link.json").read_text())
    assert saved["method"] == "basic"
    assert "password" not in json.dumps(saved)
    _secrets_absent(result.stdout + result.stderr, password)
    sealed = (tmp_path / "link.bundle.json").read_text()
    _secrets_absent(sealed, password)
    verify = run_cli(["bundle", "verify", str(tmp_path / "link.bundle.json")], cli_env(tmp_path))
    assert verify.returncode == 0, verify.stderr


def test_wrong_password_fails_with_its_finding_and_stores_nothing(tmp_path: Path) -> None:
    with sandbox_process("--tls") as info:
        result = run_cli(
            _common(info, "basic", tmp_path / "link.bundle.json"),
            cli_env(tmp_path, {"JIRA_PASSWORD": "not-the-password"}),
        )
    assert result.returncode == 1
    outcome = json.loads(result.stdout)
    assert outcome["error"]["code"] == "AUTH_BAD_CREDENTIALS"
    assert "Reset failed login count" not in outcome["error"]["remedy"] or outcome["error"]["remedy"]
    assert not (tmp_path / "config" / "connections").exists()
    _secrets_absent(result.stdout + result.stderr, "not-the-password")


def test_captcha_locked_account_is_named(tmp_path: Path) -> None:
    with sandbox_process("--tls", "--fault", "captcha") as info:
        password = info["service_account"]["password"]
        result = run_cli(
            _common(info, "basic", tmp_path / "link.bundle.json"), cli_env(tmp_path, {"JIRA_PASSWORD": password})
        )
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "AUTH_CAPTCHA"


def test_pat_setup_with_the_service_accounts_token(tmp_path: Path) -> None:
    with sandbox_process("--tls") as info:
        pat = info["service_account"]["pat"]
        result = run_cli(
            _common(info, "pat", tmp_path / "link.bundle.json"), cli_env(tmp_path, {"JIRA_API_TOKEN": pat})
        )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["identity"] == "jira-link-bot"
    _secrets_absent(result.stdout + result.stderr, pat)


def test_bad_pat_is_caught_although_jira_answers_it_as_anonymous(tmp_path: Path) -> None:
    with sandbox_process("--tls") as info:
        result = run_cli(
            _common(info, "pat", tmp_path / "link.bundle.json"),
            cli_env(tmp_path, {"JIRA_API_TOKEN": "a-token-jira-never-issued"}),
        )
    assert result.returncode == 1
    outcome = json.loads(result.stdout)
    assert outcome["ok"] is False
    assert outcome["error"]["code"] == "AUTH_TOKEN_INVALID"
    assert outcome["steps"][1]["status"] == "fail"


def test_service_account_creates_its_own_pat(tmp_path: Path) -> None:
    with sandbox_process("--tls") as info:
        password = info["service_account"]["password"]
        args = [*_common(info, "pat", tmp_path / "link.bundle.json"), "--create-pat", "--pat-days", "30"]
        result = run_cli(args, cli_env(tmp_path, {"JIRA_PASSWORD": password}))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    saved = json.loads((tmp_path / "config" / "connections" / "jira-link.json").read_text())
    assert saved["pat_expires_at"] > 0


def test_cloud_url_is_refused_as_usage_error(tmp_path: Path) -> None:
    result = run_cli(["setup", "--url", "https://example.atlassian.net", "--format", "json"], cli_env(tmp_path))
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["code"] == "URL_IS_CLOUD"
    assert "Traceback" not in result.stderr


def test_schemeless_and_malformed_urls_are_named(tmp_path: Path) -> None:
    for url in ("ftp://jira.example.com", "https://", "http://jira.example.com/?q=1"):
        result = run_cli(["setup", "--url", url, "--format", "json"], cli_env(tmp_path))
        assert result.returncode == 2, url
        assert json.loads(result.stdout)["error"]["code"] == "URL_INVALID", url
        assert "Traceback" not in result.stderr


def test_missing_secret_without_a_terminal_names_the_variable(tmp_path: Path) -> None:
    with sandbox_process("--tls") as info:
        result = run_cli(_common(info, "basic", tmp_path / "link.bundle.json"), cli_env(tmp_path))
    assert result.returncode == 2
    assert "JIRA_PASSWORD" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_host_is_named_not_a_traceback(tmp_path: Path) -> None:
    args = ["setup", "--url", "http://127.0.0.1:9", "--format", "json", "--export", str(tmp_path / "b.json")]
    result = run_cli(args, cli_env(tmp_path))
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "TCP_REFUSED"
    assert "Traceback" not in result.stderr


def test_server_that_is_not_jira_is_named(tmp_path: Path) -> None:
    with sandbox_process("--tls", "--fault", "sso-redirect") as info:
        args = ["setup", "--url", info["base_url"], "--ca-file", info["ca_cert"], "--format", "json"]
        result = run_cli([*args, "--export", str(tmp_path / "b.json")], cli_env(tmp_path))
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "HTTP_LOGIN_REDIRECT"


def _oauth2_client(info: dict[str, object], redirect: str) -> tuple[str, str]:
    """What the admin does in Jira's dialog, done over REST for the test."""
    import requests

    admin = info["admin"]
    assert isinstance(admin, dict)
    with requests.Session() as session:
        session.trust_env = False
        session.verify = str(info["ca_cert"])
        answer = session.post(
            f"{info['base_url']}/rest/oauth2/latest/client",
            json={"name": "Connector", "redirects": [redirect], "scope": "WRITE"},
            auth=(admin["username"], admin["password"]),
            timeout=10,
        )
    answer.raise_for_status()
    body = answer.json()
    return body["clientId"], body["clientSecret"]


def test_oauth2_setup_through_the_loopback_receiver(tmp_path: Path) -> None:
    port = free_port()
    with sandbox_process("--tls", "--auto-approve") as info:
        client_id, secret = _oauth2_client(info, f"http://localhost:{port}/callback")
        env = cli_env(tmp_path, {"JIRA_CLIENT_ID": client_id, "JIRA_CLIENT_SECRET": secret})
        args = [*_common(info, "oauth2", tmp_path / "link.bundle.json"), "--redirect-port", str(port), "--write-test"]
        result = run_cli_with_browser(args, env, info["ca_cert"])
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["ok"] is True
    assert outcome["identity"] == "jira-link-bot"
    _secrets_absent(result.stdout + result.stderr, secret)


def test_oauth2_setup_with_the_paste_fallback_and_admin_assisted_link(tmp_path: Path) -> None:
    port = free_port()
    with sandbox_process("--tls", "--auto-approve") as info:
        admin = info["admin"]
        env = cli_env(tmp_path, {"JIRA_ADMIN_USERNAME": admin["username"], "JIRA_ADMIN_PASSWORD": admin["password"]})
        args = [
            *_common(info, "oauth2", tmp_path / "link.bundle.json"),
            "--redirect-port",
            str(port),
            "--paste",
            "--create-in-jira",
        ]
        result = run_cli_with_browser(args, env, info["ca_cert"], paste=True)
    assert result.returncode == 0, result.stderr
    assert "POST " in result.stderr  # the planned request was shown before it was sent
    assert json.loads(result.stdout)["ok"] is True
    _secrets_absent(result.stdout + result.stderr, admin["password"])


def test_oauth1_atlassian_product_setup_with_admin_assisted_link(tmp_path: Path) -> None:
    with sandbox_process("--tls", "--auto-approve") as info:
        admin = info["admin"]
        env = cli_env(tmp_path, {"JIRA_ADMIN_USERNAME": admin["username"], "JIRA_ADMIN_PASSWORD": admin["password"]})
        args = [
            *_common(info, "oauth1-atlassian-product", tmp_path / "link.bundle.json"),
            "--app-url", "https://connector.example.com",
            "--create-in-jira",
            "--save-public-key", str(tmp_path / "public.pem"),
        ]  # fmt: skip
        result = run_cli_with_browser(args, env, info["ca_cert"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    assert (tmp_path / "public.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE KEY" not in result.stdout + result.stderr


def test_oauth1_generic_setup_on_8_20_with_out_of_band_code(tmp_path: Path) -> None:
    with sandbox_process("--tls", "--auto-approve", "--jira-version", "8.20.14") as info:
        admin = info["admin"]
        env = cli_env(tmp_path, {"JIRA_ADMIN_USERNAME": admin["username"], "JIRA_ADMIN_PASSWORD": admin["password"]})
        args = [
            *_common(info, "oauth1-generic", tmp_path / "link.bundle.json"),
            "--app-url", "https://connector.example.com",
            "--create-in-jira",
            "--paste",
        ]  # fmt: skip
        result = run_cli_with_browser(args, env, info["ca_cert"], paste=True)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["ok"] is True
    assert outcome["jira_version"] == "8.20.14"


def test_oauth2_client_credentials_for_a_jira_11_service_account(tmp_path: Path) -> None:
    with sandbox_process("--tls", "--jira-version", "11.0.0") as info:
        client_id, secret = _oauth2_client(info, "https://connector.example.com/callback")
        env = cli_env(tmp_path, {"JIRA_CLIENT_ID": client_id, "JIRA_CLIENT_SECRET": secret})
        result = run_cli([*_common(info, "oauth2", tmp_path / "link.bundle.json"), "--client-credentials"], env)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["ok"] is True
    assert outcome["identity"] == "jira-link-bot"
    assert "Authorization URL" not in result.stderr


def test_unreadable_url_is_named_not_a_traceback(tmp_path: Path) -> None:
    result = run_cli(["setup", "--url", "https://[jira.example.com", "--format", "json"], cli_env(tmp_path))
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["code"] == "URL_INVALID"
    assert "Traceback" not in result.stderr


def test_without_a_keyring_setup_refuses_before_touching_jira(tmp_path: Path) -> None:
    with sandbox_process("--tls") as info:
        admin = info["admin"]
        env = cli_env(tmp_path, {"JIRA_ADMIN_USERNAME": admin["username"], "JIRA_ADMIN_PASSWORD": admin["password"]})
        args = [*_common(info, "oauth2"), "--create-in-jira"]
        result = run_cli(args, env)
        clients = _clients(info)
    assert result.returncode == 2
    assert "--export" in result.stderr
    assert clients == []


def _clients(info: dict[str, Any]) -> list[dict[str, Any]]:
    import requests

    with requests.Session() as session:
        session.trust_env = False
        session.verify = str(info["ca_cert"])
        answer = session.get(
            f"{info['base_url']}/rest/oauth2/latest/client",
            auth=(info["admin"]["username"], info["admin"]["password"]),
            timeout=10,
        )
    clients: list[dict[str, Any]] = answer.json()
    return clients


def test_a_link_name_that_exists_is_an_admin_refusal_with_a_way_out(tmp_path: Path) -> None:
    with sandbox_process("--tls", "--auto-approve") as info:
        _oauth2_client(info, "http://localhost:1234/callback")  # "Connector" exists already
        admin = info["admin"]
        env = cli_env(tmp_path, {"JIRA_ADMIN_USERNAME": admin["username"], "JIRA_ADMIN_PASSWORD": admin["password"]})
        args = [
            *_common(info, "oauth2", tmp_path / "b.json"),
            "--create-in-jira",
            "--link-name",
            "Connector",
            "--paste",
        ]
        result = run_cli(args, env)
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "ADMIN_REQUEST_REFUSED"
    assert "--link-name" in error["remedy"]


def test_disabled_pats_are_named_when_creating_one(tmp_path: Path) -> None:
    with sandbox_process("--tls", "--fault", "pat-disabled") as info:
        env = cli_env(tmp_path, {"JIRA_PASSWORD": info["service_account"]["password"]})
        result = run_cli([*_common(info, "pat", tmp_path / "b.json"), "--create-pat"], env)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "PAT_DISABLED"


def test_no_browser_coming_back_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    port = free_port()
    with sandbox_process("--tls") as info:
        client_id, secret = _oauth2_client(info, f"http://localhost:{port}/callback")
        env = cli_env(tmp_path, {"JIRA_CLIENT_ID": client_id, "JIRA_CLIENT_SECRET": secret})
        args = [*_common(info, "oauth2", tmp_path / "b.json"), "--redirect-port", str(port), "--auth-timeout", "1"]
        result = run_cli(args, env)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "OAUTH_CALLBACK_MISSING"
    assert "Traceback" not in result.stderr


def test_busy_loopback_port_is_found_before_the_link_is_created(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy, sandbox_process("--tls") as info:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        admin = info["admin"]
        env = cli_env(tmp_path, {"JIRA_ADMIN_USERNAME": admin["username"], "JIRA_ADMIN_PASSWORD": admin["password"]})
        args = [*_common(info, "oauth2", tmp_path / "b.json"), "--create-in-jira", "--redirect-port", str(port)]
        result = run_cli(args, env)
        clients = _clients(info)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "OAUTH_CALLBACK_MISSING"
    assert clients == []


def test_bad_ca_file_is_a_usage_error(tmp_path: Path) -> None:
    with sandbox_process("--tls") as info:
        args = ["setup", "--url", info["base_url"], "--ca-file", str(tmp_path / "missing.pem"), "--format", "json"]
        result = run_cli([*args, "--export", str(tmp_path / "b.json")], cli_env(tmp_path))
    assert result.returncode == 2
    assert "missing.pem" in json.loads(result.stdout)["error"]["message"]
    assert "Traceback" not in result.stderr
