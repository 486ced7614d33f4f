"""What a sandbox is asked to be: the Jira version it imitates, where it serves, and which faults it shows.

The version decides which features exist, because an assistant that is tested only against the newest Jira
would recommend methods an older instance does not have.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Deployment = Literal["Server", "DataCenter"]


class Fault(enum.StrEnum):
    """Faults a real instance shows in the field; each switch imitates one."""

    CAPTCHA = "captcha"
    BASIC_DISABLED = "basic-disabled"
    BASIC_200_ON_FAILURE = "basic-200-on-failure"
    BASE_URL_MISMATCH = "base-url-mismatch"
    CLOCK_SKEW = "clock-skew"
    RATE_LIMIT = "rate-limit"
    MAINTENANCE = "maintenance"
    SERVER_ERROR = "server-error"
    SLOW = "slow"
    SSO_REDIRECT = "sso-redirect"
    NO_PERMISSIONS = "no-permissions"
    PAT_DISABLED = "pat-disabled"
    OAUTH2_DISABLED = "oauth2-disabled"


_VERSION_RE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?$")


@dataclass(frozen=True, order=True)
class JiraVersion:
    major: int
    minor: int
    patch: int = 0

    @classmethod
    def parse(cls, text: str) -> JiraVersion:
        match = _VERSION_RE.match(text.strip())
        if not match:
            raise ValueError(f"not a Jira version: {text!r} (expected e.g. 9.12.2)")
        major, minor, patch = match.groups()
        return cls(int(major), int(minor), int(patch or 0))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def at_least(self, major: int, minor: int = 0) -> bool:
        return (self.major, self.minor) >= (major, minor)


@dataclass(frozen=True)
class Features:
    """Version landmarks from the reference, in one place so the routes cannot disagree about them."""

    personal_access_tokens: bool
    basic_auth_block_setting: bool
    oauth2_provider: bool
    service_accounts: bool
    new_create_link_dialog: bool
    per_project_createmeta: bool
    old_createmeta: bool

    @classmethod
    def of(cls, version: JiraVersion) -> Features:
        return cls(
            personal_access_tokens=version.at_least(8, 14),
            basic_auth_block_setting=version.at_least(8, 16),
            oauth2_provider=version.at_least(8, 22),
            service_accounts=version.at_least(11, 0),
            new_create_link_dialog=version.at_least(8, 22),
            per_project_createmeta=version.at_least(8, 4),
            old_createmeta=not version.at_least(9, 0),
        )


@dataclass(frozen=True)
class Lifetimes:
    """Token lifetimes in seconds; Jira's defaults, shortened by tests that need to watch them expire."""

    oauth2_access: int = 3600
    oauth2_refresh: int = 90 * 86400
    oauth2_code: int = 60
    oauth1_request_token: int = 600
    oauth1_access_token: int = 5 * 365 * 86400


@dataclass(frozen=True)
class SandboxOptions:
    host: str = "127.0.0.1"
    port: int = 0
    tls: bool = False
    jira_version: str = "10.3.0"
    deployment: Deployment = "DataCenter"
    advertised_base_url: str | None = None
    context_path: str = ""
    faults: frozenset[Fault] = frozenset()
    auto_approve: bool = False
    state_file: Path | None = None
    # Jira's `atlassian.oauth2.provider.skip.base.url.https.requirement`: consent works over HTTP.
    skip_consent_https_requirement: bool = False
    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    slow_seconds: float = 2.0
    clock_skew_seconds: int = 600
    max_authentication_attempts: int = 3
    max_body_bytes: int = 2 * 1024 * 1024

    def __post_init__(self) -> None:
        JiraVersion.parse(self.jira_version)
        if self.deployment not in ("Server", "DataCenter"):
            raise ValueError(f"deployment must be Server or DataCenter, not {self.deployment!r}")
        if self.context_path and (not self.context_path.startswith("/") or self.context_path.endswith("/")):
            raise ValueError(f"context path must start with / and not end with it: {self.context_path!r}")

    @property
    def version(self) -> JiraVersion:
        return JiraVersion.parse(self.jira_version)

    @property
    def features(self) -> Features:
        return Features.of(self.version)

    def has(self, fault: Fault) -> bool:
        return fault in self.faults
