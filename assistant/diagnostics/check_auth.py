"""The authenticated checks: `auth`, `identity`, `permissions` and `write`, all through the engine's chain.

They run the engine's own validation steps one at a time (`ValidationChain.run_step`) over the diagnosis' one
session, so a diagnosis sees exactly what the connector sees and Jira's answers are read by the same code
(`assistant.jira.answers`). What this module adds is the split by layer: one authenticated call tells both
whether Jira accepted the credentials (`auth`) and whom the call ran as (`identity`); the first question owns the
method's failure signals (Seraph, CAPTCHA, basic disabled, ignored tokens, `oauth_problem`, OAuth 2.0 `error`),
the second owns anonymous, inactive, another account and administrator rights.
"""

from __future__ import annotations

import dataclasses
import json
import time
import weakref
from typing import Any

import requests

from assistant.diagnostics import oauth1_signature
from assistant.diagnostics.context import DiagnosticContext
from assistant.diagnostics.model import Outcome
from assistant.jira.answers import OAUTH2_ERROR_CODES, json_body, raise_for_answer
from assistant.jira.oauth2 import TOKEN_PATH
from assistant.jira.problems import Evidence, JiraProblem
from assistant.jira.validation import StepResult, ValidationChain

WRITE_STEPS = ("create", "comment", "transition", "cleanup")
_IDENTITY_CODES = frozenset({"IDENTITY_ANONYMOUS", "IDENTITY_INACTIVE"})
_ACCEPTED = {
    "basic": "Jira accepted the password",
    "pat": "Jira accepted the personal access token",
    "oauth2": "Jira accepted the OAuth 2.0 access token",
    "oauth1-atlassian-product": "Jira verified the RSA-SHA1 signature and the access token",
    "oauth1-generic": "Jira verified the RSA-SHA1 signature and the access token",
}

# The identity step's answer, kept from `auth` for `identity`: one call answers both, and a second attempt with
# a refused password would count as another failed login towards the CAPTCHA.
_identity_steps: weakref.WeakKeyDictionary[ValidationChain, StepResult] = weakref.WeakKeyDictionary()


def check_auth(ctx: DiagnosticContext) -> Outcome:
    chain = ctx.chain()
    answers: list[requests.Response] = []

    def keep(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        answers.append(response)

    hooks = chain.session.hooks["response"]
    hooks.append(keep)
    try:
        step = chain.run_step("identity")
    finally:
        hooks.remove(keep)
    _identity_steps[chain] = step
    answer = answers[-1] if answers else None
    problem = step.problem
    if problem is not None and problem.code not in _IDENTITY_CODES:
        if problem.code == "OAUTH1_SIGNATURE_INVALID" and answer is not None:
            raise _signature_problem(ctx, problem, answer)
        raise problem
    method = chain.connection.method
    if method == "oauth2":
        _check_oauth2_client(chain)
    if problem is not None:
        detail = "Jira raised no authentication failure; whom the call ran as is the identity check's question"
    else:
        detail = f"{_ACCEPTED.get(method, 'Jira accepted the credentials')} ({method})" + _token_note(ctx)
    evidence = (ctx.evidence(answer),) if answer is not None else ()
    return Outcome.passed(detail, *evidence)


def check_identity(ctx: DiagnosticContext) -> Outcome:
    chain = ctx.chain()
    step = _identity_steps.pop(chain, None) or chain.run_step("identity")
    ctx.identity = chain.result.identity
    if step.problem is not None:
        raise step.problem
    name = chain.result.identity or "?"
    admin = _is_administrator(chain)
    if admin:
        return Outcome.warned("IDENTITY_IS_ADMIN", f"{step.detail}; {name} holds the Jira Administrators permission")
    if step.status == "warn":
        return Outcome.warned("IDENTITY_NOT_SERVICE_ACCOUNT", step.detail)
    unchecked = "" if admin is not None else " (administrator rights could not be read)"
    return Outcome.passed(f"{step.detail}{unchecked}")


def check_permissions(ctx: DiagnosticContext) -> Outcome:
    project = _project(ctx)
    if not project:
        return Outcome.skipped("no project given (--project KEY)")
    chain = _chain_in(ctx, project)
    step = chain.run_step("permissions")
    evidence = {"project": project, "needed_permissions": list(chain.needed)}
    if step.problem is not None:
        problem = step.problem
        request = f"GET {chain.base}/rest/api/2/mypermissions?projectKey={project}"
        raise JiraProblem(problem.code, problem.detail, problem.evidence or ExtendedEvidence(request, extra=evidence))
    # An administrator account is the identity check's warning; the project's permissions are complete.
    detail = step.detail.split(";")[0]
    return Outcome.passed(detail, evidence)


def check_write(ctx: DiagnosticContext) -> Outcome:
    project = _project(ctx)
    if not project:
        return Outcome.skipped("the write test needs a project (--project KEY)")
    chain = _chain_in(ctx, project)
    done: list[str] = []
    for step_id in WRITE_STEPS:
        step = chain.run_step(step_id)
        if step.problem is not None:
            raise _write_failure(chain, step.problem, done)
        done.append(step.detail)
        if step.status == "warn":
            return Outcome.warned("WRITE_CLEANUP_LEFT", "; ".join(done))
    return Outcome.passed("; ".join(done))


# Helpers ------------------------------------------------------------------------------------------------


def _project(ctx: DiagnosticContext) -> str | None:
    return ctx.project_key or (ctx.connection.project_key if ctx.connection else None)


def _chain_in(ctx: DiagnosticContext, project: str) -> ValidationChain:
    """The chain, working in the project this diagnosis was asked about."""
    chain = ctx.chain()
    chain.project_key = project
    return chain


def _token_note(ctx: DiagnosticContext) -> str:
    expires = ctx.connection.token_expires_at if ctx.connection else None
    if ctx.auth_method != "oauth2" or expires is None:
        return ""
    minutes = int((expires - time.time()) // 60)
    return f"; it expires in {minutes} min" if minutes >= 0 else ""


def _check_oauth2_client(chain: ValidationChain) -> None:
    """Whether Jira still knows the link's client ID and secret, which the next token refresh needs.

    Asked without side effects: a code exchange with a code that cannot exist. Jira authenticates the client
    first, so a wrong ID or secret answers `invalid_client`, and a good one reaches the code and `invalid_grant`.
    """
    connection = chain.connection
    secret = connection.secrets.get("client_secret")
    if not connection.client_id or not secret:
        return
    form = {
        "grant_type": "authorization_code",
        "code": "jira-link-assistant-diagnostic-probe",
        "redirect_uri": connection.redirect_uri or "",
        "client_id": connection.client_id,
        "client_secret": secret,
    }
    response = chain.session.post(
        f"{chain.base}{TOKEN_PATH}", data=form, auth=_WithoutCredentials(), allow_redirects=False
    )
    try:
        body = json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return
    error = body.get("error") if isinstance(body, dict) else None
    if OAUTH2_ERROR_CODES.get(str(error)) == "OAUTH2_INVALID_CLIENT":
        raise JiraProblem(
            "OAUTH2_INVALID_CLIENT",
            f"the access token works, but Jira answers error={error} for the client ID and secret, so the next "
            "token refresh will fail",
            Evidence.of(response),
        )


class _WithoutCredentials(requests.auth.AuthBase):
    """The token endpoint authenticates the client by its form fields, never by the session's Bearer token."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        return request


def _is_administrator(chain: ValidationChain) -> bool | None:
    """Whether the account holds the global ADMINISTER permission; None when Jira would not say."""
    try:
        response = chain.session.get(
            f"{chain.base}/rest/api/2/mypermissions", params={"permissions": "ADMINISTER"}, allow_redirects=False
        )
        raise_for_answer(response)
        body = json_body(response) if response.status_code == 200 else None
    except (JiraProblem, requests.RequestException):
        return None
    permissions = body.get("permissions") if isinstance(body, dict) else None
    entry = permissions.get("ADMINISTER") if isinstance(permissions, dict) else None
    return bool(entry.get("havePermission")) if isinstance(entry, dict) else None


def _signature_problem(ctx: DiagnosticContext, problem: JiraProblem, answer: requests.Response) -> JiraProblem:
    advertised = ctx.facts.base_url if ctx.facts else None
    comparison = oauth1_signature.compare(answer, ctx.base_url, advertised)
    base = problem.evidence or Evidence.of(answer)
    if comparison is None:
        return problem
    evidence = ExtendedEvidence(
        request=base.request,
        status=base.status,
        headers=base.headers,
        body_excerpt=oauth1_signature.redact_oauth_values(base.body_excerpt),
        extra=comparison.as_evidence(),
    )
    return JiraProblem(problem.code, f"{problem.detail}: {comparison.summary}", evidence)


def _write_failure(chain: ValidationChain, problem: JiraProblem, done: list[str]) -> JiraProblem:
    """The failed step's finding, plus what became of a test issue created before it failed."""
    key = chain.result.created_issue
    suffix = ""
    if key is not None:
        cleanup = chain.run_step("cleanup")
        left = cleanup.problem is not None or cleanup.status == "warn"
        suffix = f"; the test issue {key} is left in Jira: delete it by hand" if left else f"; {cleanup.detail}"
    before = f" (after: {'; '.join(done)})" if done else ""
    return JiraProblem(problem.code, f"{problem.detail}{before}{suffix}", problem.evidence)


@dataclasses.dataclass(frozen=True)
class ExtendedEvidence(Evidence):
    """The engine's evidence of a call, with what this check adds to it (a comparison, the permissions asked)."""

    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), **self.extra}
