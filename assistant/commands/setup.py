"""`jira-link-assistant setup`: the wizard's whole flow in a terminal, for servers without a display.

URL → version → recommended method → what to paste into Jira and where → credentials (or the OAuth dance) →
live validation → secrets into the secret store. Every prompt has a flag; secrets come from the environment
(JIRA_PASSWORD, JIRA_API_TOKEN, JIRA_CLIENT_ID, JIRA_CLIENT_SECRET, JIRA_ADMIN_USERNAME/JIRA_ADMIN_PASSWORD) or a
no-echo prompt, never from an argument.

Exit codes: 0 the link is proven and stored; 1 Jira or the network refused (the message names the finding code
and the remedy); 2 usage error (a bad URL, a missing value without a terminal, a Jira Cloud URL); 130 cancelled.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import urllib.parse
from pathlib import Path
from typing import Any

import requests

from assistant.commands import setup_methods
from assistant.commands.bundle import bundle_passphrase, export_sealed
from assistant.commands.prompts import UsageError, ask, say
from assistant.core import saved
from assistant.core.connection import Connection
from assistant.core.methods import MethodId, assess
from assistant.core.profiles import ConnectorProfile, ProfileError, default_profile, load_profile
from assistant.core.secrets import SecretStore, open_secret_store
from assistant.core.versions import ServerFacts
from assistant.jira.auth import attach
from assistant.jira.loopback import LoopbackError
from assistant.jira.problems import JiraProblem
from assistant.jira.server_info import read_server_facts
from assistant.jira.session import SessionError, Target, open_session
from assistant.jira.validation import StepResult, ValidationChain, ValidationResult

CLOUD_SUFFIX = ".atlassian.net"
_MARKS = {"pass": "✔", "warn": "!", "fail": "✘", "skip": "-"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_argument_group("where Jira is")
    where.add_argument("--url", help="Jira's base URL, e.g. https://jira.example.com")
    where.add_argument(
        "--ca-file",
        "--ca-bundle",
        dest="ca_file",
        type=Path,
        help="a CA certificate (PEM) to trust besides the system's",
    )
    where.add_argument("--proxy", help="HTTP(S) proxy URL (otherwise the environment's)")
    where.add_argument("--timeout", type=float, default=20.0, help="read timeout per request in seconds")
    how = parser.add_argument_group("how the link authenticates")
    how.add_argument("--method", choices=[m.value for m in MethodId], help="default: the recommended one")
    how.add_argument("--profile", type=Path, help="a connector profile JSON (default: the generic profile)")
    how.add_argument("--username", help="the service account (default: the profile's suggestion)")
    how.add_argument("--project", help="project key whose permissions to check (and to write in)")
    how.add_argument("--name", default="jira-link", help="name to save the connection under")
    how.add_argument("--link-name", help="name of the link in Jira (default: the profile's)")
    how.add_argument(
        "--create-in-jira",
        action="store_true",
        help="create the OAuth link in Jira with an administrator's credentials (shown first)",
    )
    how.add_argument("--create-pat", action="store_true", help="have the service account create its own PAT")
    how.add_argument("--pat-days", type=int, default=None, help="expiry of a created PAT in days")
    oauth = parser.add_argument_group("OAuth")
    oauth.add_argument("--client-id", help="OAuth 2.0 Client ID (or JIRA_CLIENT_ID)")
    oauth.add_argument("--scope", choices=("READ", "WRITE", "ADMIN", "SYSTEM_ADMIN"))
    oauth.add_argument(
        "--redirect-port",
        type=int,
        default=setup_methods.DEFAULT_REDIRECT_PORT,
        help="port of the loopback redirect http://localhost:PORT/callback",
    )
    oauth.add_argument("--redirect-url", help="a redirect URL the connector owns instead of the loopback one")
    oauth.add_argument(
        "--client-credentials",
        action="store_true",
        help="Jira 11 service account: get the token with the client's credentials, no browser",
    )
    oauth.add_argument(
        "--paste",
        action="store_true",
        help="paste the redirected URL (or OAuth 1.0a code) instead of the loopback receiver",
    )
    oauth.add_argument("--no-browser", action="store_true", help="print the authorization URL only")
    oauth.add_argument("--auth-timeout", type=float, default=300.0, help="seconds to wait for the browser")
    oauth.add_argument("--app-url", help="OAuth 1.0a: the connecting application's URL")
    oauth.add_argument("--consumer-key", help="OAuth 1.0a: consumer key (default: generated)")
    oauth.add_argument("--consumer-name", help="OAuth 1.0a: consumer name (default: the profile's)")
    oauth.add_argument("--private-key", type=Path, help="OAuth 1.0a: an existing private key (PEM)")
    oauth.add_argument("--key-bits", type=int, default=2048, choices=(2048, 3072, 4096))
    oauth.add_argument("--save-public-key", type=Path, help="OAuth 1.0a: also write the public key here")
    parser.add_argument(
        "--write-test", action="store_true", help="prove writing: create, comment, transition and delete a test issue"
    )
    parser.add_argument(
        "--export",
        type=Path,
        metavar="FILE",
        help="also seal the secrets into an encrypted bundle FILE (needed where no system keyring is usable)",
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmations")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    outcome: dict[str, Any] = {"ok": False}
    try:
        result, connection, location = _Setup(args).run()
        outcome.update(_summary(result, connection, location))
        code = 0 if result.ok else 1
        if not result.ok and result.first_failure and result.first_failure.problem:
            _report_problem(result.first_failure.problem, outcome)
    except (UsageError, SessionError) as exc:
        say(f"error: {exc}")
        outcome["error"] = {"code": "USAGE", "message": str(exc)}
        code = 2
    except LoopbackError as exc:
        _report_problem(JiraProblem("OAUTH_CALLBACK_MISSING", str(exc)), outcome)
        code = 1
    except JiraProblem as problem:
        _report_problem(problem, outcome)
        code = 2 if problem.code in ("URL_INVALID", "URL_IS_CLOUD") else 1
    except KeyboardInterrupt:
        say("\ncancelled")
        outcome["error"] = {"code": "CANCELLED", "message": "cancelled by the user"}
        code = 130
    if args.format == "json":
        print(json.dumps(outcome, indent=2))
    return code


def _report_problem(problem: JiraProblem, outcome: dict[str, Any]) -> None:
    say(f"\n✘ {problem.code}: {problem}")
    say(f"  What to do: {problem.remedy}")
    outcome["error"] = {
        "code": problem.code,
        "title": problem.info.title,
        "detail": problem.detail,
        "remedy": problem.remedy,
        "evidence": problem.evidence.as_dict() if problem.evidence else None,
    }


class _Setup:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.passphrase: str | None = None

    def run(self) -> tuple[ValidationResult, Connection, str]:
        args = self.args
        if args.timeout <= 0:
            raise UsageError("--timeout must be a positive number of seconds")
        target = self._target()
        profile = self._profile()
        store = self._storage()
        with open_session(target) as session:
            facts = self._server_facts(session, target)
            method = self._choose_method(facts)
            username = ask(
                "Service account",
                args.username,
                flag="--username",
                env="JIRA_USERNAME",
                default=profile.service_account.name,
            )
            ctx = setup_methods.SetupContext(
                args=args, target=target, session=session, facts=facts, profile=profile, username=username
            )
            connection = _METHOD_STEPS[method](ctx)
            say("\nValidating the link with live calls:")
            attach(session, connection)
            result = ValidationChain(
                session, connection, profile.project_permissions, write_test=args.write_test, on_step=_print_step
            ).run()
        if not result.ok:
            return result, connection, "nothing was stored"
        if result.identity and result.identity != connection.username:
            # OAuth links act as whoever clicked Allow: record the account Jira actually reported.
            connection = dataclasses.replace(connection, username=result.identity)
        path = saved.persist(connection, store)
        say(f"\nThe link works. Settings saved to {path}.\nSecrets: {store.location}.")
        if args.export:
            assert self.passphrase is not None
            export_sealed(args.export, connection, profile, result, self.passphrase)
            say(f"Encrypted bundle written to {args.export}.")
        return result, connection, store.location if store.persistent else f"the encrypted bundle {args.export}"

    def _storage(self) -> SecretStore:
        """Where the secrets will go, decided before anything is created in Jira that could not be kept."""
        store = open_secret_store()
        if not store.persistent and not self.args.export:
            raise UsageError(
                f"secrets would be {store.location}, and lost when setup ends. Give --export FILE to seal them "
                "into an encrypted bundle (passphrase from BUNDLE_PASSPHRASE or a prompt), or run setup where a "
                "system keyring is available"
            )
        if self.args.export:
            self.passphrase = bundle_passphrase()
        return store

    def _target(self) -> Target:
        url = ask("Jira base URL", self.args.url, flag="--url")
        try:
            target = Target(url, ca_file=self.args.ca_file, proxy=self.args.proxy, read_timeout=self.args.timeout)
        except SessionError as exc:
            raise JiraProblem("URL_INVALID", str(exc)) from exc
        host = urllib.parse.urlsplit(target.base_url).hostname or ""
        if host.endswith(CLOUD_SUFFIX):
            raise JiraProblem("URL_IS_CLOUD", f"{host} is a Jira Cloud site")
        return target

    def _profile(self) -> ConnectorProfile:
        try:
            return load_profile(self.args.profile) if self.args.profile else default_profile()
        except ProfileError as exc:
            raise UsageError(str(exc)) from exc

    def _server_facts(self, session: requests.Session, target: Target) -> ServerFacts:
        say(f"Reading {target.base_url}/rest/api/2/serverInfo …")
        facts = read_server_facts(session, target.base_url)
        say(f'Jira {facts.version} ({facts.deployment}), "{facts.title}", base URL {facts.base_url}')
        if facts.base_url.rstrip("/") != target.base_url:
            say(f"! Jira believes its base URL is {facts.base_url}, not {target.base_url}: OAuth may fail.")
        return facts

    def _choose_method(self, facts: ServerFacts) -> MethodId:
        assessments = assess(facts)
        say("\nAuthentication methods for this Jira:")
        for item in assessments:
            mark = "★" if item.recommended else (" " if item.available else "✘")
            say(f" {mark} {item.method.value:<26} {item.reason}")
        chosen = (
            MethodId(self.args.method) if self.args.method else next(a.method for a in assessments if a.recommended)
        )
        verdict = next(a for a in assessments if a.method == chosen)
        if not verdict.available:
            raise JiraProblem("JIRA_TOO_OLD_FOR_METHOD", verdict.reason)
        say(f"\nUsing {chosen.value}.")
        return chosen


_METHOD_STEPS = {
    MethodId.OAUTH2: setup_methods.setup_oauth2,
    MethodId.OAUTH1_ATLASSIAN_PRODUCT: lambda ctx: setup_methods.setup_oauth1(ctx, MethodId.OAUTH1_ATLASSIAN_PRODUCT),
    MethodId.OAUTH1_GENERIC: lambda ctx: setup_methods.setup_oauth1(ctx, MethodId.OAUTH1_GENERIC),
    MethodId.BASIC: setup_methods.setup_basic,
    MethodId.PAT: setup_methods.setup_pat,
}


def _print_step(step: StepResult) -> None:
    timing = f" ({step.duration_ms:.0f} ms)" if step.status != "skip" else ""
    say(f" {_MARKS[step.status]} {step.title}: {step.detail}{timing}")


def _summary(result: ValidationResult, connection: Connection, location: str) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "connection": connection.name,
        "method": connection.method,
        "base_url": connection.base_url,
        "jira_version": str(result.facts.version) if result.facts else None,
        "identity": result.identity,
        "secrets": location,
        "steps": [
            {
                "id": s.id,
                "status": s.status,
                "detail": s.detail,
                "duration_ms": round(s.duration_ms, 1),
                "code": s.problem.code if s.problem else None,
            }
            for s in result.steps
        ],
    }
