"""The checks of a diagnosis, in the order the layers are met: from the URL down to a real write.

The order is the point: each check relies on what the earlier ones established (an address, a socket, a trusted
certificate, Jira itself, its clock, accepted credentials), so the first failure names the lowest broken layer
and every later check is skipped with that reason. Titles say in plain words what a passing check proves.
"""

from __future__ import annotations

from assistant.diagnostics.check_auth import check_auth, check_identity, check_permissions, check_write
from assistant.diagnostics.check_http import check_clock, check_http, check_jira
from assistant.diagnostics.check_network import check_dns, check_tcp, check_tls
from assistant.diagnostics.check_url import check_url
from assistant.diagnostics.runner import Check

CHECKS: tuple[Check, ...] = (
    Check("url", "The address is a usable Jira Server / Data Center URL", check_url),
    Check("dns", "The host name resolves", check_dns),
    Check("tcp", "A connection to the port opens", check_tcp),
    Check("tls", "The certificate is valid and trusted", check_tls),
    Check("http", "Jira is what answers", check_http),
    Check("jira", "Jira is running and offers this method", check_jira),
    Check("clock", "This machine's clock agrees with Jira's", check_clock),
    Check("auth", "Jira accepts the credentials", check_auth, needs_credentials=True),
    Check("identity", "Calls run as the intended account", check_identity, needs_credentials=True),
    Check("permissions", "The account holds the permissions it needs", check_permissions, needs_credentials=True),
    Check(
        "write",
        "A test issue can be created, commented on, moved and removed",
        check_write,
        needs_credentials=True,
        only_with_write_test=True,
    ),
)
