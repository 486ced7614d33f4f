"""The state the checks share: what was asked, and what each layer has learnt for the next one.

One context, one session: the HTTP-level checks and the authenticated ones all go through the same kept-alive
connection, made by the engine's session factory with the user's CA file and proxy, so the diagnosis sees
exactly what the connector sees.
"""

from __future__ import annotations

import datetime as dt
import threading
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from assistant.core.connection import Connection
from assistant.core.redaction import redact_text
from assistant.core.versions import ServerFacts
from assistant.jira.auth import attach
from assistant.jira.problems import Evidence
from assistant.jira.session import JiraSession, Target, open_session
from assistant.jira.validation import ValidationChain

DEFAULT_TIMEOUT = 10.0
DEFAULT_PERMISSIONS = ("BROWSE_PROJECTS", "CREATE_ISSUES", "ADD_COMMENTS", "TRANSITION_ISSUES")


@dataclass
class DiagnosticContext:
    url: str
    connection: Connection | None = None
    method: str | None = None
    project_key: str | None = None
    needed_permissions: Sequence[str] = DEFAULT_PERMISSIONS
    ca_file: Path | None = None
    proxy: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    write_test: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)

    # Learnt by the checks, in order.
    parts: urllib.parse.SplitResult | None = None
    addresses: list[str] = field(default_factory=list)
    internal_only: bool = False
    tls: dict[str, Any] = field(default_factory=dict)
    facts: ServerFacts | None = None
    server_date: dt.datetime | None = None
    identity: str | None = None
    _session: JiraSession | None = None
    _chain: ValidationChain | None = None

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")

    @property
    def host(self) -> str:
        return (self.parts.hostname if self.parts else urllib.parse.urlsplit(self.url).hostname) or ""

    @property
    def port(self) -> int:
        parts = self.parts or urllib.parse.urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def auth_method(self) -> str | None:
        return self.connection.method if self.connection else self.method

    def target(self) -> Target:
        return Target(
            self.base_url,
            ca_file=self.ca_file,
            proxy=self.proxy,
            connect_timeout=self.timeout,
            read_timeout=self.timeout,
        )

    def session(self) -> JiraSession:
        """The one session of this diagnosis (anonymous until `chain()` attaches the credentials)."""
        if self._session is None:
            self._session = open_session(self.target())
        return self._session

    def chain(self) -> ValidationChain:
        """The engine's validation chain over the same session, with the connection's credentials."""
        if self.connection is None:
            raise RuntimeError("the authenticated checks need a connection")
        if self._chain is None:
            session = self.session()
            attach(session, self.connection)
            self._chain = ValidationChain(
                session,
                self.connection,
                self.needed_permissions,
                write_test=self.write_test,
                project_key=self.project_key,
                cancel=self.cancel,
            )
        return self._chain

    def known_secrets(self) -> list[str]:
        return self.connection.secrets.values_for_redaction() if self.connection else []

    def evidence(self, response: requests.Response, **extra: Any) -> dict[str, Any]:
        """A response as report evidence: the engine's redacted form, then scrubbed of the known secrets."""
        item: dict[str, Any] = scrub({**Evidence.of(response).as_dict(), **extra}, self.known_secrets())
        return item

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


def scrub(value: Any, secrets: Sequence[str]) -> Any:
    """Removes known secrets from every string inside an evidence structure."""
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, Mapping):
        return {key: scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item, secrets) for item in value]
    return value
