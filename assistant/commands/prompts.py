"""Asking the person at the terminal, or not: every value has a flag or an environment variable first.

Secrets come only from the environment or a no-echo prompt, never from an argument (arguments show in `ps`
and shell history). Without a terminal, a missing value is a usage error that names the flag or variable to
set, rather than a prompt that hangs a script.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable


class UsageError(Exception):
    """Exit code 2: the command was not given what it needs."""


def interactive() -> bool:
    return sys.stdin.isatty()


def say(text: str = "") -> None:
    """Progress and guidance go to stderr, so stdout stays clean for `--format json`."""
    print(text, file=sys.stderr, flush=True)


def ask(label: str, value: str | None, *, flag: str, env: str | None = None, default: str | None = None) -> str:
    if value:
        return value
    if env and os.environ.get(env):
        return os.environ[env]
    if not interactive():
        if default is not None:
            return default
        source = f"{flag} or {env}" if env else flag
        raise UsageError(f"{label} is needed: give {source}")
    suffix = f" [{default}]" if default else ""
    answer = input(f"{label}{suffix}: ").strip()
    if not answer and default is not None:
        return default
    if not answer:
        raise UsageError(f"{label} is needed")
    return answer


def ask_secret(label: str, *, env: str, confirm: bool = False, reader: Callable[[str], str] = getpass.getpass) -> str:
    if os.environ.get(env):
        return os.environ[env]
    if not interactive():
        raise UsageError(f"{label} is needed: set {env} (secrets are never taken from arguments)")
    value = reader(f"{label} (not shown): ")
    if not value:
        raise UsageError(f"{label} is needed")
    if confirm and reader(f"{label} again: ") != value:
        raise UsageError(f"the two entries of {label.lower()} differ")
    return value


def confirm(question: str, *, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not interactive():
        raise UsageError(f"{question} — answer with --yes when running without a terminal")
    return input(f"{question} [y/N]: ").strip().lower() in ("y", "yes")


def wait_for_enter(message: str, *, assume_yes: bool) -> None:
    if assume_yes or not interactive():
        return
    input(f"{message} Press Enter to continue… ")
