"""The live validation chain: prove a connection with the calls the connector itself will make.

serverInfo → myself → mypermissions for the project → optionally a real write round-trip (create an issue,
comment, walk a transition chosen from the live list, then delete it or, where delete is not permitted, close
it). Every authenticated answer goes through `raise_for_answer` and must name a user other than anonymous, so
the chain cannot report success for a call Jira silently ran as anonymous or answered with a Seraph failure.
All calls share the caller's session, so the chain costs one TCP and TLS handshake.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import requests

from assistant.core.connection import Connection
from assistant.core.methods import method as method_entry
from assistant.core.methods import unavailable_reason
from assistant.core.versions import ServerFacts, ServerInfoError
from assistant.jira.answers import ANONYMOUS, json_body, raise_for_answer, ran_as
from assistant.jira.problems import Evidence, JiraProblem, transport_problem

Status = Literal["pass", "fail", "warn", "skip"]
TEST_SUMMARY = "Jira Link Assistant connection test (safe to delete)"


@dataclass(frozen=True)
class StepResult:
    id: str
    title: str
    status: Status
    detail: str
    duration_ms: float = 0.0
    problem: JiraProblem | None = None
    warnings: tuple[JiraProblem, ...] = ()


@dataclass
class ValidationResult:
    steps: list[StepResult] = field(default_factory=list)
    facts: ServerFacts | None = None
    identity: str | None = None
    created_issue: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.status in ("pass", "warn", "skip") for step in self.steps)

    @property
    def first_failure(self) -> StepResult | None:
        return next((step for step in self.steps if step.status == "fail"), None)


class Cancelled(Exception):
    """The user cancelled the chain; steps already run keep their results."""


_STEPS = (
    ("server", "Jira answers and offers this method"),
    ("identity", "Calls run as the service account"),
    ("permissions", "The account holds the connector's permissions"),
    ("create", "Create a test issue"),
    ("comment", "Comment on it"),
    ("transition", "Move it through the workflow"),
    ("cleanup", "Delete it (or close it)"),
)
_WRITE_STEPS = frozenset({"create", "comment", "transition", "cleanup"})
_ACTIONS = {
    "server": "_server",
    "identity": "_identity",
    "permissions": "_permissions_step",
    "create": "_create",
    "comment": "_comment",
    "transition": "_transition",
    "cleanup": "_cleanup",
}


class ValidationChain:
    """Runs the steps in order and stops at the first failure; `on_step` sees each result as it lands."""

    def __init__(
        self,
        session: requests.Session,
        connection: Connection,
        needed_permissions: Sequence[str],
        *,
        write_test: bool = False,
        project_key: str | None = None,
        on_step: Callable[[StepResult], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.session = session
        self.connection = connection
        self.project_key = project_key or connection.project_key
        self.base = connection.base_url.rstrip("/")
        self.needed = list(needed_permissions)
        self.write_test = write_test
        self.on_step = on_step or (lambda step: None)
        self.cancel = cancel or threading.Event()
        self.result = ValidationResult()
        self._permissions: dict[str, bool] = {}

    def plan(self) -> list[tuple[str, str]]:
        """The steps this chain will run, as (id, title)."""
        steps = [(step_id, title) for step_id, title in _STEPS if step_id not in _WRITE_STEPS]
        if self.write_test:
            steps += [(step_id, title) for step_id, title in _STEPS if step_id in _WRITE_STEPS]
        return steps

    def run(self) -> ValidationResult:
        failed: StepResult | None = None
        for step_id, title in self.plan():
            if self.cancel.is_set():
                raise Cancelled()
            if failed is not None:
                self._record(StepResult(step_id, title, "skip", f"not run because “{failed.title}” failed"))
                continue
            outcome = self.run_step(step_id)
            self._record(outcome)
            if outcome.status == "fail":
                failed = outcome
        return self.result

    def run_step(self, step_id: str) -> StepResult:
        """One step on its own, timed; failures come back as a failed result, never as an exception.

        The diagnostics run the steps one by one between their own checks; the order of `plan()` still matters,
        since later steps use what earlier ones learnt (the identity, the permissions, the test issue).
        """
        title = dict(_STEPS)[step_id]
        action: Callable[[], StepResult] = getattr(self, _ACTIONS[step_id])
        started = time.perf_counter()
        try:
            outcome = action()
        except JiraProblem as problem:
            outcome = StepResult(step_id, title, "fail", str(problem), problem=problem)
        except requests.RequestException as exc:
            transport = transport_problem(exc)
            outcome = StepResult(step_id, title, "fail", str(transport), problem=transport)
        elapsed = (time.perf_counter() - started) * 1000
        return StepResult(step_id, title, outcome.status, outcome.detail, elapsed, outcome.problem, outcome.warnings)

    def _record(self, step: StepResult) -> None:
        self.result.steps.append(step)
        self.on_step(step)

    # HTTP ---------------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, expect: Sequence[int] = (200,), **kwargs: Any) -> requests.Response:
        response = self.session.request(method, f"{self.base}{path}", allow_redirects=False, **kwargs)
        try:
            raise_for_answer(response)
            if ran_as(response) == ANONYMOUS:
                raise JiraProblem(
                    "IDENTITY_ANONYMOUS",
                    f"{method} {path} ran as anonymous: Jira ignored the credentials",
                    Evidence.of(response),
                )
        except JiraProblem as problem:
            raise self._bearer_cause(problem) from None
        if response.status_code not in expect:
            code = "PROJECT_NOT_FOUND" if response.status_code == 404 and "project" in path else "WRITE_FAILED"
            raise JiraProblem(
                code,
                f"{method} {path} answered HTTP {response.status_code}: {_messages(response)}",
                Evidence.of(response),
            )
        return response

    def _bearer_cause(self, problem: JiraProblem) -> JiraProblem:
        """Jira runs a bad Bearer token as anonymous; for token methods that *is* the token's failure."""
        if problem.code != "IDENTITY_ANONYMOUS" or self.connection.method not in ("pat", "oauth2"):
            return problem
        expires = self.connection.token_expires_at
        if self.connection.method == "oauth2" and expires is not None and expires <= time.time():
            return JiraProblem(
                "OAUTH2_TOKEN_EXPIRED",
                f"the access token expired at {time.ctime(expires)} and Jira ran the call as anonymous",
                problem.evidence,
            )
        return JiraProblem(
            "AUTH_TOKEN_INVALID",
            f"Jira ignored the {self.connection.method.upper()} token and ran the call as anonymous",
            problem.evidence,
        )

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return json_body(self._call(method, path, **kwargs))

    # Steps --------------------------------------------------------------------------------------------

    def _server(self) -> StepResult:
        # Anonymous on purpose: whether Jira answers is one question, whether it accepts the link's
        # credentials is the next step's.
        response = self.session.get(f"{self.base}/rest/api/2/serverInfo", allow_redirects=False, auth=_Anonymous())
        raise_for_answer(response)
        try:
            facts = ServerFacts.from_server_info(json_body(response))
        except ServerInfoError as exc:
            raise JiraProblem("HTTP_NOT_JIRA", f"serverInfo is not Jira's: {exc}", Evidence.of(response)) from exc
        self.result.facts = facts
        entry = method_entry(self.connection.method)
        if facts.version not in entry.applies:
            raise JiraProblem("JIRA_TOO_OLD_FOR_METHOD", unavailable_reason(entry, facts.version))
        detail = f"Jira {facts.version} ({facts.deployment}) at {facts.base_url}"
        if _normalise(facts.base_url) != _normalise(self.base):
            warning = JiraProblem(
                "JIRA_BASE_URL_MISMATCH", f"Jira's base URL is {facts.base_url}; this connection uses {self.base}"
            )
            return StepResult("server", "", "warn", f"{detail}. {warning.detail}", warnings=(warning,))
        return StepResult("server", "", "pass", detail)

    def _identity(self) -> StepResult:
        body = self._json("GET", "/rest/api/2/myself")
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise JiraProblem("HTTP_NOT_JIRA", "/myself did not describe a user")
        name = body["name"]
        self.result.identity = name
        if body.get("active") is False:
            raise JiraProblem("IDENTITY_INACTIVE", f"{name} is inactive")
        detail = f"{body.get('displayName', name)} ({name})"
        expected = self.connection.username
        if expected and expected.lower() != name.lower():
            return StepResult("identity", "", "warn", f"{detail}; the connection was set up for {expected}")
        return StepResult("identity", "", "pass", detail)

    def _permissions_step(self) -> StepResult:
        project = self.project_key
        if not project:
            return StepResult("permissions", "", "skip", "no project chosen")
        query = urllib.parse.urlencode({"projectKey": project})
        body = self._json("GET", f"/rest/api/2/mypermissions?{query}")
        granted = body.get("permissions", {}) if isinstance(body, dict) else {}
        self._permissions = {
            key: bool(value.get("havePermission")) for key, value in granted.items() if isinstance(value, dict)
        }
        missing = [p for p in self.needed if not self._permissions.get(p)]
        if missing:
            raise JiraProblem("PERMISSION_MISSING", f"in project {project} the account lacks: {', '.join(missing)}")
        detail = f"{len(self.needed)} of {len(self.needed)} needed permissions in {project}"
        if self._permissions.get("ADMINISTER"):
            warning = JiraProblem("IDENTITY_IS_ADMIN", f"{self.result.identity} is a Jira administrator")
            return StepResult("permissions", "", "warn", f"{detail}; {warning.detail}", warnings=(warning,))
        return StepResult("permissions", "", "pass", detail)

    def _create(self) -> StepResult:
        project = self.project_key
        if not project:
            raise JiraProblem("PROJECT_NOT_FOUND", "the write test needs a project")
        types = self._json("GET", f"/rest/api/2/issue/createmeta/{project}/issuetypes")
        values = types.get("values", []) if isinstance(types, dict) else []
        names = {str(t.get("name")): str(t.get("id")) for t in values if isinstance(t, dict)}
        if not names:
            raise JiraProblem("PERMISSION_MISSING", f"no issue type can be created in {project}")
        type_id = names.get("Task") or next(iter(names.values()))
        payload = {
            "fields": {
                "project": {"key": project},
                "issuetype": {"id": type_id},
                "summary": TEST_SUMMARY,
                "description": "Created and removed by Jira Link Assistant to prove the link.",
            }
        }
        created = self._json("POST", "/rest/api/2/issue", json=payload, expect=(201,))
        key = created.get("key") if isinstance(created, dict) else None
        if not isinstance(key, str):
            raise JiraProblem("WRITE_FAILED", "Jira created an issue but did not name it")
        self.result.created_issue = key
        return StepResult("create", "", "pass", f"created {key}")

    def _issue(self) -> str:
        if not self.result.created_issue:
            raise JiraProblem("WRITE_FAILED", "no test issue exists")
        return self.result.created_issue

    def _comment(self) -> StepResult:
        key = self._issue()
        self._call("POST", f"/rest/api/2/issue/{key}/comment", json={"body": "Connection test comment."}, expect=(201,))
        return StepResult("comment", "", "pass", f"commented on {key}")

    def _transitions(self, key: str) -> list[dict[str, Any]]:
        body = self._json("GET", f"/rest/api/2/issue/{key}/transitions")
        items = body.get("transitions", []) if isinstance(body, dict) else []
        return [t for t in items if isinstance(t, dict) and t.get("id") is not None]

    def _transition(self) -> StepResult:
        key = self._issue()
        transitions = self._transitions(key)
        if not transitions:
            raise JiraProblem(
                "PERMISSION_MISSING", f"{key} offers no transition to this account (TRANSITION_ISSUES missing?)"
            )
        chosen = transitions[0]
        self._call(
            "POST",
            f"/rest/api/2/issue/{key}/transitions",
            json={"transition": {"id": str(chosen["id"])}},
            expect=(204,),
        )
        target = chosen.get("to", {}).get("name", "?") if isinstance(chosen.get("to"), dict) else "?"
        return StepResult("transition", "", "pass", f"{key}: {chosen.get('name')} → {target}")

    def _cleanup(self) -> StepResult:
        key = self._issue()
        if self._permissions.get("DELETE_ISSUES", True):
            response = self.session.delete(f"{self.base}/rest/api/2/issue/{key}", allow_redirects=False)
            if response.status_code == 204:
                self.result.created_issue = None
                return StepResult("cleanup", "", "pass", f"deleted {key}")
            if response.status_code != 403:
                raise_for_answer(response)
        done = [t for t in self._transitions(key) if _category(t) == "done"]
        if not done:
            return StepResult("cleanup", "", "warn", f"{key} could not be deleted or closed: remove it by hand")
        self._call(
            "POST",
            f"/rest/api/2/issue/{key}/transitions",
            json={"transition": {"id": str(done[0]["id"])}},
            expect=(204,),
        )
        return StepResult("cleanup", "", "pass", f"closed {key} (the account may not delete issues)")


class _Anonymous(requests.auth.AuthBase):
    """Sends a request without the session's credentials."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        return request


def _category(transition: dict[str, Any]) -> str:
    to = transition.get("to")
    category = to.get("statusCategory") if isinstance(to, dict) else None
    return str(category.get("key")) if isinstance(category, dict) else ""


def _normalise(url: str) -> str:
    parts = urllib.parse.urlsplit(url.rstrip("/"))
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = parts.port if parts.port and parts.port != default else None
    host = (parts.hostname or "").lower() + (f":{port}" if port else "")
    return f"{parts.scheme}://{host}{parts.path}"


def _messages(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return "no details"
    if not isinstance(body, dict):
        return "no details"
    parts = [str(m) for m in body.get("errorMessages", []) if m]
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts += [f"{k}: {v}" for k, v in errors.items()]
    return "; ".join(parts) or "no details"
