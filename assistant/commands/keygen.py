"""`jira-link-assistant keygen`: an RSA key pair for an OAuth 1.0a incoming link, written to disk safely.

Writes `<name>.private.pem` (PKCS#8, created with mode 0600 so it is never readable by others, not even for a
moment) and `<name>.public.pem` (`BEGIN PUBLIC KEY`, the form Jira's Public Key field takes), and prints the
public key's path, its SHA-256 fingerprint and a consumer key suggestion. The private key is never printed.
With `--encrypt` the passphrase comes from `KEY_PASSPHRASE` or a no-echo prompt asked twice, never from an
argument, which would show up in the process list and the shell history.

Exit codes:
  0  both files written
  1  refused: a file exists already, the directory cannot be written, or the passphrase is missing, empty
     or mistyped; nothing is left behind
  2  usage: an invalid --name or --bits (argparse's own usage errors exit with 2 as well)
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from assistant.core.credentials import (
    DEFAULT_KEY_SIZE,
    KEY_SIZES,
    KeySizeError,
    check_key_size,
    generate_rsa_key_pair,
    new_consumer_key,
)

PASSPHRASE_ENV = "KEY_PASSPHRASE"  # noqa: S105 (the variable's name, not a passphrase)
DEFAULT_NAME = "jira-link"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

Prompt = Callable[[str], str]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bits",
        type=int,
        choices=KEY_SIZES,
        default=DEFAULT_KEY_SIZE,
        help=f"RSA key size (default {DEFAULT_KEY_SIZE})",
    )
    parser.add_argument(
        "--out", type=Path, default=Path(), metavar="DIR", help="directory for the key files (default: here)"
    )
    parser.add_argument(
        "--name",
        default=DEFAULT_NAME,
        metavar="BASENAME",
        help=f"file name stem: BASENAME.private.pem and BASENAME.public.pem (default {DEFAULT_NAME})",
    )
    parser.add_argument(
        "--encrypt",
        action="store_true",
        help=f"encrypt the private key with a passphrase from ${PASSPHRASE_ENV} or a prompt",
    )


def run(args: argparse.Namespace, *, environ: Mapping[str, str] | None = None, prompt: Prompt | None = None) -> int:
    """`environ` and `prompt` default to the process environment and a no-echo terminal prompt."""
    env = os.environ if environ is None else environ
    name: str = args.name
    if not _NAME_RE.match(name):
        return _fail(
            2, f"--name {name!r}: use letters, digits, '.', '_' and '-' only (no paths), at most 100 characters"
        )
    try:
        check_key_size(args.bits)
    except KeySizeError as exc:
        return _fail(2, str(exc))
    out: Path = args.out
    private_path, public_path = out / f"{name}.private.pem", out / f"{name}.public.pem"
    existing = [p for p in (private_path, public_path) if p.exists() or p.is_symlink()]
    if existing:
        listed = ", ".join(str(p) for p in existing)
        return _fail(1, f"refusing to overwrite {listed}; choose another --name or --out")
    if out.exists() and not out.is_dir():
        return _fail(1, f"--out {out} is not a directory")

    passphrase: str | None = None
    if args.encrypt:
        passphrase = _passphrase(env, prompt or _terminal_prompt())
        if passphrase is None:
            return 1
    elif env.get(PASSPHRASE_ENV):
        print(f"note: {PASSPHRASE_ENV} is set but --encrypt was not given; the key is NOT encrypted", file=sys.stderr)

    pair = generate_rsa_key_pair(args.bits)
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(1, f"cannot create the directory {out}: {exc.strerror or exc}")
    try:
        _write_new(private_path, pair.private_pem(passphrase), 0o600)
    except OSError as exc:
        return _fail(1, f"cannot write {private_path}: {exc.strerror or exc}")
    try:
        _write_new(public_path, pair.public_pem.encode("ascii"), 0o644)
    except OSError as exc:
        private_path.unlink(missing_ok=True)
        return _fail(1, f"cannot write {public_path}: {exc.strerror or exc}")

    state = "encrypted" if passphrase is not None else "not encrypted"
    print(f"RSA {pair.bits}-bit key pair written.")
    print(f"  public key    {public_path.resolve()}  (paste it into Jira's Public Key field)")
    print(f"  private key   {private_path.resolve()}  (mode 0600, {state}; keep it with the connector)")
    print(f"  fingerprint   SHA256:{pair.fingerprint}")
    print(f"  consumer key  {new_consumer_key()}  (a suggestion; an identifier, not a secret)")
    return 0


def _passphrase(env: Mapping[str, str], prompt: Prompt | None) -> str | None:
    """The passphrase from the environment or asked twice; None (after saying why) when there is none."""
    if PASSPHRASE_ENV in env:
        if not env[PASSPHRASE_ENV]:
            _fail(1, f"{PASSPHRASE_ENV} is set but empty")
            return None
        return env[PASSPHRASE_ENV]
    if prompt is None:
        _fail(1, f"--encrypt needs a terminal to ask for the passphrase, or ${PASSPHRASE_ENV}")
        return None
    first = prompt("Passphrase for the private key: ")
    if not first:
        _fail(1, "the passphrase is empty; nothing written")
        return None
    if prompt("Same passphrase again: ") != first:
        _fail(1, "the two passphrases differ; nothing written")
        return None
    return first


def _terminal_prompt() -> Prompt | None:
    """getpass without a terminal would read standard input with echo warnings; refuse instead."""
    return getpass.getpass if sys.stdin is not None and sys.stdin.isatty() else None


def _fail(code: int, message: str) -> int:
    print(f"keygen: {message}", file=sys.stderr)
    return code


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Creates `path` with `mode` from the first byte on; O_EXCL refuses an existing file or symlink."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
