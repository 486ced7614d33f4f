"""The admin's click-path for each method, for the Jira version at hand, with the generated values filled in.

The steps follow the connector guide as checked against Jira (see the reference's setup section). Steps that
differ between versions carry their own version range, so one table serves 8.13 and 10.3 alike and a test can
walk every method against every version. A value the admin must type is offered as "copy this value" rather
than left for retyping, which is where consumer keys and redirect URLs pick up stray spaces.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from assistant.core.methods import (
    ALL_VERSIONS,
    BASIC_AUTH_BLOCKING,
    BASIC_AUTH_OFF_BY_DEFAULT,
    CATALOGUE,
    MethodId,
    VersionRange,
    unavailable_reason,
)
from assistant.core.versions import JiraVersion

SCOPE_LABELS: Mapping[str, str] = MappingProxyType(
    {"READ": "Read", "WRITE": "Write", "ADMIN": "Admin", "SYSTEM_ADMIN": "System admin"}
)
DEFAULT_SCOPE = "WRITE"
APPLINKS_PATH = "/plugins/servlet/applinks/listApplicationLinks"


@dataclass(frozen=True)
class Step:
    text: str
    copy: str | None = None
    """A value to offer with a copy button; None when the step has nothing to type."""
    copy_label: str | None = None


@dataclass(frozen=True)
class _Template:
    text: str
    copy: str | None = None
    copy_label: str | None = None
    applies: VersionRange = ALL_VERSIONS


class MissingValues(ValueError):
    """The click-path needs values the caller did not supply."""

    def __init__(self, method: MethodId, missing: frozenset[str]) -> None:
        names = ", ".join(sorted(missing))
        super().__init__(f"the {method.value} click-path needs: {names}")
        self.missing = missing


class MethodUnavailable(ValueError):
    """The method does not exist on this Jira version, so it has no click-path there."""


_OPEN_APPLINKS = _Template(
    "Sign in to Jira as an administrator and open Administration (cog) › Applications › Application links "
    "(on some versions the menu is labelled Products), or go straight to the address below.",
    copy="{base_url}" + APPLINKS_PATH,
    copy_label="Application links page",
)
_AUTHORISE_AS_SERVICE_ACCOUNT = _Template(
    "When the connector opens Jira to ask for access, sign in as {service_account} (not as yourself) and "
    "click Allow: the connector can do no more than that account.",
    copy="{service_account}",
    copy_label="Service account",
)
_CONSUMER_FIELDS = (
    _Template("Consumer Key: paste the value below.", copy="{consumer_key}", copy_label="Consumer Key"),
    _Template("Consumer Name: paste the value below.", copy="{consumer_name}", copy_label="Consumer Name"),
    _Template(
        "Public Key: paste the whole key, including its BEGIN PUBLIC KEY and END PUBLIC KEY lines.",
        copy="{public_key}",
        copy_label="Public Key",
    ),
)

_PATHS: Mapping[MethodId, tuple[_Template, ...]] = MappingProxyType(
    {
        MethodId.OAUTH2: (
            _OPEN_APPLINKS,
            _Template("Click Create link, choose External application and the direction Incoming, then Continue."),
            _Template("Name: paste the link name below.", copy="{link_name}", copy_label="Name"),
            _Template(
                "Redirect URL: paste the address below exactly; Jira compares it character for character, "
                "port included.",
                copy="{redirect_url}",
                copy_label="Redirect URL",
            ),
            _Template("Permission: choose {scope_label}, then click Save."),
            _Template(
                "Copy the Client ID and the Client secret Jira shows and paste them into the next page. "
                "Treat the secret like a password."
            ),
            _AUTHORISE_AS_SERVICE_ACCOUNT,
        ),
        MethodId.OAUTH1_ATLASSIAN_PRODUCT: (
            _OPEN_APPLINKS,
            _Template(
                "Click Create link, choose Atlassian product, enter the connector's URL below, then Continue.",
                copy="{app_url}",
                copy_label="Application URL",
            ),
            _Template(
                "Jira warns that it is unable to connect or got no response from that URL. Ignore the warning "
                "and click Continue again."
            ),
            _Template(
                "Link applications: Application Name as below, leave the outgoing fields empty, tick Create "
                "incoming link, then Continue.",
                copy="{link_name}",
                copy_label="Application Name",
            ),
            *_CONSUMER_FIELDS,
            _Template(
                "Leave Consumer callback URL empty and Allow 2-Legged OAuth unticked, then click Continue. "
                "There is nothing to paste back: the consumer key identifies the link."
            ),
            _AUTHORISE_AS_SERVICE_ACCOUNT,
        ),
        MethodId.OAUTH1_GENERIC: (
            _OPEN_APPLINKS,
            _Template(
                "Enter the connector's URL below in the application URL field and click Create new link.",
                copy="{app_url}",
                copy_label="Application URL",
            ),
            _Template("If Jira reports that no response was received from that URL, click Continue."),
            _Template(
                "Application Name as below, Application Type Generic Application, leave the other fields "
                "empty, tick Create incoming link, then Continue.",
                copy="{link_name}",
                copy_label="Application Name",
            ),
            *_CONSUMER_FIELDS,
            _Template("Click Continue. There is nothing to paste back: the consumer key identifies the link."),
            _AUTHORISE_AS_SERVICE_ACCOUNT,
        ),
        MethodId.BASIC: (
            _Template(
                "Jira {version} has no setting that blocks basic authentication for REST: nothing to switch on.",
                applies=VersionRange(before=BASIC_AUTH_BLOCKING),
            ),
            _Template(
                "Jira 11 turns basic authentication off by default: it has to be allowed explicitly.",
                applies=VersionRange(since=BASIC_AUTH_OFF_BY_DEFAULT),
            ),
            _Template(
                "Open Administration (cog) › System › Authentication methods and make sure basic "
                "authentication is allowed for REST API calls, or that {service_account} is on the allowlist "
                "of a blocked instance.",
                applies=VersionRange(since=BASIC_AUTH_BLOCKING),
            ),
            _Template(
                "Use Jira only over HTTPS for this method: the password travels with every request. Jira's "
                "address: {base_url}",
            ),
            _Template(
                "Paste the username below and the service account's password into the next page.",
                copy="{service_account}",
                copy_label="Username",
            ),
            _Template(
                "After failed logins Jira demands a CAPTCHA that a connector cannot answer: sign in once "
                "through a browser as {service_account}, or reset its failed login count under "
                "Administration › User management."
            ),
        ),
        MethodId.PAT: (
            _Template(
                "Sign in to Jira as {service_account}: a token acts as the account that creates it, so the "
                "service account must create its own.",
                copy="{base_url}",
                copy_label="Jira address",
            ),
            _Template("Open your profile (avatar, top right) › Profile › Personal Access Tokens."),
            _Template(
                "Click Create token and name it as below (at most 40 characters).",
                copy="{link_name}",
                copy_label="Token name",
            ),
            _Template(
                "Set an automatic expiry in days if your policy requires one (Jira allows up to 365), then "
                "click Create."
            ),
            _Template("Copy the token at once (Jira shows it only this one time) and paste it into the next page."),
        ),
    }
)


def click_path(method_id: MethodId, version: JiraVersion, values: Mapping[str, str]) -> list[Step]:
    """The ordered steps for `method_id` on `version`, with `values` (base_url, link_name, ...) filled in.

    `scope` is optional (the connector guide's Write by default); `version` is filled in from the argument.
    """
    entry = CATALOGUE[method_id]
    if version not in entry.applies:
        raise MethodUnavailable(unavailable_reason(entry, version))
    templates = _templates(method_id, version)
    missing = _fields(templates) - _DERIVED.keys() - values.keys()
    if missing:
        raise MissingValues(method_id, frozenset(missing))
    filled = _fill(values, version)
    return [
        Step(
            text=t.text.format_map(filled),
            copy=t.copy.format_map(filled) if t.copy else None,
            copy_label=t.copy_label,
        )
        for t in templates
    ]


def values_needed(method_id: MethodId, version: JiraVersion) -> frozenset[str]:
    """The value names `click_path` needs for this method and version (derived ones excluded)."""
    return frozenset(_fields(_templates(method_id, version)) - _DERIVED.keys())


_DERIVED = MappingProxyType({"scope_label": "", "version": ""})


def _templates(method_id: MethodId, version: JiraVersion) -> list[_Template]:
    return [t for t in _PATHS[method_id] if version in t.applies]


def _fields(templates: list[_Template]) -> set[str]:
    parser = string.Formatter()
    texts = [t.text for t in templates] + [t.copy for t in templates if t.copy]
    return {name for text in texts for _, name, _, _ in parser.parse(text) if name}


def _fill(values: Mapping[str, str], version: JiraVersion) -> dict[str, str]:
    filled = {key: value.strip() for key, value in values.items()}
    if "base_url" in filled:
        filled["base_url"] = filled["base_url"].rstrip("/")
    scope = filled.get("scope", DEFAULT_SCOPE).upper()
    if scope not in SCOPE_LABELS:
        raise ValueError(f"unknown OAuth 2.0 scope {scope!r} (known: {', '.join(SCOPE_LABELS)})")
    filled["scope_label"] = SCOPE_LABELS[scope]
    filled["version"] = str(version)
    return filled
