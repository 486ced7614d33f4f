"""The `jira-link-assistant` command: the wizard without arguments, subcommands for headless work.

Each subcommand lives in its own module with `add_arguments(parser)` and `run(args) -> int`; the table below
is the only place that names them.
"""

from __future__ import annotations

import argparse
import importlib
import os
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
    parser.add_argument("--self-test", action="store_true", help="check that this installation works, then exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, summary in SUBCOMMANDS:
        sub = commands.add_parser(
            name, help=summary, description=summary, formatter_class=argparse.RawDescriptionHelpFormatter
        )
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
    if args.self_test:
        from assistant.self_test import run as self_test

        return self_test()
    if handler is None:
        if not _display_available():
            print(
                "jira-link-assistant: no display here for the wizard. Use the headless commands (setup, diagnose, "
                "bundle, keygen, sandbox; see --help), or run the wizard where a desktop session is available.",
                file=sys.stderr,
            )
            return 2
        # Imported only here, so the headless subcommands never load Qt.
        from assistant.gui.app import main as wizard

        return wizard(["--sandbox"] if args.sandbox else [])
    try:
        result: int = handler(args)
    except BrokenPipeError:
        # A reader such as `head` closed the pipe; nothing more can be said on stdout.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return result


def _display_available() -> bool:
    """Qt aborts without a display (blaming libxcb); on Linux look before loading it."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
