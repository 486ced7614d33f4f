"""Building engine objects against a running sandbox, the way the CLI and the wizard do."""

from __future__ import annotations

from assistant.core.connection import Connection
from assistant.core.profiles import default_profile
from assistant.jira.auth import attach
from assistant.jira.session import JiraSession, Target, open_session
from assistant.jira.validation import ValidationChain, ValidationResult
from assistant.sandbox import Sandbox


def session_to(sandbox: Sandbox, read_timeout: float = 20.0) -> JiraSession:
    """A product session trusting the sandbox's CA as a user-picked CA file."""
    return open_session(Target(sandbox.base_url, ca_file=sandbox.ca_cert, read_timeout=read_timeout))


def connection_for(sandbox: Sandbox, method: str, **fields: object) -> Connection:
    return Connection(
        base_url=sandbox.base_url,
        method=method,
        username=sandbox.service_account.username,
        project_key=sandbox.project_key,
        ca_file=str(sandbox.ca_cert) if sandbox.ca_cert else None,
        **fields,  # type: ignore[arg-type]
    )


def basic_connection(sandbox: Sandbox, password: str | None = None) -> Connection:
    account = sandbox.service_account
    return connection_for(sandbox, "basic").with_secrets(password=password or account.password)


def pat_connection(sandbox: Sandbox, token: str | None = None) -> Connection:
    return connection_for(sandbox, "pat").with_secrets(pat=token or sandbox.service_account.pat)


def validate(
    sandbox: Sandbox, connection: Connection, *, write_test: bool = False, read_timeout: float = 20.0
) -> ValidationResult:
    with session_to(sandbox, read_timeout) as session:
        attach(session, connection)
        chain = ValidationChain(session, connection, default_profile().project_permissions, write_test=write_test)
        return chain.run()


def failure_code(result: ValidationResult) -> str | None:
    failed = result.first_failure
    return failed.problem.code if failed and failed.problem else None
