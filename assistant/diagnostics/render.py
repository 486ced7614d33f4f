"""A diagnosis report as text for a terminal, JSON, Markdown, or a short summary to paste into a ticket.

Every renderer reads the `Report` only, and the report is redacted when it is built (the engine's allow-listed
evidence, then the runner's scrub of the known secrets), so no renderer can add a secret it was not given.
The text form is printed line by line while the checks run (`text_header`, `text_line`, `text_tail`): the live
output and a saved text report are the same text. The HTML form lives in `render_html`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from assistant.core.findings import finding
from assistant.diagnostics.model import CheckResult, Report

FORMATS = ("text", "json", "markdown", "html")
MARKS = {"pass": "✔", "warn": "!", "fail": "✘", "skip": "-"}
WORDS = {"pass": "pass", "warn": "warning", "fail": "FAIL", "skip": "skipped"}
OUTCOMES = {"pass": "PASS", "warn": "PASS with warnings", "fail": "FAIL"}
_ID_WIDTH = 12


# Shared pieces ------------------------------------------------------------------------------------------


def evidence_lines(item: Mapping[str, Any], indent: str = "") -> Iterator[str]:
    """One evidence item as indented `name: value` lines; nested mappings and lists go one level deeper."""
    for name, value in item.items():
        if isinstance(value, Mapping):
            yield f"{indent}{name}:"
            yield from evidence_lines(value, indent + "  ")
        elif isinstance(value, list | tuple):
            yield f"{indent}{name}:"
            for entry in value:
                if isinstance(entry, Mapping):
                    lines = list(evidence_lines(entry, indent + "    "))
                    yield f"{indent}  - {lines[0].lstrip()}" if lines else f"{indent}  -"
                    yield from lines[1:]
                else:
                    yield f"{indent}  - {entry}"
        elif isinstance(value, str) and "\n" in value:
            yield f"{indent}{name}:"
            yield from (f"{indent}  {line}" for line in value.splitlines())
        elif value not in (None, "", {}):
            yield f"{indent}{name}: {value}"


def evidence_text(result: CheckResult) -> str:
    blocks = ["\n".join(evidence_lines(item)) for item in result.evidence]
    return "\n\n".join(block for block in blocks if block)


def findings_of(report: Report) -> list[CheckResult]:
    """The results worth explaining: every failure and every warning, in check order."""
    return [check for check in report.checks if check.status in ("fail", "warn")]


def target_line(report: Report) -> str:
    target = report.target
    parts = [str(target.get("url"))]
    if target.get("jira_version"):
        parts.append(f"Jira {target['jira_version']} ({target.get('deployment') or 'unknown deployment'})")
    advertised = target.get("advertised_base_url")
    if advertised:
        parts.append(f"advertised base URL {advertised}")
    return " · ".join(parts)


def auth_line(report: Report) -> str:
    method = report.auth.get("method") or "none (anonymous checks only)"
    return f"{method} · calls run as {report.auth.get('identity') or '—'}"


def outcome_line(report: Report) -> str:
    first = report.first_failure
    if first is None:
        warnings = [check.code for check in report.checks if check.status == "warn" and check.code]
        return OUTCOMES[report.outcome] + (f": {', '.join(warnings)}" if warnings else "")
    title = first.finding_title or first.title
    return f"FAIL at {first.id}: {first.code or 'error'} — {title}"


def _duration(result: CheckResult) -> str:
    return "" if result.status == "skip" else f" · {result.duration_ms:.0f} ms"


# Text ---------------------------------------------------------------------------------------------------


def text_header(url: str, method: str | None, version: str) -> str:
    return f"Jira Link Assistant {version} — diagnosis of {url} ({method or 'no credentials'})\n"


def text_line(result: CheckResult) -> str:
    """One line per check, printed as soon as the check has run."""
    detail = f"{result.code}: {result.detail}" if result.code else result.detail
    return f" {MARKS[result.status]} {result.id:<{_ID_WIDTH}} {result.title} — {detail}{_duration(result)}"


def text_tail(report: Report) -> str:
    lines = ["", f"Result:  {outcome_line(report)}", f"Target:  {target_line(report)}", f"Auth:    {auth_line(report)}"]
    for result in findings_of(report):
        lines += ["", *_text_finding(result)]
    return "\n".join(lines) + "\n"


def _text_finding(result: CheckResult) -> list[str]:
    info = finding(result.code) if result.code else None
    heading = f"{result.code} — {info.title}" if info else f"{result.title} could not complete"
    lines = [f"{MARKS[result.status]} {heading}  [{result.id}, {WORDS[result.status]}]"]
    lines.append(f"  What happened: {result.detail}")
    if info:
        lines.append(f"  Why:           {info.cause}")
    if result.remedy:
        lines.append(f"  What to do:    {result.remedy}")
    evidence = evidence_text(result)
    if evidence:
        lines += ["  Evidence:", *(f"    {line}" if line else "" for line in evidence.splitlines())]
    return lines


def render_text(report: Report) -> str:
    header = text_header(str(report.target.get("url")), report.auth.get("method"), report.tool_version)
    body = "\n".join(text_line(result) for result in report.checks)
    return f"{header}{body}\n{text_tail(report)}"


# JSON ---------------------------------------------------------------------------------------------------


def render_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


# Markdown -----------------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_markdown(report: Report) -> str:
    lines = [
        f"# Jira connection diagnosis: {OUTCOMES[report.outcome]}",
        "",
        f"- **Result:** {_cell(outcome_line(report))}",
        f"- **Target:** {_cell(target_line(report))}",
        f"- **Authentication:** {_cell(auth_line(report))}",
        f"- **Run:** {report.started_at}, Jira Link Assistant {report.tool_version}",
        "",
        "| | Check | Result | Detail | Time |",
        "|---|---|---|---|---|",
    ]
    for result in report.checks:
        detail = f"`{result.code}` {result.detail}" if result.code else result.detail
        time = "" if result.status == "skip" else f"{result.duration_ms:.0f} ms"
        lines.append(
            f"| {MARKS[result.status]} | {_cell(result.title)} (`{result.id}`) | {WORDS[result.status]} | "
            f"{_cell(detail)} | {time} |"
        )
    found = findings_of(report)
    if found:
        lines += ["", "## Findings"]
    for result in found:
        info = finding(result.code) if result.code else None
        heading = f"`{result.code}` {info.title}" if info else f"{result.title} could not complete"
        lines += ["", f"### {MARKS[result.status]} {heading} ({result.id})", ""]
        lines.append(f"**What happened:** {result.detail}")
        if info:
            lines += ["", f"**Why:** {info.cause}"]
        if result.remedy:
            lines += ["", f"**What to do:** {result.remedy}"]
        evidence = evidence_text(result)
        if evidence:
            fence = _fence(evidence)
            lines += ["", "<details><summary>Evidence</summary>", "", f"{fence}text", evidence, fence, "", "</details>"]
    return "\n".join(lines) + "\n"


# Summary for a ticket -------------------------------------------------------------------------------------


def render_summary(report: Report) -> str:
    """A few lines a support engineer pastes into a ticket: the outcome, the cause, the remedy, every check."""
    lines = [
        f"Jira Link Assistant {report.tool_version} diagnosis, {report.started_at}",
        f"Target: {target_line(report)}",
        f"Auth: {auth_line(report)}",
        f"Result: {outcome_line(report)}",
    ]
    for result in findings_of(report):
        lines.append(f"{MARKS[result.status]} {result.code or result.id}: {result.detail}")
        if result.remedy:
            lines.append(f"  Remedy: {result.remedy}")
    marks = ", ".join(
        f"{check.id} {MARKS[check.status]}" + (f" {check.code}" if check.code else "") for check in report.checks
    )
    lines.append(f"Checks: {marks}")
    return "\n".join(lines) + "\n"


def renderer(fmt: str) -> Callable[[Report], str]:
    if fmt == "html":
        from assistant.diagnostics.render_html import render_html

        return render_html
    return {"text": render_text, "json": render_json, "markdown": render_markdown, "summary": render_summary}[fmt]
