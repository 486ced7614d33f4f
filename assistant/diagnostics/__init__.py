"""Diagnostics: why a Jira connection fails, layer by layer, with evidence a support engineer can paste.

An ordered set of small checks (`url`, `dns`, `tcp`, `tls`, `http`, `jira`, `clock`, `auth`, `identity`,
`permissions`, `write`) runs over one shared `DiagnosticContext`; the first layer that fails is named with a
finding code from `assistant.core.findings`, and every later check is reported as skipped with the reason.
The checks reuse the engine (session factory, auth adapters, validation chain); they do not fork it.
Reports are redacted by construction and render as text, JSON, Markdown or one self-contained HTML file.
"""
