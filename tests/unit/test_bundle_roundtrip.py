"""Every auth method × every secrets mode survives export, reading and import unchanged; plus the pure helpers
(preview, environment variables) the GUI calls."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

import pytest

from assistant.bundle import (
    MODES,
    BundleError,
    Mode,
    build_bundle,
    dump_bundle,
    env_text,
    import_bundle,
    preview,
    read_bundle,
    write_bundle,
)
from assistant.bundle.model import SECRET_KINDS_BY_METHOD
from assistant.bundle.sealing import DEFAULT_SCRYPT_N
from assistant.core import saved
from assistant.core.connection import Secrets
from assistant.core.profiles import default_profile
from assistant.core.secrets import MemorySecretStore
from tests.unit.test_bundle_model import (
    FAST_N,
    METHODS,
    PASSPHRASE,
    assert_no_secret,
    connection_for,
    secret_value,
)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JLA_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def _store_with(method: str) -> MemorySecretStore:
    store = MemorySecretStore("tests")
    original = connection_for(method)
    for kind, value in original.secrets.items():
        store.set(original.name, kind, value)
    return store


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", METHODS)
def test_round_trip(method: str, mode: Mode) -> None:
    original = connection_for(method)
    store = _store_with(method)
    bundle = build_bundle(original, default_profile(), None, mode, PASSPHRASE, scrypt_n=FAST_N, min_scrypt_n=FAST_N)
    opened = read_bundle(dump_bundle(bundle), PASSPHRASE, min_scrypt_n=FAST_N)
    assert opened.mode == mode
    assert opened.kinds == tuple(sorted(SECRET_KINDS_BY_METHOD[method]))
    imported = import_bundle(opened, store, name="imported")
    loaded = saved.load_with_secrets("imported", store)
    expected = dataclasses.replace(original, name="imported")
    if mode == "omitted":
        assert dict(loaded.secrets) == {}
        assert loaded == dataclasses.replace(expected, secrets=loaded.secrets)
    else:
        assert loaded == expected
    assert imported == loaded
    if mode != "plaintext":
        assert_no_secret(dump_bundle(bundle).decode())
    assert_no_secret(preview(bundle) + preview(opened.document) + json.dumps(opened.document))


def test_the_default_scrypt_cost_round_trips_once() -> None:
    original = connection_for("oauth2")
    bundle = build_bundle(original, default_profile(), None, "encrypted", PASSPHRASE)
    assert bundle["secrets"]["kdf"] == {**bundle["secrets"]["kdf"], "n": DEFAULT_SCRYPT_N, "r": 8, "p": 1}
    opened = read_bundle(dump_bundle(bundle), PASSPHRASE)
    assert dict(opened.connection.secrets) == dict(original.secrets)


def test_without_a_passphrase_an_encrypted_bundle_opens_for_reading_only() -> None:
    bundle = build_bundle(connection_for("basic"), default_profile(), None, "encrypted", PASSPHRASE, scrypt_n=FAST_N,
                          min_scrypt_n=FAST_N)  # fmt: skip
    opened = read_bundle(dump_bundle(bundle), None, min_scrypt_n=FAST_N)
    assert not opened.secrets_available
    assert dict(opened.connection.secrets) == {}
    assert "ciphertext" not in opened.document["secrets"]
    with pytest.raises(BundleError, match="passphrase"):
        import_bundle(opened, MemorySecretStore("tests"))
    assert saved.names() == []


def test_the_ca_certificate_travels_and_lands_beside_the_settings(tmp_path: Path, config_dir: Path) -> None:
    import trustme

    ca_file = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca_file))
    original = dataclasses.replace(connection_for("pat"), ca_file=str(ca_file))
    bundle = build_bundle(original, default_profile(), None, "plaintext")
    assert bundle["jira"]["ca_certificate_pem"].startswith("-----BEGIN CERTIFICATE-----")
    imported = import_bundle(read_bundle(dump_bundle(bundle)), MemorySecretStore("tests"), name="other")
    assert imported.ca_file == str(config_dir / "ca" / "other.pem")
    assert Path(imported.ca_file).read_text() == ca_file.read_text()


def test_proxy_credentials_never_enter_a_bundle() -> None:
    original = dataclasses.replace(connection_for("basic"), proxy="http://user:proxy-pass-123@proxy.example.com:3128")
    data = dump_bundle(build_bundle(original, default_profile(), None, "omitted"))
    assert b"proxy-pass-123" not in data
    assert read_bundle(data).connection.proxy == "http://proxy.example.com:3128"


def test_a_connection_without_its_secrets_cannot_export_them() -> None:
    bare = dataclasses.replace(connection_for("oauth2"), secrets=Secrets())
    for mode in ("encrypted", "plaintext", "keyring"):
        with pytest.raises(BundleError, match="has no access token here"):
            build_bundle(bare, default_profile(), None, mode, PASSPHRASE, scrypt_n=FAST_N, min_scrypt_n=FAST_N)
    assert build_bundle(bare, default_profile(), None, "omitted")["secrets"] == {"mode": "omitted", "kinds": []}


def test_a_short_passphrase_and_a_weak_cost_are_refused() -> None:
    with pytest.raises(BundleError, match="at least 8"):
        build_bundle(connection_for("basic"), default_profile(), None, "encrypted", "short")
    with pytest.raises(BundleError, match="weaker than the minimum"):
        build_bundle(connection_for("basic"), default_profile(), None, "encrypted", PASSPHRASE, scrypt_n=FAST_N)


def test_plaintext_files_are_private_and_writes_are_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out" / "b.json"
    write_bundle(target, b"first", "plaintext")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    write_bundle(target, b"second", "encrypted")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.json"]


@pytest.mark.parametrize("method", METHODS)
def test_environment_variables_per_method(method: str) -> None:
    connection = connection_for(method)
    hidden = env_text(connection)
    assert hidden.splitlines()[1:3] == ["JIRA_URL=https://jira.example.com", f"JIRA_AUTH_METHOD={method}"]
    assert "JIRA_USERNAME=connector-bot" in hidden
    assert ("JIRA_CLIENT_ID=a1b2c3d4e5" in hidden) == (method == "oauth2")
    assert ("JIRA_CONSUMER_KEY=jla-consumer-1234" in hidden) == method.startswith("oauth1")
    assert_no_secret(hidden)
    shown = env_text(connection, include_secrets=True)
    for kind in SECRET_KINDS_BY_METHOD[method]:
        assert secret_value(method, kind) in shown


def test_environment_variables_read_back_in_a_shell(tmp_path: Path) -> None:
    import subprocess

    connection = connection_for("oauth1-generic")
    env_file = tmp_path / "jira.env"
    env_file.write_text(env_text(connection, include_secrets=True))
    script = f'set -a; . "{env_file}"; printf %s "$JIRA_PRIVATE_KEY"'
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout == connection.secrets["private_key"]


def test_preview_names_the_essentials() -> None:
    bundle = build_bundle(connection_for("oauth2"), default_profile(), None, "keyring")
    text = preview(bundle)
    for expected in ("jira-link", "https://jira.example.com", "oauth2", "a1b2c3d4e5", "jira-link/access_token",
                     "Validation            not recorded"):  # fmt: skip
        assert expected in text
