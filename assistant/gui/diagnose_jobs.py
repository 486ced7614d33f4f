"""Diagnosis for the worker: what to examine (typed in, a bundle, or the link at hand) and the run itself.

The diagnostics package is imported inside the functions so the wizard starts without it. A bundle's own CA
certificate is written to a private temporary folder for the length of the run, as the `diagnose` command does.
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.connection import Connection
from assistant.core.files import write_atomic
from assistant.core.secrets import SecretStore
from assistant.gui.failures import Failure

if TYPE_CHECKING:
    from assistant.diagnostics.model import CheckResult, Report

AUTH_CHOICES = {
    "": "None: anonymous checks only",
    "basic": "Basic (username and password)",
    "pat": "Personal access token",
    "oauth2": "OAuth 2.0 access token",
    "oauth1": "OAuth 1.0a (consumer key, private key, access token)",
}
_METHOD_OF = {"basic": "basic", "pat": "pat", "oauth2": "oauth2", "oauth1": "oauth1-atlassian-product"}
_SECRET_OF = {"basic": "password", "pat": "pat", "oauth2": "access_token", "oauth1": "oauth1_token"}


@dataclass(frozen=True)
class Subject:
    """What a diagnosis examines; `connection` None means only the anonymous checks run."""

    url: str
    connection: Connection | None = None
    ca_file: str | None = None
    ca_pem: str | None = None
    proxy: str | None = None
    project_key: str | None = None
    source: str = ""
    """In words, for the page: "https://… as basic", "bundle x.json", "the link just set up"."""


@dataclass(frozen=True)
class Typed:
    """The URL form as the user filled it in; secrets stay in memory and go nowhere but the checks."""

    url: str
    auth: str = ""
    username: str = ""
    secret: str = ""
    consumer_key: str = ""
    private_key_file: str = ""
    ca_file: str = ""
    proxy: str = ""
    project_key: str = ""


def from_typed(typed: Typed) -> Subject:
    """The subject for a URL and optional credentials; an OAuth 1.0a private key is read from its file here."""
    url = typed.url.strip()
    if not url:
        raise Failure("Nothing to diagnose", "enter Jira's base URL", "Type the address people use to open Jira.")
    connection = None
    if typed.auth:
        connection = Connection(base_url=url, method=_METHOD_OF[typed.auth], name="diagnose")
        connection = dataclasses.replace(connection, username=typed.username.strip() or None)
        secrets = {_SECRET_OF[typed.auth]: typed.secret}
        if typed.auth == "oauth1":
            connection = dataclasses.replace(connection, consumer_key=typed.consumer_key.strip() or None)
            secrets["private_key"] = _private_key(typed.private_key_file)
        if not typed.secret:
            raise Failure("A credential is missing", f"{AUTH_CHOICES[typed.auth]} needs its secret", "Fill it in.")
        connection = connection.with_secrets(**secrets)
    return Subject(
        url=url,
        connection=connection,
        ca_file=typed.ca_file.strip() or None,
        proxy=typed.proxy.strip() or None,
        project_key=typed.project_key.strip().upper() or None,
        source=f"{url} ({typed.auth or 'anonymous'})",
    )


def _private_key(path: str) -> str:
    from assistant.core.credentials import CredentialError, key_pair_from, load_private_key_pem

    try:
        key = load_private_key_pem(Path(path).expanduser().read_bytes(), None)
    except OSError as exc:
        raise Failure("The private key cannot be read", f"{path}: {exc.strerror}", "Choose the PEM file.") from None
    except CredentialError as exc:
        raise Failure("The private key cannot be used", str(exc), "Choose an unencrypted PEM key.") from None
    return key_pair_from(key).private_pem().decode("ascii")


def from_bundle(path: str, passphrase: str, store: SecretStore) -> Subject:
    """The link a bundle describes, with its secrets when they can be opened (sealed: with the passphrase)."""
    from assistant.bundle import BundleError, secrets_from_store
    from assistant.gui.bundle_jobs import read_bundle_file

    opened = read_bundle_file(path, passphrase)
    connection = opened.connection
    try:
        if opened.mode == "keyring":
            connection = connection.with_secrets(**secrets_from_store(opened, store))
    except BundleError as exc:
        raise Failure("The bundle's secrets are not here", str(exc), "Use a bundle sealed with a passphrase.") from None
    if opened.mode == "encrypted" and not opened.secrets_available:
        raise Failure("The bundle is sealed", "its secrets need the passphrase", "Type the bundle's passphrase.")
    has_secrets = bool(connection.secrets.values_for_redaction())
    return Subject(
        url=connection.base_url,
        connection=connection if has_secrets else None,
        ca_pem=opened.ca_certificate_pem,
        proxy=connection.proxy,
        project_key=connection.project_key,
        source=f"bundle {Path(path).name} ({connection.method}{'' if has_secrets else ', no secrets'})",
    )


def from_link(connection: Connection, source: str) -> Subject:
    return Subject(
        url=connection.base_url,
        connection=connection,
        ca_file=connection.ca_file,
        proxy=connection.proxy,
        project_key=connection.project_key,
        source=source,
    )


def run(
    subject: Subject,
    permissions: Sequence[str],
    cancel: threading.Event,
    on_result: Callable[[CheckResult], None],
    timeout: float | None = None,
) -> Report:
    """Every check in layer order, each result reported as it lands; Cancel skips the rest."""
    from assistant.diagnostics.checks import CHECKS
    from assistant.diagnostics.context import DEFAULT_TIMEOUT, DiagnosticContext
    from assistant.diagnostics.runner import diagnose

    with tempfile.TemporaryDirectory(prefix="jla-diagnose-") as folder:
        ca_file = Path(subject.ca_file) if subject.ca_file else None
        if subject.ca_pem:
            ca_file = Path(folder) / "bundle-ca.pem"
            write_atomic(ca_file, subject.ca_pem.encode("ascii", "replace"))
        context = DiagnosticContext(
            url=subject.url,
            connection=subject.connection,
            method=subject.connection.method if subject.connection else None,
            project_key=subject.project_key,
            needed_permissions=permissions,
            ca_file=ca_file,
            proxy=subject.proxy,
            timeout=timeout or DEFAULT_TIMEOUT,
            cancel=cancel,
        )
        return diagnose(context, CHECKS, on_result=on_result)


REPORT_FORMATS = {"html": ("HTML", "html"), "markdown": ("Markdown", "md"), "json": ("JSON", "json")}


def render(report: Report, fmt: str) -> str:
    from assistant.diagnostics.render import renderer

    return renderer(fmt)(report)


def save_report(report: Report, fmt: str, path: Path) -> Path:
    """The report in `fmt`, written atomically; it holds only what the report holds, which is redacted."""
    try:
        write_atomic(path, render(report, fmt).encode("utf-8"), mode=0o644)
    except OSError as exc:
        raise Failure("The report was not saved", f"{path}: {exc.strerror}", "Choose another folder.") from None
    return path
