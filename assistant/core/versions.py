"""The Jira version and the other facts `serverInfo` tells an anonymous caller.

Which authentication methods exist, and what the admin's screens look like, depend on the version; the base URL
Jira believes in is the root of many OAuth failures. Both are read once, strictly, so a proxy's login page or a
half-broken answer is named for what it is instead of steering the wizard wrong.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast

Deployment = Literal["Server", "DataCenter"]

_VERSION_RE = re.compile(r"^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?(?:[-.][0-9A-Za-z][0-9A-Za-z.-]*)?$")
_DEPLOYMENTS: tuple[Deployment, ...] = ("Server", "DataCenter")


class InvalidVersion(ValueError):
    """Text or numbers that are not a Jira version."""


@dataclass(frozen=True, order=True)
class JiraVersion:
    major: int
    minor: int
    patch: int = 0

    @classmethod
    def parse(cls, text: str) -> JiraVersion:
        """Reads "9.12.2" or "9.12"; a qualifier such as "-SNAPSHOT" or "-m0003" is accepted and dropped."""
        match = _VERSION_RE.match(text.strip())
        if not match:
            raise InvalidVersion(f"not a Jira version: {text!r} (expected e.g. 9.12.2)")
        major, minor, patch = match.groups()
        return cls(int(major), int(minor), int(patch or 0))

    @classmethod
    def from_numbers(cls, numbers: Sequence[object]) -> JiraVersion:
        """Reads serverInfo's `versionNumbers`, e.g. [9, 12, 2]; extra trailing numbers are ignored."""
        if len(numbers) < 2 or not all(_is_count(n) for n in numbers):
            raise InvalidVersion(f"not Jira version numbers: {list(numbers)!r} (expected e.g. [9, 12, 2])")
        parts = cast(Sequence[int], numbers)
        return cls(parts[0], parts[1], parts[2] if len(parts) > 2 else 0)

    def at_least(self, major: int, minor: int = 0, patch: int = 0) -> bool:
        return (self.major, self.minor, self.patch) >= (major, minor, patch)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def _is_count(value: object) -> bool:
    # bool is an int subclass; `true` in a version list is a broken answer, not version 1.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class ServerInfoError(ValueError):
    """A serverInfo answer that cannot be trusted; `field` names the part that is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"serverInfo field {field!r}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class ServerFacts:
    version: JiraVersion
    deployment: Deployment
    base_url: str
    """The base URL Jira advertises, without a trailing slash; OAuth signatures and redirects are built on it."""
    title: str

    @classmethod
    def from_server_info(cls, info: Mapping[str, object]) -> ServerFacts:
        if not isinstance(info, Mapping):
            raise ServerInfoError("(body)", "expected a JSON object")
        return cls(
            version=_version(info),
            deployment=_deployment(info),
            base_url=_base_url(info),
            title=_title(info),
        )


def _version(info: Mapping[str, object]) -> JiraVersion:
    """`versionNumbers` is authoritative; `version` is the fallback because it may carry a qualifier."""
    numbers = info.get("versionNumbers")
    if numbers is not None:
        if not isinstance(numbers, list):
            raise ServerInfoError("versionNumbers", f"expected a list of numbers, got {_kind(numbers)}")
        try:
            return JiraVersion.from_numbers(numbers)
        except InvalidVersion as exc:
            raise ServerInfoError("versionNumbers", str(exc)) from None
    text = info.get("version")
    if text is None:
        raise ServerInfoError("versionNumbers", "missing, and there is no 'version' either")
    if not isinstance(text, str):
        raise ServerInfoError("version", f"expected text such as '9.12.2', got {_kind(text)}")
    try:
        return JiraVersion.parse(text)
    except InvalidVersion as exc:
        raise ServerInfoError("version", str(exc)) from None


def _deployment(info: Mapping[str, object]) -> Deployment:
    value = info.get("deploymentType")
    if value == "Cloud":
        raise ServerInfoError(
            "deploymentType", "this is Jira Cloud; Jira Link Assistant sets up Jira Server and Data Center only"
        )
    for deployment in _DEPLOYMENTS:
        if value == deployment:
            return deployment
    if value is None:
        raise ServerInfoError("deploymentType", "missing (expected 'Server' or 'DataCenter')")
    raise ServerInfoError("deploymentType", f"expected 'Server' or 'DataCenter', got {_short(value)}")


def _base_url(info: Mapping[str, object]) -> str:
    value = info.get("baseUrl")
    if value is None:
        raise ServerInfoError("baseUrl", "missing")
    if not isinstance(value, str):
        raise ServerInfoError("baseUrl", f"expected a URL, got {_kind(value)}")
    parts = urllib.parse.urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServerInfoError("baseUrl", f"expected an absolute http(s) URL, got {_short(value)}")
    return value.strip().rstrip("/")


def _title(info: Mapping[str, object]) -> str:
    """A missing title is tolerated: it only labels the instance, and nothing depends on it."""
    value = info.get("serverTitle", "Jira")
    if not isinstance(value, str):
        raise ServerInfoError("serverTitle", f"expected text, got {_kind(value)}")
    return value.strip() or "Jira"


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
