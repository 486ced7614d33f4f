"""What a diagnosis produces: one result per check and the report that holds them.

The JSON form is a documented contract (`docs/diagnostics-report.md`, schema in
`assistant/resources/schemas/diagnostics-report.schema.json`); renderers read only these types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.core.findings import finding

Status = Literal["pass", "fail", "warn", "skip"]
REPORT_SCHEMA = "jira-link-assistant/diagnostics-report@1"


@dataclass(frozen=True)
class Outcome:
    """What a check function returns when it does not fail; a failure is raised as a `JiraProblem`."""

    status: Status
    detail: str
    code: str | None = None
    evidence: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def passed(cls, detail: str, *evidence: Mapping[str, Any]) -> Outcome:
        return cls("pass", detail, None, evidence)

    @classmethod
    def warned(cls, code: str, detail: str, *evidence: Mapping[str, Any]) -> Outcome:
        finding(code)  # an unknown code is a programming error; fail loudly in tests
        return cls("warn", detail, code, evidence)

    @classmethod
    def skipped(cls, detail: str) -> Outcome:
        return cls("skip", detail)


@dataclass(frozen=True)
class CheckResult:
    id: str
    status: Status
    title: str
    detail: str
    code: str | None = None
    remedy: str | None = None
    duration_ms: float = 0.0
    evidence: tuple[Mapping[str, Any], ...] = ()

    @property
    def finding_title(self) -> str | None:
        return finding(self.code).title if self.code else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
            "remedy": self.remedy,
            "duration_ms": round(self.duration_ms, 1),
            "evidence": [dict(item) for item in self.evidence],
        }


@dataclass
class Report:
    tool_version: str
    started_at: str
    target: dict[str, Any]
    auth: dict[str, Any]
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def outcome(self) -> Literal["pass", "warn", "fail"]:
        statuses = {check.status for check in self.checks}
        if "fail" in statuses:
            return "fail"
        return "warn" if "warn" in statuses else "pass"

    @property
    def first_failure(self) -> CheckResult | None:
        return next((check for check in self.checks if check.status == "fail"), None)

    def as_dict(self) -> dict[str, Any]:
        first = self.first_failure
        return {
            "schema": REPORT_SCHEMA,
            "tool_version": self.tool_version,
            "started_at": self.started_at,
            "target": dict(self.target),
            "auth": dict(self.auth),
            "outcome": self.outcome,
            "first_failure": {"id": first.id, "code": first.code} if first else None,
            "checks": [check.as_dict() for check in self.checks],
        }


def findings_in(checks: Sequence[CheckResult]) -> list[str]:
    return [check.code for check in checks if check.code]
