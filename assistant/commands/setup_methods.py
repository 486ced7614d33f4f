"""The method-specific half of `setup`: what to generate, what to show the admin, how to obtain credentials.

One function per method, each returning the finished `Connection`; the common half (URL, version, method
choice, validation, storage) lives in `setup.py`.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import webbrowser
from pathlib import Path
from typing import Protocol, TypeVar

import requests
from cryptography.hazmat.primitives import serialization

from assistant.commands.prompts import UsageError, ask, ask_secret, confirm, say, wait_for_enter
from assistant.core import credentials
from assistant.core.click_paths import click_path
from assistant.core.connection import Connection
from assistant.core.methods import MethodId
from assistant.core.profiles import ConnectorProfile
from assistant.core.versions import ServerFacts
from assistant.jira import admin, oauth2
from assistant.jira.dances import OAuth1Dance, OAuth2Dance
from assistant.jira.loopback import ensure_port_free
from assistant.jira.oauth1 import OAuth1Consumer
from assistant.jira.oauth2 import OAuth2App, https_warning
from assistant.jira.session import Target, open_session

DEFAULT_REDIRECT_PORT = 8765
T_co = TypeVar("T_co", covariant=True)


class SetupContext:
    """What every method's step needs: the arguments, the target, the session and what Jira said."""

    def __init__(
        self,
        *,
        args: argparse.Namespace,
        target: Target,
        session: requests.Session,
        facts: ServerFacts,
        profile: ConnectorProfile,
        username: str,
    ) -> None:
        self.args = args
        self.target = target
        self.session = session
        self.facts = facts
        self.profile = profile
        self.username = username
        self.base_url = target.base_url

    @property
    def link_name(self) -> str:
        return str(self.args.link_name or self.profile.link_name)

    def connection(self, method: MethodId, **fields: object) -> Connection:
        return Connection(
            base_url=self.base_url,
            method=method.value,
            name=self.args.name,
            ca_file=str(self.target.ca_file) if self.target.ca_file else None,
            proxy=self.target.proxy,
            username=self.username,
            project_key=self.args.project,
            profile_id=self.profile.id,
            **fields,  # type: ignore[arg-type]
        )

    def show_click_path(self, method: MethodId, **extra: str) -> None:
        values = {
            "base_url": self.base_url,
            "link_name": self.link_name,
            "service_account": self.username,
            "scope": self.args.scope or self.profile.scope.value,
            **extra,
        }
        say(f"\nIn Jira {self.facts.version}, as an administrator:")
        for number, step in enumerate(click_path(method, self.facts.version, values), start=1):
            say(f"  {number}. {step.text}")
            if step.copy:
                for line in step.copy.splitlines():
                    say(f"       {line}")
        say()

    def approve(self, plans: list[admin.PlannedRequest], question: str) -> None:
        """Shows exactly what will be sent, and sends nothing without a yes."""
        for plan in plans:
            say(plan.describe())
        if not confirm(question, assume_yes=self.args.yes):
            raise UsageError("nothing was sent to Jira")

    def admin_session(self) -> requests.Session:
        """A separate session for the admin's credentials, so they never mix with the service account's."""
        user = ask("Jira administrator's username", None, flag="JIRA_ADMIN_USERNAME", env="JIRA_ADMIN_USERNAME")
        password = ask_secret("Jira administrator's password", env="JIRA_ADMIN_PASSWORD")
        session = open_session(self.target)
        session.auth = (user, password)
        return session

    def authorize_in_browser(self, url: str) -> None:
        say(f"Open this address in a browser, sign in as {self.username} and click Allow:")
        say(f"Authorization URL: {url}")
        if not self.args.no_browser and _has_display():
            webbrowser.open(url)


def _has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def read_pasted(label: str) -> str:
    """The paste fallback reads one line from standard input, terminal or not."""
    say(label)
    line = sys.stdin.readline()
    if not line.strip():
        raise UsageError("nothing was pasted")
    return line.strip()


# Basic and PAT ----------------------------------------------------------------------------------------


def setup_basic(ctx: SetupContext) -> Connection:
    ctx.show_click_path(MethodId.BASIC)
    password = ask_secret(f"Password of {ctx.username}", env="JIRA_PASSWORD")
    return ctx.connection(MethodId.BASIC).with_secrets(password=password)


def setup_pat(ctx: SetupContext) -> Connection:
    if ctx.args.create_pat:
        password = ask_secret(f"Password of {ctx.username} (to create the token as that account)", env="JIRA_PASSWORD")
        plan = admin.plan_personal_token(ctx.base_url, ctx.link_name[:40], ctx.args.pat_days)
        ctx.approve([plan], "Send this request to Jira?")
        own = open_session(ctx.target)
        own.auth = (ctx.username, password)
        with own:
            token = admin.create_personal_token(own, plan)
        say(f"Created token {token.id}" + (f", expiring {time.ctime(token.expires_at)}" if token.expires_at else ""))
        return ctx.connection(MethodId.PAT, pat_expires_at=token.expires_at).with_secrets(pat=token.token)
    ctx.show_click_path(MethodId.PAT)
    token_value = ask_secret(f"Personal Access Token of {ctx.username}", env="JIRA_API_TOKEN")
    return ctx.connection(MethodId.PAT).with_secrets(pat=token_value)


# OAuth 2.0 --------------------------------------------------------------------------------------------


def setup_oauth2(ctx: SetupContext) -> Connection:
    args = ctx.args
    redirect = args.redirect_url or f"http://localhost:{args.redirect_port}/callback"
    scope = args.scope or ctx.profile.scope.value
    if not (args.paste or args.client_credentials or args.redirect_url):
        ensure_port_free(args.redirect_port)
    if args.create_in_jira:
        plan = admin.plan_oauth2_client(ctx.base_url, ctx.link_name, redirect, scope)
        ctx.approve([plan], "Create this incoming link in Jira?")
        with ctx.admin_session() as session:
            created = admin.create_oauth2_client(session, plan)
        say(f"Created the incoming link; Client ID {created.client_id}")
        client_id, client_secret = created.client_id, created.client_secret
    else:
        ctx.show_click_path(MethodId.OAUTH2, redirect_url=redirect, scope=scope)
        client_id = ask("Client ID", args.client_id, flag="--client-id", env="JIRA_CLIENT_ID")
        client_secret = ask_secret("Client secret", env="JIRA_CLIENT_SECRET")
    app = OAuth2App(client_id, client_secret, redirect, scope)
    if args.client_credentials:
        say("Getting a token for the service account's client (client credentials, no browser)…")
        tokens = oauth2.client_credentials(ctx.session, ctx.base_url, app)
        connection = ctx.connection(
            MethodId.OAUTH2, client_id=client_id, scope=tokens.scope, token_expires_at=tokens.expires_at
        )
        return connection.with_secrets(client_secret=client_secret, access_token=tokens.access_token)
    warning = https_warning(ctx.base_url)
    if warning:
        say(f"Warning: {warning}")
    dance = OAuth2Dance(ctx.session, ctx.base_url, app, loopback=not args.paste)
    tokens = _dance(ctx, dance, "Paste the whole address the browser ended on after Allow:")
    say(f"Access token valid until {time.ctime(tokens.expires_at)}")
    connection = ctx.connection(
        MethodId.OAUTH2,
        client_id=client_id,
        scope=tokens.scope,
        redirect_uri=redirect,
        token_expires_at=tokens.expires_at,
    )
    return connection.with_secrets(
        client_secret=client_secret, access_token=tokens.access_token, refresh_token=tokens.refresh_token
    )


class _Dance(Protocol[T_co]):
    def start(self) -> str: ...
    def wait(self, timeout: float | None = None, cancel: threading.Event | None = None) -> T_co: ...
    def finish_with_pasted(self, pasted: str) -> T_co: ...
    def close(self) -> None: ...


def _dance(ctx: SetupContext, dance: _Dance[T_co], paste_label: str) -> T_co:
    try:
        url = dance.start()
        ctx.authorize_in_browser(url)
        if ctx.args.paste:
            return dance.finish_with_pasted(read_pasted(paste_label))
        say(f"Waiting for Jira to send the browser back (up to {ctx.args.auth_timeout:.0f} s; Ctrl+C cancels)…")
        return dance.wait(timeout=ctx.args.auth_timeout)
    finally:
        dance.close()


# OAuth 1.0a -------------------------------------------------------------------------------------------


def _key_pair(args: argparse.Namespace) -> tuple[str, str]:
    """(private PEM, public PEM): the admin's own key file, or a new pair generated here."""
    if args.private_key:
        data = Path(args.private_key).read_bytes()
        passphrase = os.environ.get("KEY_PASSPHRASE")
        key = credentials.load_private_key_pem(data, passphrase)
        private = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return private, credentials.public_pem(key.public_key())
    say(f"Generating a {args.key_bits}-bit RSA key pair…")
    pair = credentials.generate_rsa_key_pair(args.key_bits)
    say(f"Public key fingerprint (SHA-256): {pair.fingerprint}")
    return pair.private_pem().decode(), pair.public_pem


def setup_oauth1(ctx: SetupContext, method: MethodId) -> Connection:
    args = ctx.args
    private_pem, public_pem = _key_pair(args)
    consumer_key = args.consumer_key or credentials.new_consumer_key()
    consumer_name = args.consumer_name or ctx.profile.display_name
    app_url = ask("The connecting application's URL", args.app_url, flag="--app-url")
    if args.save_public_key:
        target = Path(args.save_public_key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(public_pem, encoding="ascii")
        say(f"Public key written to {args.save_public_key}")
    if args.create_in_jira:
        plans = admin.plan_oauth1_link(
            ctx.base_url,
            app_url,
            link_name=ctx.link_name,
            consumer_key=consumer_key,
            consumer_name=consumer_name,
            public_key_pem=public_pem,
        )
        ctx.approve(plans, "Create this application link in Jira?")
        with ctx.admin_session() as session:
            link_id = admin.create_oauth1_link(session, plans)
        say(f"Created application link {link_id} with consumer key {consumer_key}")
    else:
        ctx.show_click_path(
            method, app_url=app_url, consumer_key=consumer_key, consumer_name=consumer_name, public_key=public_pem
        )
        wait_for_enter("When the incoming link is saved in Jira,", assume_yes=args.yes)
    consumer = OAuth1Consumer(consumer_key, private_pem)
    port = None if args.paste else 0
    dance = OAuth1Dance(ctx.session, ctx.base_url, consumer, callback_port=port)
    token = _dance(ctx, dance, "Paste the verification code Jira shows after Allow:")
    connection = ctx.connection(
        method,
        consumer_key=consumer_key,
        consumer_name=consumer_name,
        public_key_pem=public_pem,
        token_expires_at=token.expires_at,
    )
    return connection.with_secrets(
        private_key=private_pem, oauth1_token=token.token, oauth1_token_secret=token.secret or None
    )
