"""Connector profiles: what one kind of external application needs from Jira, kept as a JSON file.

A profile supplies the suggested link name, the redirect URLs the application owns, the OAuth 2.0 scope, the
project permissions to check and the service account to suggest. A generic one ships with the product; a
vendor or admin may load their own. A user's file is untrusted input, so every failure becomes a ProfileError
naming the file and the field, never a traceback.
"""

from __future__ import annotations

import enum
import json
import urllib.parse
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import jsonschema

MAX_PROFILE_BYTES = 1024 * 1024
_RESOURCES = "assistant.resources"
_SCHEMA = ("schemas", "connector-profile.schema.json")
_DEFAULT = ("connectors", "generic.json")


class Scope(enum.StrEnum):
    """OAuth 2.0 scopes of an incoming link; each includes the one before."""

    READ = "READ"
    WRITE = "WRITE"
    ADMIN = "ADMIN"
    SYSTEM_ADMIN = "SYSTEM_ADMIN"


class ProfileError(Exception):
    """A profile that cannot be used; the message names the file and, where known, the field."""

    def __init__(self, source: str, problem: str, field: str | None = None) -> None:
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class ServiceAccount:
    name: str
    display_name: str


@dataclass(frozen=True)
class ConnectorProfile:
    id: str
    display_name: str
    link_name: str
    redirect_urls: tuple[str, ...]
    scope: Scope
    project_permissions: tuple[str, ...]
    service_account: ServiceAccount
    description: str = ""


@cache
def default_profile() -> ConnectorProfile:
    """The generic profile shipped inside the package (and inside a frozen app)."""
    resource = resources.files(_RESOURCES).joinpath(*_DEFAULT)
    return parse_profile(resource.read_bytes(), source=f"built-in {'/'.join(_DEFAULT)}")


def load_profile(path: Path | str) -> ConnectorProfile:
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_PROFILE_BYTES + 1)
    except FileNotFoundError:
        raise ProfileError(source, "no such file") from None
    except IsADirectoryError:
        raise ProfileError(source, "is a directory, not a profile file") from None
    except OSError as exc:
        raise ProfileError(source, f"cannot be read ({exc.strerror or exc})") from None
    return parse_profile(data, source=source)


def parse_profile(data: bytes, *, source: str) -> ConnectorProfile:
    """Checks `data` against the schema and Jira's redirect-URL rules, then builds the profile."""
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError(source, f"larger than {MAX_PROFILE_BYTES // 1024} KiB; not a connector profile")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProfileError(source, "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ProfileError(source, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    _validate(document, source)
    raw = cast(dict[str, Any], document)
    for index, url in enumerate(raw["redirect_urls"]):
        problem = redirect_url_problem(url)
        if problem:
            raise ProfileError(source, problem, field=f"redirect_urls[{index}]")
    account = raw["service_account"]
    return ConnectorProfile(
        id=raw["id"],
        display_name=raw["display_name"].strip(),
        link_name=raw["link_name"].strip(),
        redirect_urls=tuple(raw["redirect_urls"]),
        scope=Scope(raw["scope"]),
        project_permissions=tuple(raw["project_permissions"]),
        service_account=ServiceAccount(account["name"], account["display_name"].strip()),
        description=raw.get("description", "").strip(),
    )


def redirect_url_problem(url: str) -> str | None:
    """Jira's own rule for an incoming link's redirect URL, so a profile cannot promise what Jira refuses.

    Absolute, no fragment, at most 450 characters; plain http only for the host literally `localhost`.
    """
    if len(url) > 450:
        return "longer than the 450 characters Jira allows for a redirect URL"
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme or not (parts.netloc or parts.path):
        return f"not an absolute URL: {url!r}"
    if parts.fragment or url.endswith("#"):
        return f"a redirect URL must not have a fragment (#...): {url!r}"
    if parts.scheme.lower() == "http" and parts.hostname != "localhost":
        return (
            f"Jira accepts plain http only for the host localhost (http://127.0.0.1 is refused too): {url!r}; "
            "use https, or http://localhost for a loopback receiver"
        )
    return None


def _validate(document: object, source: str) -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is None:
        return
    field = _field_name(list(error.absolute_path))
    raise ProfileError(source, _describe(error), field=field)


def _field_name(path: list[str | int]) -> str | None:
    if not path:
        return None
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def _describe(error: jsonschema.ValidationError) -> str:
    """jsonschema's messages, except where they would print the whole (possibly huge) offending value."""
    if error.validator == "required":
        return cast(str, error.message)
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in cast(list[object], error.validator_value))
        value = repr(error.instance)
        value = value if len(value) <= 60 else value[:57] + "..."
        return f"{value} is not allowed; must be one of {allowed}"
    if error.validator == "type":
        return f"must be of type {error.validator_value}"
    if error.validator == "maxLength":
        return f"longer than {error.validator_value} characters"
    if error.validator == "pattern":
        if error.validator_value == r"\S":
            return "must not be blank"
        hint = error.schema.get("description") if isinstance(error.schema, dict) else None
        return f"not in the expected form ({hint})" if hint else "not in the expected form"
    message = cast(str, error.message)
    return message if len(message) <= 200 else message[:197] + "..."


@cache
def _schema() -> dict[str, Any]:
    text = resources.files(_RESOURCES).joinpath(*_SCHEMA).read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))
