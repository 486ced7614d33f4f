"""What the pages share: the flow, the injected services, and the values collected on the way.

Services are injected (the HTTP session factory, the browser, the secret store) so tests point the wizard at a
sandbox and play the browser themselves, and so no page reaches for a global. Collected values are the
non-flow half of the state: the target, the service account, and the finished connection with its secrets,
which only ever go to the secret store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from assistant.core.connection import Connection
from assistant.core.flow import WizardFlow
from assistant.core.methods import MethodId

if TYPE_CHECKING:
    # The engine (requests, cryptography, jsonschema, keyring) is imported on first use, off the start-up path:
    # the first page must appear as fast as a bare QWizard's.
    from assistant.core.profiles import ConnectorProfile
    from assistant.core.secrets import SecretStore
    from assistant.jira.session import JiraSession, Target
    from assistant.jira.validation import ValidationResult

DEFAULT_REDIRECT_PORT = 8765


def desktop_browser(url: str) -> None:
    QDesktopServices.openUrl(QUrl(url))


def product_session(target: Target) -> JiraSession:
    from assistant.jira.session import open_session

    return open_session(target)


def system_secret_store() -> SecretStore:
    from assistant.core.secrets import open_secret_store

    return open_secret_store()


@dataclass
class Services:
    open_session: Callable[[Target], JiraSession] = product_session
    open_browser: Callable[[str], None] = desktop_browser
    open_secret_store: Callable[[], SecretStore] = system_secret_store
    profile: ConnectorProfile | None = None
    """None: the shipped generic profile, loaded when first needed (`WizardContext.profile`)."""
    redirect_port: int = DEFAULT_REDIRECT_PORT


@dataclass(frozen=True)
class Prefill:
    """Values to start with, e.g. the built-in sandbox's address and CA; `note` is shown on the Start page."""

    base_url: str = ""
    ca_file: str = ""
    project_key: str = ""
    note: str = ""


@dataclass
class Collected:
    target: Target | None = None
    username: str = ""
    connection: Connection | None = None
    validation: ValidationResult | None = None
    """The last live validation of `connection`, recorded in an exported bundle."""
    saved_name: str = ""
    """The name the proven link is saved under; its secrets are in the secret store under that name."""


class WizardContext:
    def __init__(self, services: Services | None = None, prefill: Prefill | None = None) -> None:
        self.services = services or Services()
        self.prefill = prefill or Prefill()
        self.flow = WizardFlow()
        self.collected = Collected()
        self._store: SecretStore | None = None
        self._store_lock = threading.Lock()

    def secret_store(self) -> SecretStore:
        """The one secret store of this session, opened on first use (from a worker: it may block on D-Bus).

        One store for the whole session matters when there is no keyring: a memory store holds what Validate or
        Import put there only as long as the same store object is used again.
        """
        with self._store_lock:
            if self._store is None:
                self._store = self.services.open_secret_store()
            return self._store

    @property
    def profile(self) -> ConnectorProfile:
        if self.services.profile is None:
            from assistant.core.profiles import default_profile

            self.services.profile = default_profile()
        return self.services.profile

    def require_target(self) -> Target:
        if self.collected.target is None:
            raise RuntimeError("the Jira page has not been completed")
        return self.collected.target

    def connection(self, method: MethodId, **fields: object) -> Connection:
        """A connection for `method` carrying the target, account and profile collected so far."""
        target = self.require_target()
        return Connection(
            base_url=target.base_url,
            method=method.value,
            ca_file=str(target.ca_file) if target.ca_file else None,
            proxy=target.proxy,
            username=self.collected.username,
            profile_id=self.profile.id,
            **fields,  # type: ignore[arg-type]
        )

    def click_values(self, **extra: str) -> dict[str, str]:
        target = self.require_target()
        return {
            "base_url": target.base_url,
            "link_name": self.profile.link_name,
            "service_account": self.collected.username,
            "scope": self.profile.scope.value,
            **extra,
        }
