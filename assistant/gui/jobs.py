"""The wizard's slow work as plain functions over the engine, run by `Worker` on a pool thread.

Nothing here imports Qt or touches a widget; each function opens its own session (a session is not shared
between threads) and turns network failures into `JiraProblem`s so the page can show a finding.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import requests

from assistant.core import credentials, saved
from assistant.core.connection import Connection
from assistant.core.secrets import SecretStore
from assistant.core.versions import ServerFacts
from assistant.jira.auth import attach
from assistant.jira.dances import OAuth1Dance, OAuth2Dance
from assistant.jira.oauth1 import OAuth1Consumer
from assistant.jira.oauth2 import OAuth2App
from assistant.jira.problems import JiraProblem, transport_problem
from assistant.jira.server_info import list_projects, read_server_facts
from assistant.jira.session import JiraSession, SessionError, Target
from assistant.jira.validation import StepResult, ValidationChain, ValidationResult

CLOUD_SUFFIX = ".atlassian.net"
AUTHORIZATION_TIMEOUT = 600.0
SessionFactory = Callable[[Target], JiraSession]


T = TypeVar("T")


def make_target(base_url: str, ca_file: str, proxy: str) -> Target:
    """The target the user typed; a Jira Cloud address or an unusable URL is a finding, not a traceback."""
    url = base_url.strip()
    host = urllib.parse.urlsplit(url if "://" in url else f"https://{url}").hostname or ""
    if host.endswith(CLOUD_SUFFIX):
        raise JiraProblem("URL_IS_CLOUD", f"{host} is a Jira Cloud site")
    try:
        return Target(url, ca_file=Path(ca_file) if ca_file.strip() else None, proxy=proxy.strip() or None)
    except SessionError as exc:
        raise JiraProblem("URL_INVALID", str(exc)) from exc


def read_facts(open_session: SessionFactory, target: Target) -> ServerFacts:
    """serverInfo, read anonymously, the way the connector's first call would see it."""
    try:
        with open_session(target) as session:
            return read_server_facts(session, target.base_url)
    except SessionError as exc:
        raise JiraProblem("URL_INVALID", str(exc)) from exc


def projects(open_session: SessionFactory, target: Target, connection: Connection) -> list[tuple[str, str]]:
    """The projects the link's account can browse, for the write test's project chooser."""
    with open_session(target) as session:
        attach(session, connection)
        return list_projects(session, target.base_url)


def check_sign_in(open_session: SessionFactory, target: Target, connection: Connection) -> str:
    """Whom Jira runs the connection's calls as; the first failing check is raised with its finding."""
    result = _chain(open_session, target, replace(connection, project_key=None), (), write_test=False)
    failed = result.first_failure
    if failed is not None and failed.problem is not None:
        raise failed.problem
    return result.identity or ""


def _chain(
    open_session: SessionFactory,
    target: Target,
    connection: Connection,
    permissions: Sequence[str],
    *,
    write_test: bool,
    on_step: Callable[[StepResult], None] | None = None,
    cancel: threading.Event | None = None,
) -> ValidationResult:
    try:
        with open_session(target) as session:
            attach(session, connection)
            chain = ValidationChain(
                session, connection, permissions, write_test=write_test, on_step=on_step, cancel=cancel
            )
            return chain.run()
    except SessionError as exc:
        raise JiraProblem("URL_INVALID", str(exc)) from exc


def _with_admin(open_session: SessionFactory, target: Target, user: str, password: str) -> JiraSession:
    """A separate session for the administrator's credentials, so they never mix with the link's."""
    session = open_session(target)
    session.auth = (user, password)
    return session


def as_admin(
    open_session: SessionFactory, target: Target, user: str, password: str, action: Callable[[JiraSession], T]
) -> T:
    """Runs one admin-assisted creation (`admin.create_*`) on its own session with the administrator's
    credentials; network failures come back as findings."""
    try:
        with _with_admin(open_session, target, user, password) as session:
            return action(session)
    except requests.RequestException as exc:
        raise transport_problem(exc) from exc


@dataclass(frozen=True)
class KeyMaterial:
    private_pem: str = field(repr=False)
    public_pem: str
    fingerprint: str
    bits: int


def generate_key(bits: int) -> KeyMaterial:
    pair = credentials.generate_rsa_key_pair(bits)
    return KeyMaterial(pair.private_pem().decode(), pair.public_pem, pair.fingerprint, pair.bits)


def load_key(path: str, passphrase: str) -> KeyMaterial:
    key = credentials.load_private_key_pem(Path(path).read_bytes(), passphrase or None)
    pair = credentials.key_pair_from(key)
    return KeyMaterial(pair.private_pem().decode(), pair.public_pem, pair.fingerprint, pair.bits)


class Authorization:
    """One OAuth dance and the session it runs on; `close` ends both (Back, Cancel, or done)."""

    def __init__(self, session: JiraSession, dance: OAuth1Dance | OAuth2Dance, listening: bool) -> None:
        self.session = session
        self.dance = dance
        self.listening = listening
        """Whether a loopback receiver waits for the browser; if not, the answer must be pasted."""
        self.url = ""

    def close(self) -> None:
        self.dance.close()
        self.session.close()


def start_oauth2(open_session: SessionFactory, target: Target, app: OAuth2App, loopback: bool) -> Authorization:
    session = open_session(target)
    try:
        authorization = Authorization(session, OAuth2Dance(session, target.base_url, app, loopback=loopback), loopback)
        authorization.url = authorization.dance.start()
    except BaseException:
        session.close()
        raise
    return authorization


def start_oauth1(
    open_session: SessionFactory, target: Target, consumer: OAuth1Consumer, loopback: bool
) -> Authorization:
    session = open_session(target)
    dance = OAuth1Dance(session, target.base_url, consumer, callback_port=0 if loopback else None)
    authorization = Authorization(session, dance, loopback)
    try:
        authorization.url = dance.start()
    except requests.RequestException as exc:
        authorization.close()
        raise transport_problem(exc) from exc
    except BaseException:
        authorization.close()
        raise
    return authorization


def wait_for_browser(authorization: Authorization, cancel: threading.Event) -> object:
    """Blocks until the loopback receiver has the redirect (or Cancel); returns the dance's tokens."""
    try:
        return authorization.dance.wait(AUTHORIZATION_TIMEOUT, cancel)
    except requests.RequestException as exc:
        raise transport_problem(exc) from exc


def finish_with_pasted(authorization: Authorization, pasted: str) -> object:
    try:
        return authorization.dance.finish_with_pasted(pasted)
    except requests.RequestException as exc:
        raise transport_problem(exc) from exc


@dataclass(frozen=True)
class Saved:
    result: ValidationResult
    path: Path | None
    store_location: str
    persistent: bool


def validate_and_save(
    open_session: SessionFactory,
    open_store: Callable[[], SecretStore],
    target: Target,
    connection: Connection,
    permissions: Sequence[str],
    *,
    write_test: bool,
    on_step: Callable[[StepResult], None],
    cancel: threading.Event,
) -> Saved:
    """The live chain; only a proven link is saved (secrets to the store, settings to disk), as the CLI does."""
    result = _chain(
        open_session, target, connection, permissions, write_test=write_test, on_step=on_step, cancel=cancel
    )
    if not result.ok:
        return Saved(result, None, "nothing was stored", False)
    store = open_store()
    path = saved.persist(connection, store)
    return Saved(result, path, store.location, store.persistent)
