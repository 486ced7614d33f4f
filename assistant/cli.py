"""The `jira-link-assistant` command: subcommands for headless work."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assistant import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jira-link-assistant",
        description="Set up, prove, export and diagnose a link between an external application and Jira DC.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    from assistant.sandbox import cli as sandbox_cli

    sandbox = commands.add_parser("sandbox", help="run the built-in Jira Data Center sandbox")
    sandbox_cli.add_arguments(sandbox)
    sandbox.set_defaults(handler=sandbox_cli.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    result: int = handler(args)
    return result
