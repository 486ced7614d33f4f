"""The assistant's own saved connections: non-secret settings as JSON in the user's config directory.

Secrets never go here — they live in the secret store under the connection's name. `JLA_CONFIG_DIR`
overrides the location (tests, portable installs).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

import platformdirs

from assistant.core.connection import SECRET_KINDS, Connection
from assistant.core.files import write_atomic
from assistant.core.secrets import SecretStore, SecretStoreError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_FIELDS = frozenset(Connection.__dataclass_fields__) - {"secrets"}


class SavedConnectionError(Exception):
    """A saved connection is missing, unreadable or malformed; the message names the file."""


def config_dir() -> Path:
    override = os.environ.get("JLA_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir("jira-link-assistant"))


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise SavedConnectionError(
            f"connection name {name!r} must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return name


def path_for(name: str) -> Path:
    return config_dir() / "connections" / f"{check_name(name)}.json"


def save(connection: Connection) -> Path:
    path = path_for(connection.name)
    write_atomic(path, json.dumps(connection.settings(), indent=2, sort_keys=True).encode())
    return path


def load(name: str) -> Connection:
    path = path_for(name)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SavedConnectionError(f"no saved connection named {name!r} ({path})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SavedConnectionError(f"{path} is not a readable connection file: {exc}") from exc
    if not isinstance(data, dict) or not {"base_url", "method"} <= data.keys():
        raise SavedConnectionError(f"{path} lacks base_url or method")
    return Connection(**{k: v for k, v in data.items() if k in _FIELDS})


def names() -> list[str]:
    folder = config_dir() / "connections"
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def persist(connection: Connection, store: SecretStore) -> Path:
    """Secrets to the store, then settings to disk; all or nothing, so a failure leaves no half-saved link."""
    written: list[str] = []
    try:
        for kind, value in connection.secrets.items():
            store.set(connection.name, kind, value)
            written.append(kind)
        return save(connection)
    except BaseException:
        for kind in written:
            with contextlib.suppress(SecretStoreError):
                store.delete(connection.name, kind)
        raise


def load_with_secrets(name: str, store: SecretStore) -> Connection:
    connection = load(name)
    found = {kind: store.get(name, kind) for kind in SECRET_KINDS}
    return connection.with_secrets(**{k: v for k, v in found.items() if v})
