"""The bundle's vocabulary: format name and version, secret modes, what each method records, and the objects
the readers hand back.

One table per fact (which `Connection` fields an auth method exports, which secret kinds it may carry), so the
writer, the reader, the schema test and the documentation cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from assistant.bundle.errors import BundleFormatError
from assistant.core.connection import Connection
from assistant.core.profiles import ConnectorProfile
from assistant.jira.validation import ValidationResult

FORMAT_NAME = "jira-link-assistant.connector-bundle"
FORMAT_VERSION = 1
MAX_BUNDLE_BYTES = 1024 * 1024
MAX_CA_PEM_CHARS = 64 * 1024

Mode = Literal["keyring", "encrypted", "omitted", "plaintext"]
MODES: tuple[Mode, ...] = ("keyring", "encrypted", "omitted", "plaintext")

TIME_FIELDS = ("token_expires_at", "refresh_expires_at", "pat_expires_at")

AUTH_FIELDS: Mapping[str, tuple[str, ...]] = {
    "basic": ("username",),
    "pat": ("username", "pat_expires_at"),
    "oauth2": ("username", "client_id", "scope", "redirect_uri", "token_expires_at", "refresh_expires_at"),
    "oauth1-atlassian-product": ("username", "consumer_key", "consumer_name", "public_key_pem", "token_expires_at"),
    "oauth1-generic": ("username", "consumer_key", "consumer_name", "public_key_pem", "token_expires_at"),
}
"""The non-secret `Connection` fields each method records in `auth`; the schema lists the same per method."""

SECRET_KINDS_BY_METHOD: Mapping[str, tuple[str, ...]] = {
    "basic": ("password",),
    "pat": ("pat",),
    "oauth2": ("client_secret", "access_token", "refresh_token"),
    "oauth1-atlassian-product": ("private_key", "oauth1_token", "oauth1_token_secret"),
    "oauth1-generic": ("private_key", "oauth1_token", "oauth1_token_secret"),
}
"""The secret kinds a method may carry; a bundle naming another kind is refused."""

REQUIRED_SECRETS: Mapping[str, tuple[str, ...]] = {
    "basic": ("password",),
    "pat": ("pat",),
    "oauth2": ("access_token",),
    "oauth1-atlassian-product": ("private_key", "oauth1_token"),
    "oauth1-generic": ("private_key", "oauth1_token"),
}
"""What a method cannot sign a request without; exporting secrets without them would make a useless bundle."""


def format_time(epoch: float) -> str:
    """RFC 3339 in UTC to the second (the fraction is dropped): `2025-01-31T23:59:59Z`."""
    moment = dt.datetime.fromtimestamp(int(epoch // 1), tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str, field: str) -> float:
    try:
        moment = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise BundleFormatError("not a UTC time in the form 2025-01-31T23:59:59Z", field) from None
    return float(int(moment.timestamp()))


def now_text(now: dt.datetime | None = None) -> str:
    return format_time((now or dt.datetime.now(dt.UTC)).timestamp())


@dataclass(frozen=True)
class StepRecord:
    """One step of the live validation, as recorded: what ran, how it went, in whole milliseconds."""

    id: str
    title: str
    status: Literal["pass", "fail", "warn", "skip"]
    detail: str
    duration_ms: int
    code: str | None = None

    def as_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "duration_ms": self.duration_ms,
        }
        if self.code:
            document["code"] = self.code
        return document


@dataclass(frozen=True)
class JiraFacts:
    """What Jira said about itself during the validation (serverInfo)."""

    version: str | None = None
    deployment: str | None = None
    advertised_base_url: str | None = None


@dataclass(frozen=True)
class BundleValidation:
    """When the connection was last proven and how each step went."""

    validated_at: str
    ok: bool
    identity: str | None
    steps: tuple[StepRecord, ...]
    facts: JiraFacts = JiraFacts()

    @classmethod
    def from_result(cls, result: ValidationResult, validated_at: dt.datetime | None = None) -> BundleValidation:
        steps = tuple(
            StepRecord(
                id=step.id,
                title=step.title,
                status=step.status,
                detail=step.detail,
                duration_ms=max(0, round(step.duration_ms)),
                code=step.problem.code if step.problem else None,
            )
            for step in result.steps
        )
        facts = JiraFacts()
        if result.facts is not None:
            facts = JiraFacts(str(result.facts.version), result.facts.deployment, result.facts.base_url)
        return cls(now_text(validated_at), result.ok, result.identity, steps, facts)

    def as_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "validated_at": self.validated_at,
            "ok": self.ok,
            "steps": [step.as_document() for step in self.steps],
        }
        if self.identity:
            document["identity"] = self.identity
        return document


@dataclass(frozen=True)
class OpenedBundle:
    """A bundle that passed every check: its non-secret content, and the connection with whatever secrets
    could be opened (`secrets_available` says whether they were)."""

    document: Mapping[str, Any]
    """The bundle as read, with `secrets.ciphertext` and `secrets.values` left out: safe to show."""
    connection: Connection
    profile: ConnectorProfile
    mode: Mode
    kinds: tuple[str, ...]
    secrets_available: bool
    jira: JiraFacts
    ca_certificate_pem: str | None
    validation: BundleValidation | None
    created_at: str
    tool_version: str
    keyring_entries: Mapping[str, str]
    """For keyring bundles: secret kind → keyring entry (`profile/kind`) the secret is kept under."""
