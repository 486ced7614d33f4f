"""Reading what a Jira instance says about itself, the way a connector's first call sees it."""

from __future__ import annotations

import requests

from assistant.core.versions import ServerFacts, ServerInfoError
from assistant.jira.answers import json_body, raise_for_answer
from assistant.jira.problems import Evidence, JiraProblem, transport_problem

SERVER_INFO_PATH = "/rest/api/2/serverInfo"
PROJECTS_PATH = "/rest/api/2/project"


def read_server_facts(session: requests.Session, base_url: str) -> ServerFacts:
    """serverInfo, anonymous; every way it can fail comes back as a `JiraProblem` with its finding."""
    try:
        response = session.get(f"{base_url}{SERVER_INFO_PATH}", allow_redirects=False)
    except requests.RequestException as exc:
        raise transport_problem(exc) from exc
    raise_for_answer(response)
    try:
        return ServerFacts.from_server_info(json_body(response))
    except ServerInfoError as exc:
        raise JiraProblem("HTTP_NOT_JIRA", f"this is not Jira's serverInfo: {exc}", Evidence.of(response)) from exc


def list_projects(session: requests.Session, base_url: str) -> list[tuple[str, str]]:
    """(key, name) of the projects the session's account can browse, for a project chooser."""
    try:
        response = session.get(f"{base_url}{PROJECTS_PATH}", allow_redirects=False)
    except requests.RequestException as exc:
        raise transport_problem(exc) from exc
    raise_for_answer(response)
    body = json_body(response)
    if not isinstance(body, list):
        raise JiraProblem("HTTP_NOT_JIRA", "the project list is not a list", Evidence.of(response))
    return [
        (str(item["key"]), str(item.get("name", item["key"])))
        for item in body
        if isinstance(item, dict) and isinstance(item.get("key"), str)
    ]
