"""The `url` check: is the address usable at all, and is it Jira Server / Data Center rather than Cloud?"""

from __future__ import annotations

import urllib.parse

from assistant.diagnostics.context import DiagnosticContext
from assistant.diagnostics.model import Outcome
from assistant.jira.problems import JiraProblem
from assistant.jira.session import Target, TargetError

CLOUD_SUFFIXES = (".atlassian.net", ".jira.com")


def check_url(ctx: DiagnosticContext) -> Outcome:
    try:
        Target(ctx.url)
    except TargetError as exc:
        raise JiraProblem("URL_INVALID", str(exc)) from exc
    parts = urllib.parse.urlsplit(ctx.url.rstrip("/"))
    ctx.parts = parts
    host = (parts.hostname or "").lower()
    if host.endswith(CLOUD_SUFFIXES):
        raise JiraProblem("URL_IS_CLOUD", f"{host} is a Jira Cloud site")
    context_path = parts.path or "/"
    detail = f"{parts.scheme}://{host}:{ctx.port}, context path {context_path}"
    if parts.scheme == "http":
        return Outcome.warned("URL_NOT_HTTPS", f"{detail}; plain http")
    return Outcome.passed(detail)
