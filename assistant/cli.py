"""The `jira-link-assistant` command: the wizard without arguments, subcommands for headless work.

Each subcommand lives in its own module with `add_arguments(parser)` and `run(args) -> int`; the table below
is the only place that names them.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from assistant import __version__

SUBCOMMANDS = (
    ("setup", "assistant.commands.setup", "set up and prove a link, without a display"),
    ("keygen", "assistant.commands.keygen", "generate an RSA key pair for OAuth 1.0a"),
    ("bundle", "assistant.commands.bundle", "export, inspect, verify or import a connector bundle"),
    ("diagnose", "assistant.commands.diagnose", "name why a Jira connection fails, layer by layer"),
    ("sandbox", "assistant.sandbox.cli", "run the built-in Jira Data Center sandbox"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jira-link-assistant",
        description="Set up, prove, export and diagnose a link between an external application and Jira DC.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--sandbox", action="store_true", help="wizard only: try it against the built-in sandbox")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, summary in SUBCOMMANDS:
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=summary, description=(module.__doc__ or summary).split("\n\n")[0])
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        # Imported only here, so the headless subcommands never load Qt.
        from assistant.gui.app import main as wizard

        return wizard(["--sandbox"] if args.sandbox else [])
    result: int = handler(args)
    return result
