"""Secrets go to a real Secret Service when one answers, and to memory (saying why) when the backend is unusable.

The stand-in backends below take a constructor argument on purpose: keyring registers every backend class it
sees and, during discovery, silently skips those it cannot build without arguments, so they cannot leak into
keyring's choice for the rest of the test run.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import SecretService as secret_service_backend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError

from assistant.core.secrets import (
    SERVICE_NAME,
    KeyringSecretStore,
    MemorySecretStore,
    SecretStoreError,
    open_secret_store,
)
from tests.integration.keyring_fixtures import (  # noqa: F401 - pytest finds the fixtures by name
    SecretService,
    restore_keyring_fixture,
    secret_service_fixture,
)

pytestmark = pytest.mark.usefixtures("restore_keyring")
MEMORY = "kept in memory for this session only: no usable system keyring ("


class DictKeyring(KeyringBackend):
    """A well-behaved backend that keeps entries in a dict the test owns."""

    priority = 5.0

    def __init__(self, entries: dict[tuple[str, str], str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries = entries

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


class PlaintextFileKeyring(KeyringBackend):
    """What `keyrings.alt.file.PlaintextKeyring` does: values in a readable file, priority 0.5."""

    priority = 0.5

    def __init__(self, path: Path) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.path = path

    def _read(self) -> dict[str, str]:
        return dict(json.loads(self.path.read_text())) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.path.write_text(json.dumps({**self._read(), f"{service}/{username}": password}))

    def delete_password(self, service: str, username: str) -> None:
        entries = self._read()
        entries.pop(f"{service}/{username}", None)
        self.path.write_text(json.dumps(entries))


class ConfidentPlaintextKeyring(PlaintextFileKeyring):
    """A plaintext file backend that claims a high priority: recognised by what it is, not what it claims."""

    priority = 3.0


class LowPriorityKeyring(DictKeyring):
    priority = 0.2


class BrokenKeyring(DictKeyring):
    """A backend that looks fine but fails every write, and says the value in its error."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError(f"cannot write {password!r} for {username}")


class FixedChain(chainer.ChainerBackend):
    """keyring's chainer over members the test chose instead of everything installed."""

    def __init__(self, members: list[KeyringBackend]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.members = members

    @property
    def backends(self) -> list[KeyringBackend]:
        return self.members


# The real Secret Service -----------------------------------------------------------------------------


def _secret_service_keyring() -> KeyringBackend:
    return secret_service_backend.Keyring()  # type: ignore[no-untyped-call]


def _fail_keyring() -> KeyringBackend:
    return fail.Keyring()  # type: ignore[no-untyped-call]


def _null_keyring() -> KeyringBackend:
    return null.Keyring()  # type: ignore[no-untyped-call]


def test_round_trip_through_the_real_secret_service(
    secret_service: SecretService, caplog: pytest.LogCaptureFixture
) -> None:
    keyring.set_keyring(_secret_service_keyring())
    caplog.set_level(logging.DEBUG, logger="assistant.core.secrets")
    value = f"client-secret-{secrets.token_hex(8)}"

    store = open_secret_store()
    assert isinstance(store, KeyringSecretStore)
    assert store.persistent
    assert store.location == "the system keyring (Secret Service)"
    assert store.get("myconn", "client_secret") is None
    store.set("myconn", "client_secret", value)

    # Another store (as after a restart) reads it back, and the Secret Service itself holds it by our names.
    assert open_secret_store().get("myconn", "client_secret") == value
    stored = secret_service.stored({"service": SERVICE_NAME, "username": "myconn/client_secret"})
    assert [secret for _, secret in stored] == [value]

    store.set("myconn", "client_secret", value + "-rotated")
    assert store.get("myconn", "client_secret") == value + "-rotated"
    store.delete("myconn", "client_secret")
    assert store.get("myconn", "client_secret") is None
    store.delete("myconn", "client_secret")  # deleting what is gone is not an error

    assert "myconn/client_secret" in caplog.text  # the log names entries ...
    for shown in (caplog.text, repr(store), str(store)):
        assert value not in shown  # ... never values


def test_the_probe_leaves_nothing_behind_in_the_secret_service(secret_service: SecretService) -> None:
    keyring.set_keyring(_secret_service_keyring())
    assert isinstance(open_secret_store(), KeyringSecretStore)
    usernames = [attributes["username"] for attributes, _ in secret_service.stored({"service": SERVICE_NAME})]
    assert not [name for name in usernames if name.startswith("probe/")]


def test_discovery_finds_the_secret_service_on_the_session_bus(secret_service: SecretService) -> None:
    keyring.core.init_backend()  # what a fresh process does on its first keyring call
    store = open_secret_store()
    assert store.location == "the system keyring (Secret Service)"


# Unusable backends fall back to memory ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_backend", "reason"),
    [
        (lambda tmp: _fail_keyring(), "keyring found no backend"),
        (lambda tmp: _null_keyring(), "null backend"),
        (lambda tmp: PlaintextFileKeyring(tmp / "plain.json"), "would keep secrets in a file"),
        (lambda tmp: ConfidentPlaintextKeyring(tmp / "plain.json"), "would keep secrets in a file"),
        (lambda tmp: LowPriorityKeyring({}), "not recommended by keyring (priority 0.2)"),
        (lambda tmp: BrokenKeyring({}), "failed a test entry: KeyringError"),
        (lambda tmp: FixedChain([_fail_keyring(), PlaintextFileKeyring(tmp / "plain.json")]), "; "),
        (lambda tmp: FixedChain([]), "chain of backends is empty"),
    ],
    ids=["fail", "null", "plaintext", "plaintext-claiming-priority", "low-priority", "probe-fails", "chain", "empty"],
)
def test_an_unusable_backend_leaves_secrets_in_memory_and_says_why(
    make_backend: Callable[[Path], KeyringBackend], reason: str, tmp_path: Path
) -> None:
    keyring.set_keyring(make_backend(tmp_path))
    value = f"pat-{secrets.token_hex(8)}"

    store = open_secret_store()
    assert isinstance(store, MemorySecretStore)
    assert not store.persistent
    assert store.location.startswith(MEMORY)
    assert reason in store.location
    store.set("myconn", "pat", value)
    assert store.get("myconn", "pat") == value
    store.delete("myconn", "pat")
    assert store.get("myconn", "pat") is None
    assert not (tmp_path / "plain.json").exists()  # never a plaintext file, not even for the probe


def test_a_chain_uses_its_best_usable_member_and_skips_plaintext(tmp_path: Path) -> None:
    entries: dict[tuple[str, str], str] = {}
    keyring.set_keyring(FixedChain([PlaintextFileKeyring(tmp_path / "plain.json"), DictKeyring(entries)]))
    store = open_secret_store()
    store.set("myconn", "password", "hunter2-but-longer")
    assert entries == {(SERVICE_NAME, "myconn/password"): "hunter2-but-longer"}
    assert not (tmp_path / "plain.json").exists()


# Errors and representation ---------------------------------------------------------------------------


def test_backend_errors_become_store_errors_without_the_value() -> None:
    store = KeyringSecretStore(BrokenKeyring({}))
    value = f"refresh-{secrets.token_hex(8)}"
    with pytest.raises(SecretStoreError) as raised:
        store.set("myconn", "refresh_token", value)
    message = str(raised.value)
    assert "could not store myconn/refresh_token" in message
    assert "KeyringError" in message
    assert value not in message
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_memory_store_never_shows_values() -> None:
    store = MemorySecretStore("test reason")
    store.set("myconn", "private_key", "-----BEGIN PRIVATE KEY-----abc")
    for shown in (repr(store), str(store), f"{store}"):
        assert "BEGIN PRIVATE KEY" not in shown
        assert "test reason" in shown


@pytest.mark.parametrize(("profile", "kind"), [("", "pat"), ("a/b", "pat"), ("myconn", ""), ("myconn", "pat\n")])
def test_entry_names_are_checked(profile: str, kind: str) -> None:
    with pytest.raises(ValueError, match="must be non-empty"):
        MemorySecretStore("x").set(profile, kind, "value")
