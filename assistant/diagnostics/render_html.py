"""A diagnosis report as one self-contained HTML file, to open in a browser or attach to a ticket.

Everything is inline (styles, no images, no fonts, no links to fetch), so the file reads the same offline, in a
ticketing system's preview and on paper. Light and dark follow the reader's `prefers-color-scheme`; evidence
sits in `<details>`, and a one-line script opens it for printing. Every value from the report is escaped.
"""

from __future__ import annotations

import html

from assistant.core.findings import finding
from assistant.diagnostics.model import CheckResult, Report
from assistant.diagnostics.render import (
    MARKS,
    OUTCOMES,
    WORDS,
    auth_line,
    evidence_text,
    findings_of,
    outcome_line,
    target_line,
)

_STYLE = """
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --panel: #f6f8fa; --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --skip: #59636e; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --pass: #3fb950; --warn: #d29922; --fail: #f85149; --skip: #9198a1; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 0 0 .5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; } td.time { white-space: nowrap; text-align: right; }
td.detail { overflow-wrap: anywhere; }
.status { font-weight: 700; white-space: nowrap; }
.pass { color: var(--pass); } .warn { color: var(--warn); } .fail { color: var(--fail); } .skip { color: var(--skip); }
.banner { border-left: .35rem solid currentColor; padding: .5rem .8rem; background: var(--panel); margin: 1rem 0;
  font-weight: 600; }
.finding { border: 1px solid var(--line); border-left: .35rem solid currentColor; border-radius: .3rem;
  padding: .8rem 1rem; margin: 1rem 0; }
.finding p { margin: .3rem 0; color: var(--fg); } .finding .label { color: var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: var(--panel); padding: .6rem; border-radius: .3rem; white-space: pre-wrap;
  overflow-wrap: anywhere; color: var(--fg); }
details summary { cursor: pointer; color: var(--muted); }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print { body { max-width: none; padding: 0; font-size: 11pt; } .finding, tr { break-inside: avoid; } }
"""
# Closed <details> do not print; open them all when the reader prints.
_SCRIPT = "addEventListener('beforeprint',()=>document.querySelectorAll('details').forEach(d=>d.open=true))"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _row(result: CheckResult) -> str:
    detail = f"<code>{_e(result.code)}</code> {_e(result.detail)}" if result.code else _e(result.detail)
    time = "" if result.status == "skip" else f"{result.duration_ms:.0f} ms"
    return (
        f'<tr><td class="status {result.status}">{MARKS[result.status]} {_e(WORDS[result.status])}</td>'
        f"<td>{_e(result.title)}<br><code>{_e(result.id)}</code></td>"
        f'<td class="detail">{detail}</td><td class="time">{time}</td></tr>'
    )


def _finding(result: CheckResult) -> str:
    info = finding(result.code) if result.code else None
    heading = f"<code>{_e(result.code)}</code> {_e(info.title)}" if info else f"{_e(result.title)} could not complete"
    parts = [
        f'<section class="finding {result.status}">',
        f"<h3>{MARKS[result.status]} {heading} <small>({_e(result.id)}, {_e(WORDS[result.status])})</small></h3>",
        f'<p><span class="label">What happened:</span> {_e(result.detail)}</p>',
    ]
    if info:
        parts.append(f'<p><span class="label">Why:</span> {_e(info.cause)}</p>')
    if result.remedy:
        parts.append(f'<p><span class="label">What to do:</span> {_e(result.remedy)}</p>')
    evidence = evidence_text(result)
    if evidence:
        parts.append(f"<details><summary>Evidence</summary><pre>{_e(evidence)}</pre></details>")
    parts.append("</section>")
    return "\n".join(parts)


def render_html(report: Report) -> str:
    outcome = report.outcome
    found = findings_of(report)
    facts = (
        ("Result", outcome_line(report)),
        ("Target", target_line(report)),
        ("Authentication", auth_line(report)),
        ("Run", f"{report.started_at}, Jira Link Assistant {report.tool_version}"),
    )
    rows = "\n".join(_row(result) for result in report.checks)
    findings = "\n".join(_finding(result) for result in found)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Jira connection diagnosis: {_e(OUTCOMES[outcome])}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Jira connection diagnosis</h1>
<div class="banner {outcome}">{MARKS[outcome]} {_e(outcome_line(report))}</div>
<dl class="facts">
{"".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in facts)}
</dl>
<h2>Checks</h2>
<table>
<thead><tr><th>Result</th><th>Check</th><th>Detail</th><th>Time</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{"<h2>Findings</h2>" if found else ""}
{findings}
<footer>Credentials, tokens, cookies and signatures are removed from this report by construction.</footer>
<script>{_SCRIPT}</script>
</body>
</html>
"""
