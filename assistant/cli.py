"""The `jira-link-assistant` command: the wizard without arguments, subcommands for headless work.

Each subcommand lives in its own module with `add_arguments(parser)` and `run(args) -> int`; the table below
is the only place that names them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from assistant import __version__

SUBCOMMANDS = (
    ("setup", "assistant.commands.setup", "set up and prove a link, without a display"),
    ("keygen", "assistant.commands.keygen", "generate an RSA key pair for OAuth 1.0a"),
    ("bundle", "assistant.commands.bundle", "export, inspect, verify or import a connector bundle"),
    ("diagnose", "assistant.commands.diagnose", "name why a Jira connection fails, layer by layer"),
    ("sandbox", "assistant.sandbox.cli", "run the built-in Jira Data Center sandbox"),
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand's options (`only=None`), or just `only`'s; "" imports none."""
    parser = argparse.ArgumentParser(
        prog="jira-link-assistant",
        description="Set up, prove, export and diagnose a link between an external application and Jira DC.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--sandbox", action="store_true", help="wizard only: try it against the built-in sandbox")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, summary in SUBCOMMANDS:
        sub = commands.add_parser(name, help=summary, description=summary)
        if only is None or name == only:
            # Only the chosen subcommand's module is imported: start-up is part of every command's latency.
            module = importlib.import_module(module_name)
            sub.description = (module.__doc__ or summary).split("\n\n")[0]
            module.add_arguments(sub)
            sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in arguments if not a.startswith("-")), None)
    known = {name for name, _, _ in SUBCOMMANDS}
    # The top-level help needs only the summaries; a subcommand needs its own module and no other.
    parser = build_parser(chosen if chosen in known else "")
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is None:
        # Imported only here, so the headless subcommands never load Qt.
        from assistant.gui.app import main as wizard

        return wizard(["--sandbox"] if args.sandbox else [])
    result: int = handler(args)
    return result
