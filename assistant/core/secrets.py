"""Secrets behind one interface: the system keyring when there is a usable one, memory for the session when not.

The user is always told where a secret went (`SecretStore.location`). There is no plaintext fallback on disk:
without a usable keyring, secrets live in memory until the application exits and leave only inside a
passphrase-encrypted bundle. Unusable means: keyring's `fail` and `null` backends, backends that keep secrets
in a file (`keyrings.alt`'s), backends keyring itself ranks as not recommended (priority below 1), and any
backend that fails a write-read-delete probe.

`open_secret_store()` may block on D-Bus (discovering the Secret Service, or waiting for it to unlock): call it
once, from a worker thread, never on the GUI thread and never per keystroke; then keep the store.
"""

from __future__ import annotations

import abc
import logging
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE_NAME = "jira-link-assistant"
_PROBE_PROFILE = "probe"

# Backends that keep secrets in a file: plaintext, or encrypted with a passphrase asked for on a terminal the
# desktop application does not have.
_FILE_BACKEND_MODULES = ("keyrings.alt.file", "keyrings.cryptfile")

_KEYRING_LABELS = {
    "keyring.backends.SecretService": "Secret Service",
    "keyring.backends.libsecret": "Secret Service",
    "keyring.backends.kwallet": "KWallet",
    "keyring.backends.macOS": "macOS Keychain",
    "keyring.backends.Windows": "Windows Credential Manager",
}


class SecretStoreError(Exception):
    """A keyring operation failed; the message names the entry and the backend, never the value."""


def entry_name(profile_id: str, kind: str) -> str:
    """The keyring user name of one secret, e.g. `myconn/client_secret`."""
    for label, part in (("profile id", profile_id), ("secret kind", kind)):
        if not part or "/" in part or not part.isprintable() or part != part.strip():
            raise ValueError(f"{label} {part!r} must be non-empty printable text without '/' or edge spaces")
    return f"{profile_id}/{kind}"


class SecretStore(abc.ABC):
    """Where a connection's secrets live; `location` says so in words the user can read."""

    @property
    @abc.abstractmethod
    def location(self) -> str: ...

    @property
    @abc.abstractmethod
    def persistent(self) -> bool:
        """Whether a secret survives the end of the session."""

    @abc.abstractmethod
    def get(self, profile_id: str, kind: str) -> str | None: ...

    @abc.abstractmethod
    def set(self, profile_id: str, kind: str, value: str) -> None: ...

    @abc.abstractmethod
    def delete(self, profile_id: str, kind: str) -> None:
        """Removes the secret; deleting one that is not there is not an error."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.location}>"

    __str__ = __repr__


class MemorySecretStore(SecretStore):
    """Secrets for this session only, for when no usable system keyring exists."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self._values: dict[str, str] = {}

    @property
    def location(self) -> str:
        return f"kept in memory for this session only: no usable system keyring ({self.reason})"

    @property
    def persistent(self) -> bool:
        return False

    def get(self, profile_id: str, kind: str) -> str | None:
        return self._values.get(entry_name(profile_id, kind))

    def set(self, profile_id: str, kind: str, value: str) -> None:
        self._values[entry_name(profile_id, kind)] = value

    def delete(self, profile_id: str, kind: str) -> None:
        self._values.pop(entry_name(profile_id, kind), None)


class KeyringSecretStore(SecretStore):
    """The system keyring through `keyring`, under one service name for the whole product."""

    def __init__(self, backend: KeyringBackend) -> None:
        self._backend = backend

    @property
    def location(self) -> str:
        return f"the system keyring ({_label(self._backend)})"

    @property
    def persistent(self) -> bool:
        return True

    def get(self, profile_id: str, kind: str) -> str | None:
        name = entry_name(profile_id, kind)
        try:
            value = self._backend.get_password(SERVICE_NAME, name)
        except Exception as exc:
            raise self._failure("read", name, exc) from None
        return None if value is None else str(value)

    def set(self, profile_id: str, kind: str, value: str) -> None:
        name = entry_name(profile_id, kind)
        try:
            self._backend.set_password(SERVICE_NAME, name, value)
        except Exception as exc:
            raise self._failure("store", name, exc, value) from None
        log.debug("stored %s in %s", name, self.location)

    def delete(self, profile_id: str, kind: str) -> None:
        from keyring.errors import PasswordDeleteError

        name = entry_name(profile_id, kind)
        try:
            self._backend.delete_password(SERVICE_NAME, name)
        except PasswordDeleteError as exc:
            # Backends raise this for a missing entry as well as for a real failure; only the latter counts.
            if self.get(profile_id, kind) is not None:
                raise self._failure("delete", name, exc) from None
        except Exception as exc:
            raise self._failure("delete", name, exc) from None
        log.debug("deleted %s from %s", name, self.location)

    def _failure(self, verb: str, name: str, exc: Exception, value: str = "") -> SecretStoreError:
        # The cause is dropped (`from None`) so a logged traceback cannot show a backend's own message with
        # the value in it; what the backend said is kept here, with the value removed.
        said = _without(str(exc), value)
        return SecretStoreError(
            f"could not {verb} {name} in {self.location}: {type(exc).__name__}{': ' + said if said else ''}"
        )


def _without(text: str, value: str) -> str:
    return (text.replace(value, "***") if value else text)[:300]


def _label(backend: KeyringBackend) -> str:
    module = type(backend).__module__
    return _KEYRING_LABELS.get(module) or str(getattr(backend, "name", type(backend).__name__))


def _unusable(backend: KeyringBackend) -> str | None:
    """Why `backend` must not hold secrets, or None when it may."""
    from keyring.backends import fail, null

    kind = type(backend)
    if isinstance(backend, fail.Keyring):
        return "keyring found no backend"
    if isinstance(backend, null.Keyring):
        return "keyring is switched off (null backend)"
    if kind.__module__.startswith(_FILE_BACKEND_MODULES) or "plaintext" in kind.__name__.lower():
        return f"{_label(backend)} would keep secrets in a file"
    try:
        priority = float(backend.priority)
    except Exception as exc:
        return f"{_label(backend)} is unavailable: {type(exc).__name__}: {exc}"
    if priority < 1:
        return f"{_label(backend)} is not recommended by keyring (priority {priority:g})"
    return None


def _choose(backend: KeyringBackend) -> tuple[KeyringBackend | None, str]:
    """The backend to use (or None) and, when none, why. A chain is resolved to its best usable member:
    keyring's chainer would write to its first member, whatever that is."""
    from keyring.backends import chainer

    if not isinstance(backend, chainer.ChainerBackend):
        reason = _unusable(backend)
        return (None, reason) if reason else (backend, "")
    reasons = []
    for member in backend.backends:
        reason = _unusable(member)
        if reason is None:
            return member, ""
        reasons.append(reason)
    return None, "; ".join(reasons) or "keyring's chain of backends is empty"


def _probe(backend: KeyringBackend) -> str | None:
    """A write, read and delete of a random throw-away entry; the reason it failed, or None."""
    name = f"{_PROBE_PROFILE}/{secrets.token_hex(8)}"
    value = secrets.token_urlsafe(16)
    try:
        backend.set_password(SERVICE_NAME, name, value)
        read = backend.get_password(SERVICE_NAME, name)
        backend.delete_password(SERVICE_NAME, name)
    except Exception as exc:
        said = _without(str(exc), value)
        return f"{_label(backend)} failed a test entry: {type(exc).__name__}{': ' + said if said else ''}"
    if read != value:
        return f"{_label(backend)} did not return a test entry it had accepted"
    return None


def open_secret_store() -> SecretStore:
    """The system keyring if a usable one answers, otherwise a memory store that says why.

    Blocks on D-Bus: run it in a worker, once, never on the GUI thread.
    """
    try:
        import keyring

        backend, reason = _choose(keyring.get_keyring())
        if backend is not None:
            reason = _probe(backend) or ""
    except Exception as exc:
        backend, reason = None, f"keyring failed: {type(exc).__name__}: {exc}"
    store: SecretStore = MemorySecretStore(reason) if reason or backend is None else KeyringSecretStore(backend)
    log.info("secret store: %s", store.location)
    return store
