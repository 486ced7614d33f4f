"""Read-only REST routes a connector uses to find out where it is and who it runs as.

`/status`, `serverInfo` (anonymous), `myself`, `mypermissions`, the project and the create metadata in both
its per-project (8.4+) form and the old form that 9.0 removed.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from assistant.sandbox.catalogue import (
    CREATE_SCREEN,
    GLOBAL_PERMISSIONS,
    ISSUE_TYPES,
    PERMISSIONS,
    FieldMeta,
    IssueType,
)
from assistant.sandbox.context import Ctx, JiraError, jira_time, json_response
from assistant.sandbox.options import Fault
from assistant.sandbox.state import SandboxState, User

SERVER_TITLE = "Jira Link Assistant sandbox"


def status(ctx: Ctx) -> Response:
    if ctx.options.has(Fault.MAINTENANCE):
        return json_response({"state": "MAINTENANCE"}, 503)
    return json_response({"state": "RUNNING"})


def server_info(ctx: Ctx) -> Response:
    version = ctx.options.version
    return json_response(
        {
            "baseUrl": ctx.base_url,
            "version": str(version),
            "versionNumbers": [version.major, version.minor, version.patch],
            "deploymentType": ctx.options.deployment,
            "buildNumber": int(f"{version.major}{version.minor:02d}{version.patch:03d}"),
            "buildDate": "2024-12-02T00:00:00.000+0000",
            "serverTime": jira_time(ctx.state.now()),
            "scmInfo": "sandbox",
            "serverTitle": SERVER_TITLE,
        }
    )


def avatar_urls(ctx: Ctx, owner: str) -> dict[str, str]:
    return {
        f"{size}x{size}": ctx.self_url(f"/secure/useravatar?size={size}&owner={owner}") for size in (16, 24, 32, 48)
    }


def user_ref(ctx: Ctx, user: User) -> dict[str, Any]:
    return {
        "self": ctx.self_url(f"/rest/api/2/user?username={user.username}"),
        "key": user.key,
        "name": user.username,
        "emailAddress": user.email,
        "avatarUrls": avatar_urls(ctx, user.key),
        "displayName": user.display_name,
        "active": user.active,
        "timeZone": "UTC",
    }


def myself(ctx: Ctx) -> Response:
    user = ctx.require_user()
    body = user_ref(ctx, user)
    body.update(
        {
            "locale": "en_GB",
            "deleted": False,
            "groups": {"size": len(user.groups), "items": [{"name": g} for g in user.groups]},
            "applicationRoles": {"size": 1, "items": [{"key": "jira-software", "name": "Jira Software"}]},
            "expand": "groups,applicationRoles",
        }
    )
    return json_response(body)


def find_project(ctx: Ctx, key_or_id: str) -> None:
    """Raises Jira's 404 unless the project exists and the caller may browse it."""
    state = ctx.state
    known = key_or_id in (SandboxState.PROJECT_KEY, SandboxState.PROJECT_ID)
    if not known or "BROWSE_PROJECTS" not in state.permissions_of(ctx.user):
        raise JiraError(404, [f"No project could be found with key '{key_or_id}'."])


def my_permissions(ctx: Ctx) -> Response:
    args = ctx.request.args
    project = args.get("projectKey") or args.get("projectId")
    if project is not None:
        # Anonymous callers get every permission as false, as Jira answers them, not a 404.
        if ctx.user is not None:
            find_project(ctx, project)
        else:
            _known_project(project)
    held = ctx.state.permissions_of(ctx.user)
    wanted = [p.strip() for p in args.get("permissions", "").split(",") if p.strip()] or list(PERMISSIONS)
    unknown = [p for p in wanted if p not in PERMISSIONS]
    if unknown:
        raise JiraError(400, [f"Could not find permissions: {', '.join(unknown)}"])
    result = {}
    for key in wanted:
        perm_id, name, description = PERMISSIONS[key]
        result[key] = {
            "id": perm_id,
            "key": key,
            "name": name,
            "type": "GLOBAL" if key in GLOBAL_PERMISSIONS else "PROJECT",
            "description": description,
            "havePermission": key in held,
        }
    return json_response({"permissions": result})


def _known_project(key_or_id: str) -> None:
    if key_or_id not in (SandboxState.PROJECT_KEY, SandboxState.PROJECT_ID):
        raise JiraError(404, [f"No project could be found with key '{key_or_id}'."])


def issue_type_body(ctx: Ctx, issue_type: IssueType) -> dict[str, Any]:
    return {
        "self": ctx.self_url(f"/rest/api/2/issuetype/{issue_type.id}"),
        "id": issue_type.id,
        "description": issue_type.description,
        "iconUrl": ctx.self_url(f"/secure/viewavatar?size=xsmall&avatarId={issue_type.id}&avatarType=issuetype"),
        "name": issue_type.name,
        "subtask": False,
    }


def project_ref(ctx: Ctx) -> dict[str, Any]:
    return {
        "self": ctx.self_url(f"/rest/api/2/project/{SandboxState.PROJECT_ID}"),
        "id": SandboxState.PROJECT_ID,
        "key": SandboxState.PROJECT_KEY,
        "name": SandboxState.PROJECT_NAME,
        "projectTypeKey": "software",
        "avatarUrls": avatar_urls(ctx, SandboxState.PROJECT_KEY),
    }


def projects(ctx: Ctx) -> Response:
    """The projects the caller may browse: the sandbox's one project, or none."""
    visible = "BROWSE_PROJECTS" in ctx.state.permissions_of(ctx.user)
    return json_response([{**project_ref(ctx), "expand": "description,lead,url,projectKeys"}] if visible else [])


def project(ctx: Ctx, key: str) -> Response:
    find_project(ctx, key)
    body = project_ref(ctx)
    admin = ctx.state.users[SandboxState.ADMIN]
    body.update(
        {
            "expand": "description,lead,url,projectKeys",
            "description": "The sandbox's only project.",
            "lead": user_ref(ctx, admin),
            "components": [],
            "issueTypes": [issue_type_body(ctx, t) for t in ISSUE_TYPES.values()],
            "assigneeType": "UNASSIGNED",
            "versions": [],
            "roles": {},
            "archived": False,
        }
    )
    return json_response(body)


def _page(values: list[dict[str, Any]]) -> dict[str, Any]:
    return {"maxResults": 50, "startAt": 0, "total": len(values), "isLast": True, "values": values}


def field_meta_body(field: FieldMeta) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": field.schema_type}
    if field.system:
        schema["system"] = field.system
    if field.schema_type == "array":
        schema["items"] = "string"
    return {
        "required": field.required,
        "schema": schema,
        "name": field.name,
        "fieldId": field.field_id,
        "hasDefaultValue": False,
        "operations": ["set"] if field.schema_type != "array" else ["add", "set", "remove"],
    }


def createmeta_issue_types(ctx: Ctx, key: str) -> Response:
    _require_createmeta(ctx, key)
    return json_response(_page([issue_type_body(ctx, t) for t in ISSUE_TYPES.values()]))


def createmeta_fields(ctx: Ctx, key: str, issue_type_id: str) -> Response:
    _require_createmeta(ctx, key)
    if issue_type_id not in ISSUE_TYPES:
        raise JiraError(404, [f"Issue type with id '{issue_type_id}' does not exist."])
    return json_response(_page([field_meta_body(f) for f in CREATE_SCREEN]))


def _require_createmeta(ctx: Ctx, key: str) -> None:
    find_project(ctx, key)
    if "CREATE_ISSUES" not in ctx.state.permissions_of(ctx.user):
        raise JiraError(403, ["You do not have permission to create issues in this project."])


def old_createmeta(ctx: Ctx) -> Response:
    """The pre-9.0 endpoint; only routed for versions that still have it."""
    projects = []
    if "CREATE_ISSUES" in ctx.state.permissions_of(ctx.user):
        body = project_ref(ctx)
        body["issuetypes"] = [issue_type_body(ctx, t) for t in ISSUE_TYPES.values()]
        projects.append(body)
    return json_response({"expand": "projects", "projects": projects})


ROUTES = [
    Rule("/status", endpoint=status, methods=["GET"]),
    Rule("/rest/api/2/serverInfo", endpoint=server_info, methods=["GET"]),
    Rule("/rest/api/2/myself", endpoint=myself, methods=["GET"]),
    Rule("/rest/api/2/mypermissions", endpoint=my_permissions, methods=["GET"]),
    Rule("/rest/api/2/project", endpoint=projects, methods=["GET"]),
    Rule("/rest/api/2/project/<key>", endpoint=project, methods=["GET"]),
    Rule("/rest/api/2/issue/createmeta/<key>/issuetypes", endpoint=createmeta_issue_types, methods=["GET"]),
    Rule(
        "/rest/api/2/issue/createmeta/<key>/issuetypes/<issue_type_id>",
        endpoint=createmeta_fields,
        methods=["GET"],
    ),
]
# Jira removed the old endpoint in 9.0; the server routes it only for versions before that.
OLD_CREATEMETA_ROUTES = [Rule("/rest/api/2/issue/createmeta", endpoint=old_createmeta, methods=["GET"])]
