"""Runs the checks in order over one context and turns each into a `CheckResult`.

A check is a small function `(ctx) -> Outcome` that raises `JiraProblem` to fail. The runner owns what every
check would otherwise repeat: timing, skipping after the first failure (with the reason), skipping the
authenticated checks without credentials, turning network exceptions into findings, scrubbing known secrets
from the evidence, and never letting a bug in one check end the diagnosis with a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import requests

from assistant import __version__
from assistant.core.findings import finding
from assistant.core.redaction import redact_text, redact_url
from assistant.diagnostics.context import DiagnosticContext, scrub
from assistant.diagnostics.model import CheckResult, Outcome, Report
from assistant.jira.problems import JiraProblem, transport_problem
from assistant.jira.session import SessionError

log = logging.getLogger(__name__)

CheckFunction = Callable[[DiagnosticContext], Outcome]


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    run: CheckFunction
    needs_credentials: bool = False
    only_with_write_test: bool = False


def diagnose(
    ctx: DiagnosticContext,
    checks: Sequence[Check],
    on_result: Callable[[CheckResult], None] | None = None,
) -> Report:
    report = Report(
        tool_version=__version__,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        target={"url": redact_url(ctx.url)},
        auth={"method": ctx.auth_method, "identity": None},
    )
    failed: CheckResult | None = None
    try:
        for check in checks:
            result = _run_one(ctx, check, failed)
            report.checks.append(result)
            if on_result is not None:
                on_result(result)
            if result.status == "fail" and failed is None:
                failed = result
    finally:
        ctx.close()
    report.target.update(
        {
            "advertised_base_url": ctx.facts.base_url if ctx.facts else None,
            "jira_version": str(ctx.facts.version) if ctx.facts else None,
            "deployment": ctx.facts.deployment if ctx.facts else None,
        }
    )
    report.auth["identity"] = ctx.identity
    return report


def _skip_reason(ctx: DiagnosticContext, check: Check, failed: CheckResult | None) -> str | None:
    if ctx.cancel.is_set():
        return "cancelled"
    if failed is not None:
        return f"not run because the {failed.id} check failed ({failed.code or 'error'})"
    if check.needs_credentials and ctx.connection is None:
        return "no credentials given (choose --auth)"
    if check.only_with_write_test and not ctx.write_test:
        return "not requested (--write-test creates, comments on, transitions and deletes a test issue)"
    return None


def _run_one(ctx: DiagnosticContext, check: Check, failed: CheckResult | None) -> CheckResult:
    reason = _skip_reason(ctx, check, failed)
    if reason is not None:
        return CheckResult(check.id, "skip", check.title, reason)
    started = time.perf_counter()
    try:
        outcome = check.run(ctx)
    except JiraProblem as problem:
        return _failure(ctx, check, problem, started)
    except requests.RequestException as exc:
        return _failure(ctx, check, transport_problem(exc), started)
    except SessionError as exc:
        return _failure(ctx, check, JiraProblem("URL_INVALID", str(exc)), started)
    except Exception as exc:  # a bug in a check must not end the diagnosis
        log.exception("check %s failed unexpectedly", check.id)
        detail = redact_text(
            f"the {check.id} check could not complete: {type(exc).__name__}: {exc}", ctx.known_secrets()
        )
        return CheckResult(check.id, "fail", check.title, detail, duration_ms=_ms(started))
    remedy = finding(outcome.code).remedy if outcome.code else None
    return CheckResult(
        check.id,
        outcome.status,
        check.title,
        redact_text(outcome.detail, ctx.known_secrets()),
        outcome.code,
        remedy,
        _ms(started),
        tuple(scrub(item, ctx.known_secrets()) for item in outcome.evidence),
    )


def _failure(ctx: DiagnosticContext, check: Check, problem: JiraProblem, started: float) -> CheckResult:
    secrets = ctx.known_secrets()
    evidence = (scrub(problem.evidence.as_dict(), secrets),) if problem.evidence else ()
    return CheckResult(
        check.id,
        "fail",
        check.title,
        redact_text(problem.detail, secrets),
        problem.code,
        problem.remedy,
        _ms(started),
        evidence,
    )


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
