"""The renderers over hand-made reports: layout, escaping, the schema, and the generated finding-code docs."""

from __future__ import annotations

import html.parser
import json
from importlib import resources

import jsonschema
import pytest

from assistant.diagnostics import finding_docs
from assistant.diagnostics.model import CheckResult, Report
from assistant.diagnostics.render import (
    evidence_lines,
    render_json,
    render_markdown,
    render_summary,
    render_text,
    renderer,
    text_line,
)
from assistant.diagnostics.render_html import render_html

SCHEMA = json.loads(
    resources.files("assistant.resources").joinpath("schemas", "diagnostics-report.schema.json").read_text()
)
HOSTILE = "<script>alert('x')</script> | `code` ```fence``` & \"quotes\""


def report(*checks: CheckResult) -> Report:
    return Report(
        tool_version="0.1.0",
        started_at="2026-01-02T03:04:05+00:00",
        target={
            "url": "https://jira.example.com",
            "advertised_base_url": "http://jira.internal:8080",
            "jira_version": "9.12.2",
            "deployment": "DataCenter",
        },
        auth={"method": "basic", "identity": "jira-link-bot"},
        checks=list(checks),
    )


PASSED = CheckResult("url", "pass", "The address is usable", "https://jira.example.com", duration_ms=1.2)
WARNED = CheckResult(
    "jira", "warn", "Jira is running", "base URL differs", "JIRA_BASE_URL_MISMATCH", "Fix the Base URL.", 4.0
)
FAILED = CheckResult(
    "auth",
    "fail",
    "Jira accepts the credentials",
    HOSTILE,
    "AUTH_CAPTCHA",
    "Log in once in a browser.",
    12.5,
    (
        {
            "request": "GET https://jira.example.com/rest/api/2/myself",
            "status": "HTTP 403",
            "headers": {"X-Seraph-LoginReason": "AUTHENTICATION_DENIED"},
            "body_excerpt": HOSTILE,
            "signature_base_strings": {
                "signed_by_client": "GET&https%3A%2F%2Fa&oauth_token%3D«redacted»",
                "used_by_jira": "GET&https%3A%2F%2Fb&oauth_token%3D«redacted»",
                "jira_source": "reported by Jira",
                "differences": [{"part": "host", "client": "a", "jira": "b"}],
                "marked": "client: a\njira:   b\n        ^",
            },
        },
    ),
)
SKIPPED = CheckResult("identity", "skip", "Calls run as the account", "not run because the auth check failed")


def test_text_lines_and_findings() -> None:
    text = render_text(report(PASSED, WARNED, FAILED, SKIPPED))
    lines = text.splitlines()
    assert lines[0] == "Jira Link Assistant 0.1.0 — diagnosis of https://jira.example.com (basic)"
    assert lines[1] == " ✔ url          The address is usable — https://jira.example.com · 1 ms"
    assert lines[4].startswith(" - identity")
    assert "ms" not in lines[4]
    assert "Result:  FAIL at auth: AUTH_CAPTCHA — The account is locked behind a CAPTCHA" in text
    assert "! JIRA_BASE_URL_MISMATCH" in text
    assert "  What to do:    Log in once in a browser." in text
    assert "\n      X-Seraph-LoginReason: AUTHENTICATION_DENIED\n" in text
    # Multi-line evidence (the marked signature comparison) keeps its lines and its alignment.
    assert "\n        jira:   b\n                ^\n" in text


def test_live_lines_are_the_report_lines() -> None:
    full = render_text(report(PASSED, FAILED))
    assert text_line(PASSED) in full.splitlines()
    assert text_line(FAILED).startswith(" ✘ auth         Jira accepts the credentials — AUTH_CAPTCHA: <script>")


def test_outcome_without_failure_lists_warnings() -> None:
    assert "Result:  PASS with warnings: JIRA_BASE_URL_MISMATCH" in render_text(report(PASSED, WARNED))
    assert "Result:  PASS\n" in render_text(report(PASSED))


def test_json_matches_the_schema_and_round_trips() -> None:
    document = json.loads(render_json(report(PASSED, WARNED, FAILED, SKIPPED)))
    jsonschema.validate(document, SCHEMA)
    assert document["first_failure"] == {"id": "auth", "code": "AUTH_CAPTCHA"}
    assert document["checks"][2]["detail"] == HOSTILE


def test_schema_refuses_what_the_format_forbids() -> None:
    document = json.loads(render_json(report(PASSED)))
    for broken in (
        {**document, "outcome": "ok"},
        {**document, "checks": [{**document["checks"][0], "status": "passed"}]},
        {**document, "extra": 1},
        {**document, "checks": [{**document["checks"][0], "status": "warn", "code": None}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, SCHEMA)


def test_markdown_escapes_table_cells_and_fences_evidence() -> None:
    text = render_markdown(report(PASSED, FAILED))
    row = next(line for line in text.splitlines() if line.startswith("| ✘"))
    assert "\\|" in row
    assert row.count(" | ") == 4
    assert "````text" in text  # longer than the ``` inside the evidence
    assert "### ✘ `AUTH_CAPTCHA` The account is locked behind a CAPTCHA (auth)" in text


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_html_is_self_contained_and_escaped() -> None:
    page = render_html(report(PASSED, WARNED, FAILED, SKIPPED))
    parser = _Collector()
    parser.feed(page)
    assert parser.scripts == [parser.scripts[0]]
    assert "beforeprint" in parser.scripts[0]
    assert "alert" not in "".join(parser.scripts)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert {"details", "summary", "pre", "table"} <= set(parser.tags)
    assert not {"link", "img", "iframe", "object"} & set(parser.tags)
    for external in ("src=", "href=", "@import", "url("):
        assert external not in page
    assert "@media (prefers-color-scheme: dark)" in page
    assert "@media print" in page


def test_summary_for_a_ticket() -> None:
    text = render_summary(report(PASSED, WARNED, FAILED, SKIPPED))
    assert text.splitlines()[3] == "Result: FAIL at auth: AUTH_CAPTCHA — The account is locked behind a CAPTCHA"
    assert "  Remedy: Log in once in a browser." in text
    assert text.rstrip().endswith("identity -")
    assert "url ✔, jira ! JIRA_BASE_URL_MISMATCH, auth ✘ AUTH_CAPTCHA" in text


def test_a_check_that_crashed_is_shown_without_a_code() -> None:
    crashed = CheckResult("tls", "fail", "The certificate is trusted", "the tls check could not complete: KeyError")
    for fmt in ("text", "markdown", "html", "summary"):
        assert "could not complete" in renderer(fmt)(report(crashed))
    jsonschema.validate(json.loads(render_json(report(crashed))), SCHEMA)


def test_evidence_lines_nest_mappings_and_lists() -> None:
    lines = list(evidence_lines({"a": {"b": "c"}, "l": [{"x": 1, "y": 2}, "z"], "empty": None}))
    assert lines == ["a:", "  b: c", "l:", "  - x: 1", "    y: 2", "  - z"]


def test_finding_codes_doc_is_generated_from_the_catalogue() -> None:
    committed = finding_docs.DOC_PATH.read_text(encoding="utf-8")
    assert committed == finding_docs.render(), "run: python -m assistant.diagnostics.finding_docs"
