"""`jira-link-assistant --self-test`: proves that what ships works, from inside the shipped program.

A frozen build fails in ways the source tree never shows: a resource left out of the bundle, a keyring backend
whose package metadata was dropped, a Qt platform plugin that is missing, an OpenSSL that finds no CA
certificates, a lazily imported signer dependency. Each check below exercises one of those through the same
code the product uses, so running it after building (as `make package` does) tests the artefact, not the source.
It needs no display, no network and no Jira: the sandbox runs in-process on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import threading
import time
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import replace
from importlib import metadata, resources
from typing import cast

from assistant.core.redaction import redact_text

Check = tuple[str, Callable[[], str]]
"""A check's name and the function that runs it: it returns what it found, or raises saying what failed."""

_RESOURCES = "assistant.resources"
KEYRING_TIMEOUT_SECONDS = 5.0
# keyring finds even its built-in backends through package metadata, which a frozen build can lose.
_NATIVE_KEYRING = {"linux": "SecretService", "darwin": "macOS", "win32": "Windows"}
# What the offscreen platform says about itself on every window; not a problem of the build.
_QT_PLATFORM_NOTES = ("This plugin does not support",)


class CheckFailed(Exception):
    """A check found the build broken; the message says what is missing or wrong."""


def use_offscreen_without_display(environ: MutableMapping[str, str], platform: str = sys.platform) -> None:
    """Without a display Qt aborts (blaming libxcb); the self-test then renders offscreen instead."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return
    if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        environ["QT_QPA_PLATFORM"] = "offscreen"


# Resources ------------------------------------------------------------------------------------------------


def check_resources() -> str:
    import jsonschema

    from assistant.bundle.schema import BUNDLE_SCHEMA, PROFILE_SCHEMA, schema_text
    from assistant.core.profiles import default_profile

    profile = default_profile()  # parsed and validated against connector-profile.schema.json
    for name in (PROFILE_SCHEMA, BUNDLE_SCHEMA, "diagnostics-report.schema.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(schema_text(name)))
    return f"connector profile {profile.id!r} is valid; bundle, profile and diagnostics-report schemas load"


def check_help() -> str:
    """Help for every page the wizard shows, read the way its Help button reads it."""
    from assistant.core.flow import PageId
    from assistant.gui.help import help_text
    from assistant.gui.wizard import PAGES

    folder = resources.files(_RESOURCES).joinpath("help")
    topics = [page.name.lower() for page in sorted(PAGES)]  # the pages' help topics are their flow names
    missing = [topic for topic in topics if not folder.joinpath(f"{topic}.md").is_file()]
    if missing:
        raise CheckFailed(f"no help text for {', '.join(missing)}")
    unread = [topic for topic in topics if help_text(topic) != folder.joinpath(f"{topic}.md").read_text("utf-8")]
    if unread:
        raise CheckFailed(f"the wizard cannot read the help text for {', '.join(unread)}")
    without_page = [page.name.lower() for page in PageId if page not in PAGES]
    unbuilt = f" (flow pages without a wizard page: {', '.join(without_page)})" if without_page else ""
    return f"help texts for all {len(PAGES)} wizard pages{unbuilt}"


def check_commands() -> str:
    """Every subcommand's module, which the CLI imports by name (a frozen build does not see such imports)."""
    from assistant.cli import SUBCOMMANDS, build_parser

    build_parser()  # imports every subcommand and lets each add its options
    return f"{len(SUBCOMMANDS)} subcommands load: {', '.join(name for name, _, _ in SUBCOMMANDS)}"


# TLS and the engine against the sandbox ---------------------------------------------------------------------


def check_trust() -> str:
    from assistant.jira.trust import os_trust_context

    context = os_trust_context()
    if context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname:
        raise CheckFailed("the OS trust context does not verify certificates and host names")
    if sys.platform in ("darwin", "win32"):
        return "certificates are verified by the platform's own verifier"
    loaded = context.cert_store_stats()["x509_ca"]
    if loaded:
        return f"{loaded} CA certificates loaded from the OS store"
    capath = ssl.get_default_verify_paths().capath
    if capath and os.path.isdir(capath) and os.listdir(capath):
        return f"CA certificates are read on demand from {capath}"
    raise CheckFailed("no CA certificates found: HTTPS to any Jira would fail (is ca-certificates installed?)")


def check_engine() -> str:
    """Basic and PAT links proven end to end over HTTPS, the way `setup` and the wizard prove them."""
    import requests

    from assistant.core.connection import Connection
    from assistant.core.profiles import default_profile
    from assistant.jira.auth import attach
    from assistant.jira.session import Target, open_session
    from assistant.jira.validation import ValidationChain
    from assistant.sandbox import Sandbox

    with Sandbox(tls=True) as sandbox:
        account = sandbox.service_account
        with open_session(Target(sandbox.base_url)) as untrusting:
            try:
                untrusting.get(untrusting.target.url("rest/api/2/serverInfo"))
            except requests.exceptions.SSLError:
                pass
            else:
                raise CheckFailed("a server whose CA is not trusted was accepted: certificate checking is off")
        base = Connection(
            base_url=sandbox.base_url,
            method="basic",
            username=account.username,
            project_key=sandbox.project_key,
            ca_file=str(sandbox.ca_cert),
        )
        proven = []
        for method, secrets in (("basic", {"password": account.password}), ("pat", {"pat": account.pat})):
            connection = replace(base, method=method).with_secrets(**secrets)
            with open_session(Target(sandbox.base_url, ca_file=sandbox.ca_cert)) as session:
                attach(session, connection)
                result = ValidationChain(session, connection, default_profile().project_permissions).run()
            failed = result.first_failure
            if failed is not None or not result.ok:
                raise CheckFailed(f"{method}: {failed.detail if failed else 'no step ran'}")
            proven.append(f"{method.upper() if method == 'pat' else 'Basic'} as {result.identity}")
        return f"Jira {sandbox.jira_version} sandbox over HTTPS: {' and '.join(proven)}; an untrusted CA is refused"


# Secrets, Qt, signing ---------------------------------------------------------------------------------------


def check_keyring() -> str:
    from assistant.core.secrets import SecretStore, open_secret_store

    backends = {entry.name for entry in metadata.entry_points(group="keyring.backends")}
    native = next((name for prefix, name in _NATIVE_KEYRING.items() if sys.platform.startswith(prefix)), None)
    if native is not None and native not in backends:
        raise CheckFailed(f"keyring does not know its {native} backend: its package metadata is missing")
    found: list[SecretStore] = []
    # Detection may wait on D-Bus or an unlock prompt; the self-test reports that instead of hanging.
    worker = threading.Thread(target=lambda: found.append(open_secret_store()), daemon=True)
    worker.start()
    worker.join(KEYRING_TIMEOUT_SECONDS)
    if not found:
        raise CheckFailed(f"no answer from the keyring within {KEYRING_TIMEOUT_SECONDS:g} s (locked, or D-Bus hung?)")
    return f"secrets would be {found[0].location}"


def check_gui() -> str:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler, qVersion
    from PySide6.QtWidgets import QApplication

    problems: list[str] = []

    def collect(kind: QtMsgType, _context: object, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg and not message.startswith(_QT_PLATFORM_NOTES):
            problems.append(message)

    previous = qInstallMessageHandler(collect)
    try:
        app = QApplication.instance() or QApplication(["jira-link-assistant"])
        assert isinstance(app, QApplication)
        from assistant.core.secrets import MemorySecretStore
        from assistant.gui.model import Services, WizardContext
        from assistant.gui.wizard import LinkWizard

        services = Services(open_secret_store=lambda: MemorySecretStore("self-test"))
        wizard = LinkWizard(WizardContext(services))
        wizard.show()
        shown = wizard.isVisible() and not wizard.grab().isNull()
        wizard.close()
        closed = not wizard.isVisible()
        pages = len(wizard.flow_pages)
        del wizard  # before the application, which must outlive every widget
        platform = app.platformName()
    finally:
        qInstallMessageHandler(previous)
    if not (shown and closed):
        raise CheckFailed(f"the wizard window was {'not closed' if shown else 'not shown'} ({platform})")
    if problems:
        raise CheckFailed(f"Qt reported: {'; '.join(problems[:3])}")
    return f"Qt {qVersion()} ({platform}): the wizard with its {pages} pages was shown and closed"


def check_signer() -> str:
    import base64

    import requests
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from oauthlib.oauth1.rfc5849 import signature

    from assistant.core.credentials import generate_rsa_key_pair
    from assistant.jira.oauth1 import OAuth1Consumer, OAuth1Token, signer

    pair = generate_rsa_key_pair()
    consumer = OAuth1Consumer("self-test", pair.private_pem().decode())
    url = "https://jira.example.com/rest/api/2/myself?expand=groups"
    request = requests.Request("GET", url, auth=signer(consumer, OAuth1Token("token", "secret"))).prepare()
    # requests-oauthlib leaves the header as bytes, whatever the type hints say.
    header = cast(str | bytes, request.headers["Authorization"])
    authorization = header.decode() if isinstance(header, bytes) else header
    params = signature.collect_parameters(
        uri_query="expand=groups", headers={"Authorization": authorization}, exclude_oauth_signature=False
    )
    sent = dict(params)
    if sent.get("oauth_signature_method") != "RSA-SHA1":
        raise CheckFailed(f"signed with {sent.get('oauth_signature_method')!r} instead of RSA-SHA1")
    unsigned = [(name, value) for name, value in params if name != "oauth_signature"]
    base_string = signature.signature_base_string(
        "GET", signature.base_string_uri(url), signature.normalize_parameters(unsigned)
    )
    try:
        # Jira's OAuth 1.0a provider accepts RSA-SHA1 only; verifying that is the point here.
        digest = hashes.SHA1()  # noqa: S303
        pair.private_key.public_key().verify(
            base64.b64decode(sent["oauth_signature"]), base_string.encode(), padding.PKCS1v15(), digest
        )
    except InvalidSignature:
        raise CheckFailed("the RSA-SHA1 signature does not verify against the key's public half") from None
    return f"a request signed with RSA-SHA1 by a new {pair.bits}-bit key verifies against its public key"


CHECKS: tuple[Check, ...] = (
    ("resources", check_resources),
    ("help", check_help),
    ("commands", check_commands),
    ("tls-trust", check_trust),
    ("engine", check_engine),
    ("keyring", check_keyring),
    ("gui", check_gui),
    ("oauth1-signer", check_signer),
)


def run(checks: Sequence[Check] = CHECKS) -> int:
    """Runs every check (a failure does not stop the others), prints a line each and a summary; 0 if all pass."""
    use_offscreen_without_display(os.environ)
    width = max(len(name) for name, _ in checks)
    failed = 0
    for name, check in checks:
        started = time.perf_counter()
        try:
            status, detail = "PASS", check()
        except Exception as exc:
            failed += 1
            shown = str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}"
            status, detail = "FAIL", redact_text(shown)
        elapsed = (time.perf_counter() - started) * 1000
        print(f"{status} {name:<{width}}  {detail} ({elapsed:.0f} ms)", flush=True)
    print(f"{len(checks) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0
