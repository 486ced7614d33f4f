"""`Sandbox`: the whole fake Jira, started on a free port in a background thread.

Tests and the CLI use the same object, so what a user practises against is what the test suite proved.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter
from werkzeug.routing import Rule

from assistant.sandbox import (
    applinks_api,
    login_pages,
    oauth1_provider,
    oauth1_routes,
    oauth2_provider,
    oauth2_routes,
    pat_api,
    rest_issues,
    rest_meta,
)
from assistant.sandbox.app import SandboxApp
from assistant.sandbox.options import Fault, SandboxOptions
from assistant.sandbox.state import OAuth1Consumer, SandboxState
from assistant.sandbox.tls import issue_credentials

MISMATCHED_HOST = "jira.internal.invalid"
log = logging.getLogger(__name__)


class _Server(wsgi.Server):
    """cheroot's server, reporting dropped clients (e.g. one refusing our certificate) to logging, not stderr."""

    def error_log(self, msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
        log.log(logging.DEBUG if level < logging.ERROR else level, "%s", msg, exc_info=traceback)


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    pat: str | None = None


class Sandbox:
    """A running sandbox; use as a context manager, or `start()` / `stop()`."""

    def __init__(self, options: SandboxOptions | None = None, **overrides: Any) -> None:
        options = options or SandboxOptions()
        if "faults" in overrides:
            overrides["faults"] = frozenset(Fault(f) for f in overrides["faults"])
        self.options = replace(options, **overrides)
        self.state = SandboxState(self.options)
        self._tmp: Path | None = None
        self._server: wsgi.Server | None = None
        self._thread: threading.Thread | None = None
        self.ca_cert: Path | None = None
        self.base_url = ""
        self.app: SandboxApp | None = None

    # Lifecycle ----------------------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._server is not None:
            raise RuntimeError("this sandbox is already running")
        options = self.options
        app = SandboxApp(
            state=self.state,
            options=options,
            base_url="",
            trusted_hosts=(),
            rules=self._rules(),
            oauth1_verifier=oauth1_provider.verify_resource_request,
        )
        # cheroot rather than werkzeug's development server: Tomcat keeps connections alive, and a client's
        # connection reuse can only be measured against a server that allows it.
        server = _Server(
            (options.host, options.port),
            app,
            numthreads=8,
            server_name="jira-sandbox",
            timeout=30,
            shutdown_timeout=2,
        )
        if options.tls:
            self._tmp = Path(tempfile.mkdtemp(prefix="jla-sandbox-"))
            credentials = issue_credentials(self._tmp)
            self.ca_cert = credentials.ca_cert
            adapter = BuiltinSSLAdapter(str(credentials.server_cert), str(credentials.server_key))
            adapter.context = credentials.server_context()
            server.ssl_adapter = adapter
        server.prepare()
        self._server = server
        self.base_url = self._served_base_url(server.bind_addr[1])
        app.base_url = self.advertised_base_url
        app.trusted_hosts = self._trusted_hosts()
        self.app = app
        self._thread = threading.Thread(target=server.serve, name="jira-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # What a client needs to know ---------------------------------------------------------------------

    @property
    def jira_version(self) -> str:
        return str(self.options.version)

    @property
    def project_key(self) -> str:
        return SandboxState.PROJECT_KEY

    @property
    def admin(self) -> Account:
        user = self.state.users[SandboxState.ADMIN]
        return Account(user.username, user.password)

    @property
    def service_account(self) -> Account:
        user = self.state.users[SandboxState.SERVICE_ACCOUNT]
        return Account(user.username, user.password, self.state.service_pat or None)

    @property
    def inactive_user(self) -> Account:
        user = self.state.users[SandboxState.INACTIVE]
        return Account(user.username, user.password)

    @property
    def advertised_base_url(self) -> str:
        if self.options.advertised_base_url:
            return self.options.advertised_base_url.rstrip("/")
        if self.options.has(Fault.BASE_URL_MISMATCH):
            # As a reverse proxy in front of Jira causes: another scheme, host and port than clients use.
            scheme = "http" if self.options.tls else "https"
            port = ":8080" if scheme == "http" else ":8443"
            return f"{scheme}://{MISMATCHED_HOST}{port}{self.options.context_path}"
        return self.base_url

    def info(self) -> dict[str, Any]:
        """The JSON line the CLI prints on start."""
        service = self.service_account
        return {
            "base_url": self.base_url,
            "ca_cert": str(self.ca_cert) if self.ca_cert else None,
            "jira_version": self.jira_version,
            "admin": {"username": self.admin.username, "password": self.admin.password},
            "service_account": {
                "username": service.username,
                "password": service.password,
                "pat": service.pat,
            },
            "project_key": self.project_key,
        }

    def reset_failed_logins(self, username: str) -> None:
        """What an admin's *Reset failed login count* does in User management."""
        self.state.reset_failed_logins(username)

    def add_oauth2_client(self, name: str, redirects: list[str], scope: str = "WRITE") -> tuple[str, str]:
        """What an admin's *Create link › External application › Incoming* yields: (client id, secret)."""
        if not self.options.features.oauth2_provider:
            raise ValueError(f"Jira {self.jira_version} has no OAuth 2.0 provider (it arrived in 8.22)")
        problems = oauth2_provider.client_problems(self.state, name, redirects, scope)
        if problems:
            raise ValueError("; ".join(f"{field}: {message}" for field, message in problems.items()))
        owner = self.state.users[SandboxState.ADMIN].key
        client = oauth2_provider.create_client(self.state, name, redirects, scope, owner)
        return client.client_id, client.client_secret

    def add_oauth1_consumer(self, key: str, name: str, public_key_pem: str, callback: str | None = None) -> None:
        """What an admin's applinks setup with an incoming consumer yields; refuses a key Jira refuses."""
        if not key:
            raise ValueError("the consumer key must not be empty")
        pem = oauth1_provider.normalize_public_key(public_key_pem)
        consumer = OAuth1Consumer(key=key, name=name, public_key_pem=pem, callback=callback)
        with self.state.change():
            self.state.oauth1_consumers[key] = consumer

    # Internals ---------------------------------------------------------------------------------------

    def _rules(self) -> list[Rule]:
        features = self.options.features
        rules = [*rest_meta.ROUTES, *rest_issues.ROUTES, *login_pages.ROUTES]
        rules += [*oauth1_routes.ROUTES, *applinks_api.ROUTES]
        if features.old_createmeta:
            rules += rest_meta.OLD_CREATEMETA_ROUTES
        if features.personal_access_tokens:
            rules += pat_api.ROUTES
        if features.oauth2_provider:
            rules += oauth2_routes.ROUTES
        return rules

    def _served_base_url(self, port: int) -> str:
        host = self.options.host
        if host in ("0.0.0.0", ""):  # noqa: S104 - naming the wildcard, not binding to it
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        scheme = "https" if self.options.tls else "http"
        return f"{scheme}://{host}:{port}{self.options.context_path}"

    def _trusted_hosts(self) -> list[str]:
        served = urllib.parse.urlsplit(self.base_url)
        advertised = urllib.parse.urlsplit(self.advertised_base_url)
        names = {"localhost", "127.0.0.1", "[::1]", served.hostname or "", advertised.hostname or ""}
        return sorted(n if ":" not in n else f"[{n}]" for n in names if n)
