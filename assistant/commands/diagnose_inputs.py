"""Where `diagnose` gets the connection it examines: a URL and credentials, a saved connection, or a bundle.

Whatever the source, a secret the method needs and the source lacks (a saved connection whose keyring entry is
gone, a bundle exported without secrets) is taken from the environment or asked for without echo; a missing
value without a terminal is a usage error that names the variable to set.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

from assistant.commands.prompts import UsageError, ask, ask_secret
from assistant.core import saved
from assistant.core.connection import Connection
from assistant.core.credentials import CredentialError, key_pair_from, load_private_key_pem
from assistant.core.secrets import SecretStoreError, open_secret_store

AUTH_CHOICES = ("basic", "pat", "oauth1", "oauth2")
# Both OAuth 1.0a link dialogs sign alike; the Atlassian-product one is what Jira 8.22 and later create.
METHOD_OF = {"basic": "basic", "pat": "pat", "oauth2": "oauth2", "oauth1": "oauth1-atlassian-product"}
_FAMILY = {
    "basic": "basic",
    "pat": "pat",
    "oauth2": "oauth2",
    "oauth1-atlassian-product": "oauth1",
    "oauth1-generic": "oauth1",
}


def connection_from(args: argparse.Namespace) -> tuple[Connection | None, str | None]:
    """The connection to diagnose (None: anonymous checks only) and a CA certificate PEM a bundle carries."""
    if args.bundle:
        connection, ca_pem = _from_bundle(args.bundle)
    elif args.connection:
        connection, ca_pem = _from_saved(args.connection), None
    elif args.auth:
        connection = Connection(base_url=args.url, method=METHOD_OF[args.auth], name="diagnose")
        ca_pem = None
    else:
        return None, None
    if args.auth and _FAMILY.get(connection.method) != args.auth:
        raise UsageError(f"--auth {args.auth} differs from the connection's method ({connection.method})")
    return complete(connection, args), ca_pem


def complete(connection: Connection, args: argparse.Namespace) -> Connection:
    """Fills in what the method needs and the source did not hold."""
    username = args.username or os.environ.get("JIRA_USERNAME") or connection.username
    method = _FAMILY.get(connection.method)
    if method == "basic":
        username = ask("Jira username", username, flag="--username", env="JIRA_USERNAME")
    connection = dataclasses.replace(connection, username=username)
    if method == "basic" and not connection.secrets.get("password"):
        connection = connection.with_secrets(password=ask_secret(f"Password of {username}", env="JIRA_PASSWORD"))
    elif method == "pat" and not connection.secrets.get("pat"):
        connection = connection.with_secrets(pat=ask_secret("Personal access token", env="JIRA_API_TOKEN"))
    elif method == "oauth2" and not connection.secrets.get("access_token"):
        connection = connection.with_secrets(access_token=ask_secret("OAuth 2.0 access token", env="JIRA_ACCESS_TOKEN"))
    elif method == "oauth1":
        connection = _complete_oauth1(connection, args)
    elif method is None:
        raise UsageError(f"unknown authentication method {connection.method!r}")
    return connection


def _complete_oauth1(connection: Connection, args: argparse.Namespace) -> Connection:
    consumer_key = ask(
        "OAuth 1.0a consumer key",
        args.consumer_key or connection.consumer_key,
        flag="--consumer-key",
        env="JIRA_CONSUMER_KEY",
    )
    connection = dataclasses.replace(connection, consumer_key=consumer_key)
    if not connection.secrets.get("private_key"):
        given = args.private_key or os.environ.get("JIRA_PRIVATE_KEY_FILE")
        path = Path(ask("Private key file (PEM)", str(given) if given else None, flag="--private-key"))
        connection = connection.with_secrets(private_key=_private_key(path))
    if not connection.secrets.get("oauth1_token"):
        token = ask_secret("OAuth 1.0a access token", env="JIRA_OAUTH_TOKEN")
        connection = connection.with_secrets(
            oauth1_token=token, oauth1_token_secret=os.environ.get("JIRA_OAUTH_TOKEN_SECRET") or None
        )
    return connection


def _private_key(path: Path) -> str:
    """The key as unencrypted PEM, in memory only: the signer needs it so, and it never reaches the disk."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the private key {path}: {exc.strerror}") from None
    passphrase = None
    if b"ENCRYPTED" in data:
        passphrase = ask_secret("Passphrase of the private key", env="KEY_PASSPHRASE")
    try:
        key = load_private_key_pem(data, passphrase)
    except CredentialError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return key_pair_from(key).private_pem().decode("ascii")


def _from_saved(name: str) -> Connection:
    try:
        return saved.load_with_secrets(name, open_secret_store())
    except (saved.SavedConnectionError, SecretStoreError) as exc:
        raise UsageError(str(exc)) from None


def _from_bundle(path: Path) -> tuple[Connection, str | None]:
    from assistant.bundle import BundleError, read_bundle, secrets_from_store

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the bundle {path}: {exc.strerror}") from None
    try:
        opened = read_bundle(data)
        if opened.mode == "encrypted":
            opened = read_bundle(data, ask_secret("Bundle passphrase", env="BUNDLE_PASSPHRASE"))
        connection = opened.connection
        if opened.mode == "keyring":
            secrets = secrets_from_store(opened, open_secret_store())
            connection = dataclasses.replace(connection, secrets=secrets)
    except BundleError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return connection, opened.ca_certificate_pem
