"""Import is all or nothing: a failure at any step leaves the saved connections and the secret store exactly as
they were, including when an existing connection was being replaced."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.bundle import BundleImportError, OpenedBundle, build_bundle, dump_bundle, import_bundle, read_bundle
from assistant.core import saved
from assistant.core.profiles import default_profile
from assistant.core.secrets import MemorySecretStore, SecretStoreError
from tests.unit.test_bundle_model import connection_for


class FailingStore(MemorySecretStore):
    """A store whose `fail_on`-th write fails, as a keyring that locks mid-way would."""

    def __init__(self, fail_on: int) -> None:
        super().__init__("tests")
        self.fail_on = fail_on
        self.writes = 0

    def set(self, profile_id: str, kind: str, value: str) -> None:
        self.writes += 1
        if self.writes == self.fail_on:
            raise SecretStoreError(f"could not store {profile_id}/{kind}: the keyring is locked")
        super().set(profile_id, kind, value)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JLA_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def _opened(method: str = "oauth2", ca_file: str | None = None) -> OpenedBundle:
    import dataclasses

    connection = dataclasses.replace(connection_for(method), ca_file=ca_file)
    return read_bundle(dump_bundle(build_bundle(connection, default_profile(), None, "plaintext")))


def _snapshot(folder: Path, store: MemorySecretStore) -> tuple[dict[str, bytes], dict[str, str]]:
    files = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    return files, dict(store._values)


def test_a_store_failure_midway_leaves_nothing(config_dir: Path) -> None:
    for fail_on in (1, 2, 3):
        store = FailingStore(fail_on)
        with pytest.raises(BundleImportError, match="nothing was imported: could not store"):
            import_bundle(_opened(), store)
        assert store._values == {}
        assert saved.names() == []


def test_a_settings_write_failure_rolls_back_secrets_and_certificate(tmp_path: Path, config_dir: Path) -> None:
    import trustme

    ca_file = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca_file))
    (config_dir / "connections").mkdir(parents=True)
    (config_dir / "connections" / "jira-link.json").mkdir()  # a directory where the settings file must go
    store = MemorySecretStore("tests")
    before = _snapshot(config_dir, store)
    with pytest.raises(BundleImportError, match="nothing was imported"):
        import_bundle(_opened(ca_file=str(ca_file)), store, replace=True)
    assert _snapshot(config_dir, store) == before
    assert not (config_dir / "ca" / "jira-link.pem").exists()


def test_a_failed_replacement_restores_the_previous_connection(config_dir: Path) -> None:
    store = MemorySecretStore("tests")
    import_bundle(_opened("basic"), store)
    before = _snapshot(config_dir, store)
    failing = FailingStore(fail_on=2)
    failing._values = dict(store._values)
    with pytest.raises(BundleImportError):
        import_bundle(_opened("oauth2"), failing, replace=True)
    assert _snapshot(config_dir, failing) == before
    assert saved.load_with_secrets("jira-link", failing).method == "basic"


def test_an_existing_name_is_not_overwritten_without_replace(config_dir: Path) -> None:
    store = MemorySecretStore("tests")
    import_bundle(_opened("basic"), store)
    before = _snapshot(config_dir, store)
    with pytest.raises(BundleImportError, match="already exists") as caught:
        import_bundle(_opened("pat"), store)
    assert caught.value.field == "name"
    assert _snapshot(config_dir, store) == before


def test_replacing_leaves_no_stale_secret(config_dir: Path) -> None:
    store = MemorySecretStore("tests")
    import_bundle(_opened("basic"), store)
    imported = import_bundle(_opened("pat"), store, replace=True)
    assert saved.load_with_secrets("jira-link", store) == imported
    assert store.get("jira-link", "password") is None


def test_an_invalid_target_name_is_a_clear_error() -> None:
    with pytest.raises(BundleImportError, match="must be 1-64 letters"):
        import_bundle(_opened(), MemorySecretStore("tests"), name="bad/name")


def test_settings_are_private_files(config_dir: Path) -> None:
    import_bundle(_opened(), MemorySecretStore("tests"))
    assert os.stat(config_dir / "connections" / "jira-link.json").st_mode & 0o777 == 0o600
