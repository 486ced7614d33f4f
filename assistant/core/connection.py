"""A connection as the assistant builds it: where Jira is, how it is reached, how the link authenticates.

Non-secret settings and secrets are kept apart by type, so a setting can be logged, shown, exported or put in a
ticket while a secret can only be handed to the secret store, to a signer, or into a sealed bundle. `Secrets`
never shows a value in its repr.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

SECRET_KINDS = (
    "password",
    "pat",
    "client_secret",
    "access_token",
    "refresh_token",
    "private_key",
    "oauth1_token",
    "oauth1_token_secret",
)
"""Every secret a connection can hold; the secret store and the bundle use these names."""


class Secrets(Mapping[str, str]):
    """A read-only mapping of secret kind to value whose repr lists kinds only."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        unknown = set(values or {}) - set(SECRET_KINDS)
        if unknown:
            raise ValueError(f"unknown secret kinds: {', '.join(sorted(unknown))}")
        self._values = {k: v for k, v in (values or {}).items() if v}

    def __getitem__(self, kind: str) -> str:
        return self._values[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Secrets(kinds={sorted(self._values)})"

    __str__ = __repr__

    def with_values(self, **values: str | None) -> Secrets:
        merged = dict(self._values)
        for kind, value in values.items():
            if value is None:
                merged.pop(kind, None)
            else:
                merged[kind] = value
        return Secrets(merged)

    def values_for_redaction(self) -> list[str]:
        """What a redactor must remove wherever it appears."""
        return list(self._values.values())


@dataclass(frozen=True)
class Connection:
    """Everything needed to reach Jira as the link; `settings` are what may be shown or exported."""

    base_url: str
    method: str
    name: str = "jira-link"
    ca_file: str | None = None
    proxy: str | None = None
    username: str | None = None
    project_key: str | None = None
    profile_id: str = "generic"
    client_id: str | None = None
    scope: str | None = None
    redirect_uri: str | None = None
    token_expires_at: float | None = None
    refresh_expires_at: float | None = None
    consumer_key: str | None = None
    consumer_name: str | None = None
    public_key_pem: str | None = None
    pat_expires_at: float | None = None
    secrets: Secrets = field(default_factory=Secrets)

    def settings(self) -> dict[str, Any]:
        """The non-secret part, without empty fields."""
        return {name: value for name, value in self.__dict__.items() if name != "secrets" and value is not None}

    def with_secrets(self, **values: str | None) -> Connection:
        return replace(self, secrets=self.secrets.with_values(**values))

    def require(self, kind: str) -> str:
        """A secret the method cannot work without; a missing one is a usage error, named plainly."""
        value = self.secrets.get(kind)
        if not value:
            raise MissingSecret(kind, self.method)
        return value


class MissingSecret(LookupError):
    def __init__(self, kind: str, method: str) -> None:
        super().__init__(f"the {method} connection has no {kind.replace('_', ' ')}")
        self.kind = kind
