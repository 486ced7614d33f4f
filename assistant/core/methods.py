"""The catalogue of ways an external application can authenticate to Jira Server / Data Center.

The catalogue is data: each method states the Jira versions it applies to, whether it is legacy and how to
leave it, what Jira Link Assistant generates for it and what the admin pastes back. `assess` turns it into one
recommendation per instance and a reason for every other method, so the wizard never offers a method the
instance lacks (OAuth 2.0 links exist from Jira 8.22, not 9.0 as the connector guide says). The admin's
click-paths live in `click_paths`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from assistant.core.versions import JiraVersion, ServerFacts

NEW_APPLINKS_DIALOG = JiraVersion(8, 22)
"""OAuth 2.0 incoming links and the "Atlassian product / External application" Create-link dialog."""
PERSONAL_ACCESS_TOKENS = JiraVersion(8, 14)
BASIC_AUTH_BLOCKING = JiraVersion(8, 16)
BASIC_AUTH_OFF_BY_DEFAULT = JiraVersion(11, 0)


class MethodId(enum.StrEnum):
    OAUTH2 = "oauth2"
    OAUTH1_ATLASSIAN_PRODUCT = "oauth1-atlassian-product"
    OAUTH1_GENERIC = "oauth1-generic"
    BASIC = "basic"
    PAT = "pat"


@dataclass(frozen=True)
class VersionRange:
    """Jira versions from `since` (inclusive) up to `before` (exclusive); None leaves that end open."""

    since: JiraVersion | None = None
    before: JiraVersion | None = None

    def __contains__(self, version: object) -> bool:
        if not isinstance(version, JiraVersion):
            return False
        return (self.since is None or version >= self.since) and (self.before is None or version < self.before)

    def requirement(self) -> str:
        """What an instance outside the range is missing, phrased for the admin."""
        since = f"{self.since.major}.{self.since.minor}" if self.since else None
        before = f"{self.before.major}.{self.before.minor}" if self.before else None
        if since and before:
            return f"applies to Jira {since} up to (not including) {before}"
        if since:
            return f"needs Jira {since} or later"
        if before:
            return f"applies only before Jira {before}"
        return "applies to every Jira version"


ALL_VERSIONS = VersionRange()


@dataclass(frozen=True)
class ValueSpec:
    """A value that changes hands during setup; `secret` values never reach a log, a report or the screen."""

    key: str
    label: str
    secret: bool = False


@dataclass(frozen=True)
class Deprecation:
    warning: str
    migration: str
    """How to move to OAuth 2.0; every migration means authorising the connector again."""


@dataclass(frozen=True)
class VersionNote:
    applies: VersionRange
    text: str


@dataclass(frozen=True)
class AuthMethod:
    id: MethodId
    title: str
    summary: str
    applies: VersionRange
    preference: int
    """Lower is better; the best available method is the one recommended."""
    generates: tuple[ValueSpec, ...]
    pastes_back: tuple[ValueSpec, ...]
    deprecation: Deprecation | None = None
    unavailable_hint: str = ""
    notes: tuple[VersionNote, ...] = ()

    @property
    def deprecated(self) -> bool:
        return self.deprecation is not None


_OAUTH1_DEPRECATION = Deprecation(
    warning="OAuth 1.0a is legacy: the connector guide recommends OAuth 2.0, and Jira accepts only RSA-SHA1 "
    "signatures for it.",
    migration="To migrate to OAuth 2.0 (Jira 8.22 or later): an OAuth 1.0a link cannot be converted, it is "
    "recreated. Create an External application › Incoming link, switch the connector to OAuth 2.0 and "
    "authorise it again as the service account, then delete the old OAuth 1.0a link.",
)

_CONSUMER_KEY = ValueSpec("consumer_key", "Consumer key (an identifier, not a secret)")
_PUBLIC_KEY = ValueSpec("public_key", "RSA public key (its private key stays with the connector)")

CATALOGUE: Mapping[MethodId, AuthMethod] = MappingProxyType(
    {
        MethodId.OAUTH2: AuthMethod(
            id=MethodId.OAUTH2,
            title="OAuth 2.0",
            summary="An incoming External application link: the connector acts as the service account with "
            "a revocable token, and no password leaves Jira.",
            applies=VersionRange(since=NEW_APPLINKS_DIALOG),
            preference=0,
            generates=(ValueSpec("redirect_url", "Redirect URL"),),
            pastes_back=(ValueSpec("client_id", "Client ID"), ValueSpec("client_secret", "Client secret", True)),
            unavailable_hint="The connector guide says 9.0, but Jira has OAuth 2.0 incoming links from 8.22.",
        ),
        MethodId.OAUTH1_ATLASSIAN_PRODUCT: AuthMethod(
            id=MethodId.OAUTH1_ATLASSIAN_PRODUCT,
            title="OAuth 1.0a (Atlassian product link)",
            summary="An application link created through the Create link › Atlassian product dialog, with "
            "an incoming consumer that holds the connector's RSA public key.",
            applies=VersionRange(since=NEW_APPLINKS_DIALOG),
            preference=1,
            generates=(_CONSUMER_KEY, _PUBLIC_KEY),
            pastes_back=(),
            deprecation=_OAUTH1_DEPRECATION,
            unavailable_hint="Before 8.22 the Create link dialog has no Atlassian product choice; use OAuth "
            "1.0a (Generic Application) instead.",
        ),
        MethodId.OAUTH1_GENERIC: AuthMethod(
            id=MethodId.OAUTH1_GENERIC,
            title="OAuth 1.0a (Generic Application link)",
            summary="An application link of type Generic Application with an incoming consumer that holds "
            "the connector's RSA public key.",
            applies=VersionRange(before=NEW_APPLINKS_DIALOG),
            preference=1,
            generates=(_CONSUMER_KEY, _PUBLIC_KEY),
            pastes_back=(),
            deprecation=_OAUTH1_DEPRECATION,
            unavailable_hint="From 8.22 the Create link dialog changed and no longer offers Generic "
            "Application; OAuth 1.0a links are made through Atlassian product instead.",
        ),
        MethodId.PAT: AuthMethod(
            id=MethodId.PAT,
            title="Personal access token",
            summary="A token the service account creates in its own profile and the connector sends as a Bearer token.",
            applies=VersionRange(since=PERSONAL_ACCESS_TOKENS),
            preference=2,
            generates=(),
            pastes_back=(ValueSpec("token", "Personal access token", True),),
            deprecation=Deprecation(
                warning="Personal access tokens are legacy in the connector guide: a token acts as the "
                "account that created it, it expires or never does, and Jira answers a bad one as anonymous "
                "instead of refusing it.",
                migration="To migrate to OAuth 2.0 (Jira 8.22 or later): create an External application › "
                "Incoming link, switch the connector to OAuth 2.0 and authorise it again as the service "
                "account, then revoke the token under Profile › Personal Access Tokens.",
            ),
        ),
        MethodId.BASIC: AuthMethod(
            id=MethodId.BASIC,
            title="Basic authentication",
            summary="The service account's username and password, sent with every request over HTTPS.",
            applies=ALL_VERSIONS,
            preference=3,
            generates=(),
            pastes_back=(ValueSpec("username", "Username"), ValueSpec("password", "Password", True)),
            deprecation=Deprecation(
                warning="Basic authentication is legacy: the service account's password travels with every "
                "request, and a CAPTCHA after failed logins locks the connector out until someone signs in "
                "through a browser.",
                migration="To migrate to OAuth 2.0 (Jira 8.22 or later): create an External application › "
                "Incoming link, switch the connector to OAuth 2.0 and authorise it again as the service "
                "account, then change the service account's password, which the connector no longer needs.",
            ),
            notes=(
                VersionNote(
                    VersionRange(since=BASIC_AUTH_BLOCKING),
                    "From Jira 8.16 an administrator can block basic authentication for REST under "
                    "Administration › System › Authentication methods.",
                ),
                VersionNote(
                    VersionRange(since=BASIC_AUTH_OFF_BY_DEFAULT),
                    "Jira 11 turns basic authentication off by default.",
                ),
            ),
        ),
    }
)


def method(method_id: MethodId | str) -> AuthMethod:
    """The catalogue entry; raises ValueError for an unknown id so a typo in a bundle is named."""
    try:
        return CATALOGUE[MethodId(method_id)]
    except ValueError:
        known = ", ".join(m.value for m in MethodId)
        raise ValueError(f"unknown authentication method {method_id!r} (known: {known})") from None


@dataclass(frozen=True)
class MethodAssessment:
    method: MethodId
    available: bool
    recommended: bool
    reason: str


def available_methods(version: JiraVersion) -> list[AuthMethod]:
    return [m for m in CATALOGUE.values() if version in m.applies]


def unavailable_reason(entry: AuthMethod, version: JiraVersion) -> str:
    reason = f"{entry.title} {entry.applies.requirement()}; this instance is {version}."
    return f"{reason} {entry.unavailable_hint}" if entry.unavailable_hint else reason


def assess(facts: ServerFacts) -> list[MethodAssessment]:
    """Every method in catalogue order, exactly one of them recommended: the best one this version offers."""
    version = facts.version
    best = min(available_methods(version), key=lambda m: m.preference)
    return [_assess_one(entry, best, version) for entry in CATALOGUE.values()]


def _assess_one(entry: AuthMethod, best: AuthMethod, version: JiraVersion) -> MethodAssessment:
    if version not in entry.applies:
        return MethodAssessment(entry.id, available=False, recommended=False, reason=unavailable_reason(entry, version))
    notes = [note.text for note in entry.notes if version in note.applies]
    if entry is best:
        if entry.deprecation is None:
            parts = [
                f"Recommended: {entry.title} is the connector guide's preferred method, and Jira {version} offers it."
            ]
        else:
            oauth2 = CATALOGUE[MethodId.OAUTH2]
            parts = [
                f"Recommended as the best method Jira {version} offers: {oauth2.title} {oauth2.applies.requirement()}.",
                entry.deprecation.warning,
            ]
    else:
        legacy = entry.deprecation.warning if entry.deprecation else ""
        parts = [f"Available, but {best.title} is preferred on Jira {version}.", legacy]
    return MethodAssessment(
        entry.id, available=True, recommended=entry is best, reason=" ".join(p for p in [*parts, *notes] if p)
    )
