"""The built-in Jira Data Center sandbox: a faithful counterpart for tests, demos and reproducing faults.

It speaks Jira's REST API, Seraph's Basic authentication, Personal Access Tokens and both OAuth providers over
real HTTP(S), with switchable faults. It imports nothing from `assistant.jira` or `assistant.gui`: client and
server must not share code, or they would share mistakes.
"""

from assistant.sandbox.options import Fault, SandboxOptions
from assistant.sandbox.server import Account, Sandbox

__all__ = ["Account", "Fault", "Sandbox", "SandboxOptions"]
