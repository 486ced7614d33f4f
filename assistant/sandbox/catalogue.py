"""The static parts of the seeded project: issue types, the workflow, screens and permission names.

Transition ids depend on the status an issue is in, as in a real Jira workflow, so a client that hard-codes
"31 means Done" fails here the way it fails in the field.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    category_id: int
    category_key: str
    category_name: str
    color: str


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    to_status: str


@dataclass(frozen=True)
class IssueType:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class FieldMeta:
    field_id: str
    name: str
    required: bool
    schema_type: str
    system: str | None


TO_DO, IN_PROGRESS, DONE = "10000", "3", "10001"
STATUSES = {
    TO_DO: Status(TO_DO, "To Do", 2, "new", "To Do", "blue-gray"),
    IN_PROGRESS: Status(IN_PROGRESS, "In Progress", 4, "indeterminate", "In Progress", "yellow"),
    DONE: Status(DONE, "Done", 3, "done", "Done", "green"),
}
TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    TO_DO: (Transition("11", "Start Progress", IN_PROGRESS), Transition("31", "Done", DONE)),
    IN_PROGRESS: (Transition("41", "Stop Progress", TO_DO), Transition("51", "Done", DONE)),
    DONE: (Transition("61", "Reopen", TO_DO),),
}
ISSUE_TYPES = {
    "10002": IssueType("10002", "Task", "A task that needs to be done."),
    "10004": IssueType("10004", "Bug", "A problem which impairs or prevents the functions of the product."),
}
CREATE_SCREEN = (
    FieldMeta("project", "Project", True, "project", "project"),
    FieldMeta("issuetype", "Issue Type", True, "issuetype", "issuetype"),
    FieldMeta("summary", "Summary", True, "string", "summary"),
    FieldMeta("description", "Description", False, "string", "description"),
    FieldMeta("labels", "Labels", False, "array", "labels"),
)
# Exists in the instance but is not on the create screen: setting it on create fails as in Jira.
OFF_SCREEN_FIELD = FieldMeta("customfield_10100", "Story Points", False, "number", None)

PERMISSIONS: dict[str, tuple[str, str, str]] = {
    # key: (id, name, description)
    "BROWSE_PROJECTS": ("10", "Browse Projects", "Ability to browse projects and the issues within them."),
    "CREATE_ISSUES": ("11", "Create Issues", "Ability to create issues."),
    "EDIT_ISSUES": ("12", "Edit Issues", "Ability to edit issues."),
    "ASSIGN_ISSUES": ("13", "Assign Issues", "Ability to assign issues to other people."),
    "RESOLVE_ISSUES": ("14", "Resolve Issues", "Ability to resolve and reopen issues."),
    "ADD_COMMENTS": ("15", "Add Comments", "Ability to comment on issues."),
    "DELETE_ISSUES": ("16", "Delete Issues", "Ability to delete issues."),
    "ASSIGNABLE_USER": ("17", "Assignable User", "Users with this permission may be assigned to issues."),
    "CLOSE_ISSUES": ("18", "Close Issues", "Ability to close issues."),
    "TRANSITION_ISSUES": ("46", "Transition Issues", "Ability to transition issues."),
    "ADMINISTER_PROJECTS": ("23", "Administer Projects", "Ability to administer a project in Jira."),
    "ADMINISTER": ("0", "Jira Administrators", "Ability to perform most administration functions."),
}
GLOBAL_PERMISSIONS = frozenset({"ADMINISTER"})
