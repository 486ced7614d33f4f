"""The connection as environment variables, for connectors configured through their environment.

One table maps each setting and secret kind to its variable, so `setup`'s inputs (JIRA_PASSWORD,
JIRA_API_TOKEN, JIRA_CLIENT_ID, JIRA_CLIENT_SECRET) and this output agree. Values are quoted for a POSIX shell
(`set -a; . ./jira.env; set +a`), which python-dotenv reads too; a multi-line PEM stays inside its quotes.
"""

from __future__ import annotations

import shlex

from assistant.bundle.model import AUTH_FIELDS, SECRET_KINDS_BY_METHOD, TIME_FIELDS, format_time
from assistant.core.connection import Connection

SETTING_VARIABLES = {
    "base_url": "JIRA_URL",
    "method": "JIRA_AUTH_METHOD",
    "username": "JIRA_USERNAME",
    "project_key": "JIRA_PROJECT",
    "ca_file": "JIRA_CA_FILE",
    "proxy": "JIRA_PROXY",
    "client_id": "JIRA_CLIENT_ID",
    "scope": "JIRA_OAUTH_SCOPE",
    "redirect_uri": "JIRA_REDIRECT_URI",
    "token_expires_at": "JIRA_TOKEN_EXPIRES_AT",
    "refresh_expires_at": "JIRA_REFRESH_TOKEN_EXPIRES_AT",
    "consumer_key": "JIRA_CONSUMER_KEY",
    "consumer_name": "JIRA_CONSUMER_NAME",
    "public_key_pem": "JIRA_PUBLIC_KEY",
    "pat_expires_at": "JIRA_PAT_EXPIRES_AT",
}
SECRET_VARIABLES = {
    "password": "JIRA_PASSWORD",
    "pat": "JIRA_API_TOKEN",
    "client_secret": "JIRA_CLIENT_SECRET",
    "access_token": "JIRA_ACCESS_TOKEN",
    "refresh_token": "JIRA_REFRESH_TOKEN",
    "private_key": "JIRA_PRIVATE_KEY",
    "oauth1_token": "JIRA_OAUTH_TOKEN",
    "oauth1_token_secret": "JIRA_OAUTH_TOKEN_SECRET",
}
_COMMON = ("base_url", "method", "project_key", "ca_file", "proxy")


def env_text(connection: Connection, *, include_secrets: bool = False) -> str:
    """`NAME=value` lines for the connection's method; secrets only with `include_secrets`, otherwise a
    comment names the variables left out so the reader knows what still has to be supplied."""
    settings = connection.settings()
    lines = [f"# Jira link {connection.name!r} ({connection.method})"]
    for field in (*_COMMON, *AUTH_FIELDS.get(connection.method, ())):
        value = settings.get(field)
        if value is None or value == "":
            continue
        text = format_time(value) if field in TIME_FIELDS else str(value)
        lines.append(f"{SETTING_VARIABLES[field]}={shlex.quote(text)}")
    kinds = [kind for kind in SECRET_KINDS_BY_METHOD.get(connection.method, ()) if connection.secrets.get(kind)]
    if include_secrets:
        lines += [f"{SECRET_VARIABLES[kind]}={shlex.quote(connection.secrets[kind])}" for kind in kinds]
    elif kinds:
        left_out = " ".join(SECRET_VARIABLES[kind] for kind in kinds)
        lines.append(f"# Secrets not written (export with --plaintext-secrets to include them): {left_out}")
    return "\n".join(lines) + "\n"
