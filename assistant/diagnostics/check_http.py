"""The HTTP-level checks: who answers at the URL (`http`), what Jira says about itself (`jira`), and the clock.

All three ask only anonymous endpoints (`/status`, `/rest/api/2/serverInfo`) through the diagnosis' session, so
they run before any credential is sent, and they name what stands in front of Jira: an SSO portal, a proxy,
another web server. Each shares one deadline across its requests, so a hostile server costs one budget.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
import urllib.parse
from typing import Any

from assistant.core.methods import CATALOGUE, AuthMethod, MethodId, method, unavailable_reason
from assistant.core.redaction import redact_url
from assistant.core.versions import ServerFacts, ServerInfoError
from assistant.diagnostics.check_network import Facts
from assistant.diagnostics.context import DiagnosticContext
from assistant.diagnostics.http_probe import BODY_CAP, Answer, fetch
from assistant.diagnostics.model import Outcome
from assistant.jira.answers import json_body, raise_for_answer
from assistant.jira.problems import Evidence, JiraProblem

STATUS_PATH = "status"
SERVER_INFO_PATH = "rest/api/2/serverInfo"
MAX_SKEW_SECONDS = 300
"""OAuth 1.0a providers, Jira included, refuse a timestamp more than five minutes off."""


# http -----------------------------------------------------------------------------------------------------


def check_http(ctx: DiagnosticContext) -> Outcome:
    deadline = time.monotonic() + ctx.timeout
    status = fetch(ctx, STATUS_PATH, deadline)
    info = fetch(ctx, SERVER_INFO_PATH, deadline)
    for answer in (info, status):
        _raise_for_front(ctx, answer)
    for answer in (info, status):
        _raise_for_failure(answer, status)
    if info.response.status_code == 404 and status.response.status_code == 404:
        path = ctx.parts.path if ctx.parts else urllib.parse.urlsplit(ctx.url).path
        raise JiraProblem(
            "HTTP_NOT_JIRA",
            f"neither /status nor /rest/api/2/serverInfo exists below {redact_url(ctx.base_url)}: another web "
            f"server answers, or the context path ({path or '/'}) is wrong",
            Evidence.of(info.response),
        )
    body = _json_of(info)
    if not isinstance(body, dict) or not ({"baseUrl", "versionNumbers", "version"} & set(body)):
        raise JiraProblem(
            "HTTP_NOT_JIRA", "serverInfo answered JSON, but not Jira's serverInfo", Evidence.of(info.response)
        )
    via = info.response.headers.get("Via")
    detail = f"Jira answers serverInfo (HTTP {info.response.status_code}, {info.seconds * 1000:.0f} ms)"
    detail += f"; /status answers HTTP {status.response.status_code}"
    if via:
        detail += f"; through a proxy (Via: {via})"
    return Outcome.passed(detail, ctx.evidence(info.response), ctx.evidence(status.response))


def _raise_for_front(ctx: DiagnosticContext, answer: Answer) -> None:
    """Answers that come from something in front of Jira: a proxy, a login gateway, a redirect."""
    response = answer.response
    code = response.status_code
    if code == 401:
        challenge = response.headers.get("WWW-Authenticate", "none")
        raise JiraProblem(
            "HTTP_LOGIN_REDIRECT",
            f"/{answer.path} demands authentication (WWW-Authenticate: {challenge}); Jira serves it anonymously, "
            "so a gateway in front of Jira asks for a login",
            Evidence.of(response),
        )
    if 300 <= code < 400:
        location = urllib.parse.urljoin(response.url, response.headers.get("Location", ""))
        here, there = urllib.parse.urlsplit(response.url), urllib.parse.urlsplit(location)
        if there.scheme != here.scheme and there._replace(scheme=here.scheme) == here:
            suggested = urllib.parse.urlsplit(ctx.base_url)._replace(scheme=there.scheme).geturl()
            raise JiraProblem(
                "HTTP_NOT_JIRA",
                f"HTTP {code}: /{answer.path} redirects to {there.scheme}://; use {redact_url(suggested)}",
                Evidence.of(response),
            )
        if location.rstrip("/") == response.url.rstrip("/"):
            raise JiraProblem(
                "HTTP_NOT_JIRA", f"HTTP {code}: /{answer.path} redirects to itself (a loop)", Evidence.of(response)
            )
    if code == 407 or 300 <= code < 400:
        raise_for_answer(response)  # the engine's reading: proxy authentication, login portal, other redirect


def _raise_for_failure(answer: Answer, status: Answer) -> None:
    response = answer.response
    code = response.status_code
    via = response.headers.get("Via")
    if code in (502, 504):
        source = f"a proxy (Via: {via})" if via else f"a gateway ({response.headers.get('Server', 'unnamed')})"
        raise JiraProblem(
            "JIRA_UNAVAILABLE",
            f"HTTP {code} from {source}: the proxy in front of Jira could not get an answer from Jira",
            Evidence.of(response),
        )
    if code == 503:
        state = _state(status)
        reported = f"; /status reports {state}" if state else ""
        raise JiraProblem("JIRA_UNAVAILABLE", f"HTTP 503 on /{answer.path}{reported}", Evidence.of(response))
    if code == 403:
        raise JiraProblem(
            "HTTP_NOT_JIRA",
            f"HTTP 403 on /{answer.path}, which Jira serves to anyone: an IP allow-list or firewall in front of "
            "Jira refuses this machine",
            Evidence.of(response),
        )
    raise_for_answer(response)


def _json_of(answer: Answer) -> Any:
    if answer.truncated:
        raise JiraProblem(
            "HTTP_NOT_JIRA",
            f"/{answer.path} answered more than {BODY_CAP // 1024} KiB where Jira sends a few hundred bytes of JSON",
            Evidence.of(answer.response),
        )
    return json_body(answer.response)


def _state(answer: Answer) -> str | None:
    try:
        body = json.loads(answer.response.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    state = body.get("state") if isinstance(body, dict) else None
    return state if isinstance(state, str) else None


# jira -----------------------------------------------------------------------------------------------------


def check_jira(ctx: DiagnosticContext) -> Outcome:
    deadline = time.monotonic() + ctx.timeout
    status = fetch(ctx, STATUS_PATH, deadline)
    state = _state(status)
    if state is not None and state != "RUNNING":
        raise JiraProblem("JIRA_UNAVAILABLE", f"/status reports {state}, not RUNNING", Evidence.of(status.response))
    info = fetch(ctx, SERVER_INFO_PATH, deadline)
    raise_for_answer(info.response)
    body = _json_of(info)
    try:
        facts = ServerFacts.from_server_info(body)
    except ServerInfoError as exc:
        code = "URL_IS_CLOUD" if exc.field == "deploymentType" and "Cloud" in exc.problem else "HTTP_NOT_JIRA"
        raise JiraProblem(code, str(exc), Evidence.of(info.response)) from None
    ctx.facts = facts
    _check_version(ctx, facts, info)
    detail = f"Jira {facts.version} ({facts.deployment}), /status {state or 'not reported'}"
    evidence = {
        "jira_version": str(facts.version),
        "deployment": facts.deployment,
        "state": state,
        "advertised_base_url": redact_url(facts.base_url),
        "url_used": redact_url(ctx.base_url),
    }
    differences = base_url_differences(ctx.base_url, facts.base_url)
    if differences:
        detail += (
            f"; Jira advertises {redact_url(facts.base_url)} but this connection uses {redact_url(ctx.base_url)} "
            f"({', '.join(differences)} differ)"
        )
        if is_oauth1(ctx.auth_method):
            detail += (
                ". With OAuth 1.0a this is the likely cause of signature failures: Jira checks the signature "
                "against the URL it believes in"
            )
        return Outcome.warned("JIRA_BASE_URL_MISMATCH", detail, evidence)
    return Outcome.passed(f"{detail}; the advertised base URL matches", evidence)


def _check_version(ctx: DiagnosticContext, facts: ServerFacts, info: Answer) -> None:
    entries = methods_for(ctx.auth_method)
    if entries and not any(facts.version in entry.applies for entry in entries):
        reason = unavailable_reason(entries[0], facts.version)
        raise JiraProblem("JIRA_TOO_OLD_FOR_METHOD", reason, Evidence.of(info.response))


def methods_for(auth_method: str | None) -> list[AuthMethod]:
    """The catalogue entries a method name stands for; "oauth1" is either OAuth 1.0a variant."""
    if not auth_method:
        return []
    if is_oauth1(auth_method):
        return [CATALOGUE[MethodId.OAUTH1_ATLASSIAN_PRODUCT], CATALOGUE[MethodId.OAUTH1_GENERIC]]
    try:
        return [method(auth_method)]
    except ValueError:
        return []


def is_oauth1(auth_method: str | None) -> bool:
    return bool(auth_method) and str(auth_method).startswith("oauth1")


def base_url_differences(used: str, advertised: str) -> list[str]:
    """Which parts of two base URLs differ: scheme, host, port, context path (default ports made explicit)."""

    def parts(url: str) -> dict[str, object]:
        split = urllib.parse.urlsplit(url.strip())
        return {
            "scheme": split.scheme.lower(),
            "host": (split.hostname or "").lower(),
            "port": split.port or (443 if split.scheme.lower() == "https" else 80),
            "context path": split.path.rstrip("/"),
        }

    mine, theirs = parts(used), parts(advertised)
    return [name for name in mine if mine[name] != theirs[name]]


# clock ----------------------------------------------------------------------------------------------------


def check_clock(ctx: DiagnosticContext) -> Outcome:
    before = time.time()
    info = fetch(ctx, SERVER_INFO_PATH, time.monotonic() + ctx.timeout)
    local = dt.datetime.fromtimestamp((before + time.time()) / 2, dt.UTC)
    date_header = _http_date(info.response.headers.get("Date", ""))
    server_time = _server_time(info)
    server = date_header or server_time
    if server is None:
        return Outcome.skipped("the server sent neither a Date header nor serverTime")
    ctx.server_date = server
    skew = (server - local).total_seconds()
    facts = {
        "local_utc": local.isoformat(timespec="seconds"),
        "server_date_header": date_header.isoformat(timespec="seconds") if date_header else None,
        "server_time": server_time.isoformat(timespec="seconds") if server_time else None,
        "skew_seconds": round(skew),
    }
    direction = "ahead of" if skew > 0 else "behind"
    shown = f"Jira's clock ({server:%Y-%m-%d %H:%M:%S} UTC) is {abs(skew):.0f} s {direction} this machine's"
    if abs(skew) <= MAX_SKEW_SECONDS:
        return Outcome.passed(f"{shown}; within the {MAX_SKEW_SECONDS} s OAuth 1.0a allows", facts)
    if is_oauth1(ctx.auth_method):
        raise JiraProblem(
            "CLOCK_SKEW",
            f"{shown}: OAuth 1.0a refuses requests more than {MAX_SKEW_SECONDS} s off (timestamp_refused)",
            Facts(f"GET {redact_url(info.response.url)}", f"HTTP {info.response.status_code}", facts=facts),
        )
    return Outcome.warned(
        "CLOCK_SKEW",
        f"{shown}; this method does not sign timestamps, but OAuth 1.0a would be refused and logs disagree",
        facts,
    )


def _http_date(value: str) -> dt.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _server_time(info: Answer) -> dt.datetime | None:
    """serverInfo's `serverTime`, e.g. `2024-12-02T10:00:00.000+0000`, in UTC."""
    try:
        body = json.loads(info.response.content)
        text = body.get("serverTime") if isinstance(body, dict) else None
        parsed = dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.astimezone(dt.UTC)
