"""Issue routes the write round-trip walks: create, read, comment, transition, delete.

Validation messages are Jira's own, because connectors surface them to users and the assistant's diagnostics
match on their shape (`errors` keyed by field, `errorMessages` for the rest).
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from assistant.sandbox.catalogue import (
    CREATE_SCREEN,
    ISSUE_TYPES,
    OFF_SCREEN_FIELD,
    STATUSES,
    TO_DO,
    TRANSITIONS,
)
from assistant.sandbox.context import Ctx, JiraError, jira_time, json_response
from assistant.sandbox.rest_meta import issue_type_body, project_ref, user_ref
from assistant.sandbox.state import Comment, Issue, SandboxState

_SCREEN_IDS = {f.field_id for f in CREATE_SCREEN}


def _require(ctx: Ctx, permission: str, message: str) -> None:
    if permission not in ctx.state.permissions_of(ctx.user):
        raise JiraError(403, [message])


def _find_issue(ctx: Ctx, key_or_id: str) -> Issue:
    with ctx.state.lock:
        issue = ctx.state.issues.get(key_or_id) or next(
            (i for i in ctx.state.issues.values() if i.id == key_or_id), None
        )
    if issue is None or "BROWSE_PROJECTS" not in ctx.state.permissions_of(ctx.user):
        raise JiraError(404, ["Issue Does Not Exist"])
    return issue


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise JiraError(400, [], {name: f"Could not parse {name}: expected a JSON object."})
    return value


def _ref_id(value: Any) -> str | None:
    """An id as Jira reads it from `{"id": ...}`: a string or a number, never a list or an object."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _validate_create(ctx: Ctx, fields: dict[str, Any]) -> tuple[str, str, str | None]:
    errors: dict[str, str] = {}
    for field_id in fields:
        if field_id not in _SCREEN_IDS:
            errors[field_id] = f"Field '{field_id}' cannot be set. It is not on the appropriate screen, or unknown."
    project = fields.get("project")
    if not isinstance(project, dict) or not (project.get("key") or project.get("id")):
        errors["project"] = "project is required"
    elif project.get("key") != SandboxState.PROJECT_KEY and _ref_id(project.get("id")) != SandboxState.PROJECT_ID:
        errors["project"] = "valid project is required"
    issue_type = fields.get("issuetype")
    type_id = None
    if isinstance(issue_type, dict):
        type_id = _ref_id(issue_type.get("id")) or next(
            (t.id for t in ISSUE_TYPES.values() if t.name == issue_type.get("name")), None
        )
    if type_id not in ISSUE_TYPES:
        errors["issuetype"] = "valid issue type is required" if issue_type else "issue type is required"
    summary = fields.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        errors["summary"] = "You must specify a summary of the issue."
    elif len(summary) > 255:
        errors["summary"] = "Summary must be less than 255 characters."
    description = fields.get("description")
    if description is not None and not isinstance(description, str):
        errors["description"] = "Operation value must be a string"
    if errors:
        raise JiraError(400, [], errors)
    assert isinstance(type_id, str)
    assert isinstance(summary, str)
    return type_id, summary, description


def create_issue(ctx: Ctx) -> Response:
    ctx.require_user()
    ctx.require_scope("WRITE")
    body = _object(ctx.json_body(), "request")
    fields = _object(body.get("fields"), "fields")
    if "CREATE_ISSUES" not in ctx.state.permissions_of(ctx.user):
        # Jira reports the missing permission against the project field, with 400.
        raise JiraError(400, [], {"project": "You do not have permission to create issues in this project."})
    type_id, summary, description = _validate_create(ctx, fields)
    state = ctx.state
    with state.change():
        number = state.next_id("issue")
        key = f"{SandboxState.PROJECT_KEY}-{number - 10000}"
        now = state.now()
        issue = Issue(
            str(number),
            key,
            SandboxState.PROJECT_KEY,
            type_id,
            summary,
            description,
            TO_DO,
            ctx.username,
            now,
            now,
        )
        state.issues[key] = issue
    return json_response({"id": issue.id, "key": issue.key, "self": ctx.self_url(f"/rest/api/2/issue/{issue.id}")}, 201)


def _status_body(ctx: Ctx, status_id: str) -> dict[str, Any]:
    status = STATUSES[status_id]
    return {
        "self": ctx.self_url(f"/rest/api/2/status/{status.id}"),
        "description": "",
        "iconUrl": ctx.self_url("/images/icons/status_generic.gif"),
        "name": status.name,
        "id": status.id,
        "statusCategory": {
            "self": ctx.self_url(f"/rest/api/2/statuscategory/{status.category_id}"),
            "id": status.category_id,
            "key": status.category_key,
            "colorName": status.color,
            "name": status.category_name,
        },
    }


def _comment_body(ctx: Ctx, issue: Issue, comment: Comment) -> dict[str, Any]:
    author = ctx.state.user_by_key_or_name(comment.author)
    author_body = user_ref(ctx, author) if author else {"name": comment.author}
    return {
        "self": ctx.self_url(f"/rest/api/2/issue/{issue.id}/comment/{comment.id}"),
        "id": comment.id,
        "author": author_body,
        "body": comment.body,
        "updateAuthor": author_body,
        "created": jira_time(comment.created),
        "updated": jira_time(comment.created),
    }


def get_issue(ctx: Ctx, key: str) -> Response:
    issue = _find_issue(ctx, key)
    reporter = ctx.state.user_by_key_or_name(issue.reporter)
    comments = [_comment_body(ctx, issue, c) for c in issue.comments]
    fields: dict[str, Any] = {
        "summary": issue.summary,
        "description": issue.description,
        "issuetype": issue_type_body(ctx, ISSUE_TYPES[issue.issue_type_id]),
        "project": project_ref(ctx),
        "status": _status_body(ctx, issue.status_id),
        "reporter": user_ref(ctx, reporter) if reporter else None,
        "created": jira_time(issue.created),
        "updated": jira_time(issue.updated),
        "labels": [],
        OFF_SCREEN_FIELD.field_id: None,
        "comment": {"comments": comments, "maxResults": len(comments), "total": len(comments), "startAt": 0},
    }
    return json_response(
        {
            "expand": "renderedFields,names,schema,transitions,operations,editmeta,changelog",
            "id": issue.id,
            "self": ctx.self_url(f"/rest/api/2/issue/{issue.id}"),
            "key": issue.key,
            "fields": fields,
        }
    )


def delete_issue(ctx: Ctx, key: str) -> Response:
    issue = _find_issue(ctx, key)
    ctx.require_scope("WRITE")
    _require(ctx, "DELETE_ISSUES", "You do not have permission to delete issues in this project.")
    with ctx.state.change():
        ctx.state.issues.pop(issue.key, None)
    return Response(status=204)


def add_comment(ctx: Ctx, key: str) -> Response:
    issue = _find_issue(ctx, key)
    ctx.require_scope("WRITE")
    _require(ctx, "ADD_COMMENTS", "You do not have the permission to comment on this issue.")
    body = _object(ctx.json_body(), "request")
    text = body.get("body")
    if not isinstance(text, str) or not text.strip():
        raise JiraError(400, [], {"comment": "Comment body can not be empty!"})
    state = ctx.state
    with state.change():
        comment = Comment(str(state.next_id("comment")), ctx.username, text, state.now())
        issue.comments.append(comment)
        issue.updated = comment.created
    return json_response(_comment_body(ctx, issue, comment), 201)


def _transition_body(ctx: Ctx, transition_id: str, name: str, to_status: str) -> dict[str, Any]:
    return {
        "id": transition_id,
        "name": name,
        "to": _status_body(ctx, to_status),
        "hasScreen": False,
        "isGlobal": False,
        "isInitial": False,
        "isConditional": False,
    }


def get_transitions(ctx: Ctx, key: str) -> Response:
    issue = _find_issue(ctx, key)
    allowed = "TRANSITION_ISSUES" in ctx.state.permissions_of(ctx.user)
    transitions = [_transition_body(ctx, t.id, t.name, t.to_status) for t in TRANSITIONS[issue.status_id] if allowed]
    return json_response({"expand": "transitions", "transitions": transitions})


def do_transition(ctx: Ctx, key: str) -> Response:
    issue = _find_issue(ctx, key)
    ctx.require_scope("WRITE")
    body = _object(ctx.json_body(), "request")
    transition = body.get("transition")
    wanted = str(transition.get("id", "")) if isinstance(transition, dict) else ""
    _require(ctx, "TRANSITION_ISSUES", "You do not have permission to transition this issue.")
    match = next((t for t in TRANSITIONS[issue.status_id] if t.id == wanted), None)
    if match is None:
        message = (
            f"It seems that you have tried to perform a workflow operation ({wanted or 'none'}) that is "
            f"not valid for the current state of this issue ({issue.key}). The likely cause is that "
            "somebody has changed the issue recently, please look at the issue history for details."
        )
        raise JiraError(400, [message])
    with ctx.state.change():
        issue.status_id = match.to_status
        issue.updated = ctx.state.now()
    return Response(status=204)


ROUTES = [
    Rule("/rest/api/2/issue", endpoint=create_issue, methods=["POST"]),
    Rule("/rest/api/2/issue/<key>", endpoint=get_issue, methods=["GET"]),
    Rule("/rest/api/2/issue/<key>", endpoint=delete_issue, methods=["DELETE"]),
    Rule("/rest/api/2/issue/<key>/comment", endpoint=add_comment, methods=["POST"]),
    Rule("/rest/api/2/issue/<key>/transitions", endpoint=get_transitions, methods=["GET"]),
    Rule("/rest/api/2/issue/<key>/transitions", endpoint=do_transition, methods=["POST"]),
]
