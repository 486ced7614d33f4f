"""The sandbox's world: users, one project with its issues, tokens, OAuth consumers and clients.

Everything lives behind one lock because the server is threaded and a Jira answer must never show half an
update (a rotated refresh token that still works, an issue without its key). Persistence is optional and
whole-file: a `--state` file is rewritten atomically after each change.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from assistant.sandbox.options import Fault, SandboxOptions

SERVICE_PERMISSIONS = frozenset(
    {
        "BROWSE_PROJECTS",
        "CREATE_ISSUES",
        "EDIT_ISSUES",
        "TRANSITION_ISSUES",
        "ADD_COMMENTS",
        "CLOSE_ISSUES",
        "RESOLVE_ISSUES",
        "ASSIGN_ISSUES",
        "ASSIGNABLE_USER",
    }
)
PERMISSIONS_REMOVED_BY_FAULT = frozenset({"CREATE_ISSUES", "TRANSITION_ISSUES"})


@dataclass
class User:
    username: str
    display_name: str
    password: str
    key: str
    email: str
    active: bool = True
    system_admin: bool = False
    groups: list[str] = field(default_factory=list)
    failed_logins: int = 0
    project_permissions: list[str] = field(default_factory=list)


@dataclass
class Comment:
    id: str
    author: str
    body: str
    created: float


@dataclass
class Issue:
    id: str
    key: str
    project_key: str
    issue_type_id: str
    summary: str
    description: str | None
    status_id: str
    reporter: str
    created: float
    updated: float
    comments: list[Comment] = field(default_factory=list)


@dataclass
class PersonalAccessToken:
    id: int
    owner: str
    name: str
    secret: str
    created_at: float
    expiring_at: float | None
    last_accessed_at: float | None = None


@dataclass
class OAuth1Consumer:
    key: str
    name: str
    public_key_pem: str
    description: str = ""
    callback: str | None = None
    link_id: str = ""


@dataclass
class OAuth1Token:
    token: str
    secret: str
    consumer_key: str
    kind: str  # "request" or "access"
    expires_at: float
    callback: str = "oob"
    verifier: str | None = None
    user: str | None = None


@dataclass
class ApplicationLink:
    id: str
    name: str
    rpc_url: str
    display_url: str
    type_id: str


@dataclass
class OAuth2Client:
    id: int
    client_id: str
    client_secret: str
    name: str
    redirects: list[str]
    scope: str
    user_key: str


@dataclass
class OAuth2Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    expires_at: float
    code_challenge: str | None
    code_challenge_method: str | None
    used: bool = False


@dataclass
class OAuth2Token:
    access_token: str
    refresh_token: str
    client_id: str
    scope: str
    user: str
    access_expires_at: float
    refresh_expires_at: float
    from_code: str | None = None
    revoked: bool = False


@dataclass
class BrowserSession:
    id: str
    user: str


_T = TypeVar("_T")


def _load(cls: type[_T], data: dict[str, Any]) -> _T:
    """Rebuilds a record from its JSON form; only `Issue.comments` nests, so one special case suffices."""
    if cls is Issue:
        data = {**data, "comments": [Comment(**c) for c in data.get("comments", [])]}
    return cls(**data)


_COLLECTIONS: dict[str, type[Any]] = {
    "users": User,
    "issues": Issue,
    "pats": PersonalAccessToken,
    "oauth1_consumers": OAuth1Consumer,
    "oauth1_tokens": OAuth1Token,
    "app_links": ApplicationLink,
    "oauth2_clients": OAuth2Client,
    "oauth2_codes": OAuth2Code,
    "oauth2_tokens": OAuth2Token,
    "sessions": BrowserSession,
}


class SandboxState:
    """All mutable data, its lock, and the sandbox's clock (which the clock-skew fault moves)."""

    ADMIN = "admin"
    SERVICE_ACCOUNT = "jira-link-bot"
    INACTIVE = "former.employee"
    PROJECT_KEY = "DEMO"
    PROJECT_ID = "10000"
    PROJECT_NAME = "Demo project"

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.issues: dict[str, Issue] = {}
        self.pats: dict[int, PersonalAccessToken] = {}
        self.oauth1_consumers: dict[str, OAuth1Consumer] = {}
        self.oauth1_tokens: dict[str, OAuth1Token] = {}
        self.oauth1_nonces: set[tuple[str, str, str]] = set()
        self.app_links: dict[str, ApplicationLink] = {}
        self.oauth2_clients: dict[str, OAuth2Client] = {}
        self.oauth2_codes: dict[str, OAuth2Code] = {}
        self.oauth2_tokens: dict[str, OAuth2Token] = {}
        self.sessions: dict[str, BrowserSession] = {}
        self.counters: dict[str, int] = {"issue": 10000, "comment": 10000, "pat": 0, "oauth2_client": 0}
        self.service_pat = ""
        if options.state_file and options.state_file.exists():
            self._restore(options.state_file)
        else:
            self._seed()

    # The clock -----------------------------------------------------------------------------------------

    def now(self) -> float:
        skew = self.options.clock_skew_seconds if self.options.has(Fault.CLOCK_SKEW) else 0
        return time.time() + skew

    # Seeding and persistence ---------------------------------------------------------------------------

    def _seed(self) -> None:
        service_permissions = set(SERVICE_PERMISSIONS)
        if self.options.has(Fault.NO_PERMISSIONS):
            service_permissions -= PERMISSIONS_REMOVED_BY_FAULT
        self._add_user(
            User(
                username=self.ADMIN,
                display_name="Sandbox Administrator",
                password=secrets.token_urlsafe(12),
                key="JIRAUSER10000",
                email="admin@sandbox.invalid",
                system_admin=True,
                groups=["jira-administrators", "jira-software-users"],
                project_permissions=sorted(
                    SERVICE_PERMISSIONS | {"DELETE_ISSUES", "ADMINISTER_PROJECTS", "ADMINISTER"}
                ),
            )
        )
        self._add_user(
            User(
                username=self.SERVICE_ACCOUNT,
                display_name="Jira Link Bot",
                password=secrets.token_urlsafe(12),
                key="JIRAUSER10100",
                email="jira-link-bot@sandbox.invalid",
                groups=["jira-software-users"],
                project_permissions=sorted(service_permissions),
                failed_logins=(self.options.max_authentication_attempts if self.options.has(Fault.CAPTCHA) else 0),
            )
        )
        self._add_user(
            User(
                username=self.INACTIVE,
                display_name="Former Employee",
                password=secrets.token_urlsafe(12),
                key="JIRAUSER10200",
                email="former.employee@sandbox.invalid",
                active=False,
                groups=["jira-software-users"],
                project_permissions=sorted(SERVICE_PERMISSIONS),
            )
        )
        if self.options.features.personal_access_tokens:
            self.service_pat = self.create_pat(self.SERVICE_ACCOUNT, "jira-link-assistant", None).secret
        # Written at once: a restart before the first change must find the same passwords, not a new seed.
        self.save()

    def _add_user(self, user: User) -> None:
        self.users[user.username] = user

    def _restore(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        for name, cls in _COLLECTIONS.items():
            stored = data.get(name, {})
            collection: dict[Any, Any] = getattr(self, name)
            for raw_key, value in stored.items():
                key: Any = int(raw_key) if name == "pats" else raw_key
                collection[key] = _load(cls, value)
        self.counters.update(data.get("counters", {}))
        self.service_pat = data.get("service_pat", "")

    def save(self) -> None:
        """Writes the state file atomically; a crash mid-write leaves the previous file intact."""
        path = self.options.state_file
        if path is None:
            return
        with self.lock:
            data: dict[str, Any] = {
                name: {str(k): dataclasses.asdict(v) for k, v in getattr(self, name).items()} for name in _COLLECTIONS
            }
            data["counters"] = self.counters
            data["service_pat"] = self.service_pat
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @contextmanager
    def change(self) -> Iterator[None]:
        """Wraps a mutation: holds the lock while it runs, then persists."""
        with self.lock:
            yield
            self.save()

    def next_id(self, counter: str) -> int:
        with self.lock:
            self.counters[counter] += 1
            return self.counters[counter]

    # Queries and mutations used by several routes ------------------------------------------------------

    def user_by_key_or_name(self, name: str) -> User | None:
        with self.lock:
            if name in self.users:
                return self.users[name]
            return next((u for u in self.users.values() if u.key == name), None)

    def permissions_of(self, user: User | None) -> frozenset[str]:
        if user is None or not user.active:
            return frozenset()
        return frozenset(user.project_permissions)

    def create_pat(self, owner: str, name: str, days: int | None) -> PersonalAccessToken:
        with self.change():
            now = self.now()
            token = PersonalAccessToken(
                id=self.next_id("pat"),
                owner=owner,
                name=name,
                # Jira's PATs are 44 characters of base64: a 12-digit id and random bytes; the shape matters
                # only in that clients must not parse it.
                secret=secrets.token_urlsafe(33)[:44],
                created_at=now,
                expiring_at=None if days is None else now + days * 86400,
            )
            self.pats[token.id] = token
            return token

    def find_pat(self, secret: str) -> PersonalAccessToken | None:
        with self.lock:
            for token in self.pats.values():
                if secrets.compare_digest(token.secret, secret):
                    return token
            return None

    def reset_failed_logins(self, username: str) -> None:
        with self.change():
            self.users[username].failed_logins = 0

    def new_session(self, username: str) -> BrowserSession:
        with self.change():
            session = BrowserSession(id=secrets.token_hex(16).upper(), user=username)
            self.sessions[session.id] = session
            return session
