"""`jira-link-assistant bundle`: export a saved connection as a connector bundle, inspect, verify or import one.

The passphrase of an encrypted bundle comes from BUNDLE_PASSPHRASE or a no-echo prompt (twice when exporting),
never from an argument. Plaintext secrets are written only with `--plaintext-secrets`, to a file of mode 0600.

Exit codes: 0 done; 1 the bundle or the link failed (the message names the problem and the field); 2 usage error
(a missing file, passphrase or flag); 130 cancelled.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from assistant.bundle import (
    BundleError,
    BundleValidation,
    OpenedBundle,
    build_bundle,
    dump_bundle,
    env_text,
    import_bundle,
    preview,
    read_bundle,
    secrets_from_store,
    write_bundle,
)
from assistant.bundle.export import MIN_PASSPHRASE_CHARS, proxy_without_credentials
from assistant.bundle.model import MAX_BUNDLE_BYTES, MODES, REQUIRED_SECRETS, Mode
from assistant.bundle.sealing import DEFAULT_SCRYPT_N, MAX_SCRYPT_N, MIN_SCRYPT_N
from assistant.commands.prompts import UsageError, ask_secret, say
from assistant.core import saved
from assistant.core.connection import Connection
from assistant.core.profiles import ConnectorProfile, ProfileError, default_profile, load_profile
from assistant.core.secrets import open_secret_store
from assistant.jira.auth import attach
from assistant.jira.session import SessionError, Target, open_session
from assistant.jira.validation import StepResult, ValidationChain, ValidationResult

PASSPHRASE_ENV = "BUNDLE_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret
_MARKS = {"pass": "✔", "warn": "!", "fail": "✘", "skip": "-"}
_SCRYPT_CHOICES = [2**k for k in range(MIN_SCRYPT_N.bit_length() - 1, MAX_SCRYPT_N.bit_length())]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)

    export = actions.add_parser("export", help="write a saved connection as a bundle (or as environment variables)")
    export.add_argument("--connection", default="jira-link", help="the saved connection to export")
    export.add_argument("--secrets", choices=MODES, help="where the secrets go (default: encrypted)")
    export.add_argument(
        "--plaintext-secrets", action="store_true", help="allow secrets in clear text (mode 0600; keep it private)"
    )
    export.add_argument("--format", choices=("bundle", "env"), default="bundle", help="a JSON bundle or env lines")
    export.add_argument("--output", help="file to write (default NAME.bundle.json or NAME.env; '-' for stdout)")
    export.add_argument("--profile", type=Path, help="the connector profile the connection was set up with")
    export.add_argument("--no-validate", action="store_true", help="do not prove the link before exporting")
    export.add_argument("--timeout", type=float, default=20.0, help="read timeout per request in seconds")
    export.add_argument(
        "--scrypt-n", type=int, default=DEFAULT_SCRYPT_N, choices=_SCRYPT_CHOICES, metavar="N",
        help=f"scrypt cost of an encrypted bundle, a power of two from {MIN_SCRYPT_N} to {MAX_SCRYPT_N}",
    )  # fmt: skip

    inspect = actions.add_parser("inspect", help="show a bundle's non-secret content")
    inspect.add_argument("file", type=Path)
    inspect.add_argument("--format", choices=("text", "json"), default="text")

    verify = actions.add_parser("verify", help="check schema, integrity and secrets, optionally the live link")
    verify.add_argument("file", type=Path)
    verify.add_argument("--live", action="store_true", help="also prove the link against Jira")
    verify.add_argument("--timeout", type=float, default=20.0, help="read timeout per request in seconds")
    verify.add_argument("--format", choices=("text", "json"), default="text")

    load = actions.add_parser("import", help="import a bundle into the saved connections and secret store")
    load.add_argument("file", type=Path)
    load.add_argument("--name", help="save under this name (default: the bundle's)")
    load.add_argument("--replace", action="store_true", help="replace a saved connection of the same name")
    load.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    outcome: dict[str, Any] = {"ok": False}
    try:
        code = _ACTIONS[args.bundle_command](args, outcome)
    except UsageError as exc:
        code = _fail(outcome, "USAGE", str(exc), 2)
    except BundleError as exc:
        code = _fail(outcome, type(exc).__name__, str(exc), 1, exc.field)
    except KeyboardInterrupt:
        code = _fail(outcome, "CANCELLED", "cancelled by the user", 130)
    if getattr(args, "format", None) == "json":
        print(json.dumps(outcome, indent=2, ensure_ascii=False))
    return code


def _fail(outcome: dict[str, Any], code: str, message: str, exit_code: int, field: str | None = None) -> int:
    say(f"error: {message}")
    outcome["ok"] = False
    outcome["error"] = {"code": code, "message": message, "field": field}
    return exit_code


# export ------------------------------------------------------------------------------------------------


def _export(args: argparse.Namespace, outcome: dict[str, Any]) -> int:
    mode: Mode = args.secrets or ("plaintext" if args.plaintext_secrets else "encrypted")
    if args.format == "env" and args.secrets:
        raise UsageError("environment variables have no secret modes; add --plaintext-secrets to include secrets")
    if mode == "plaintext" and not args.plaintext_secrets:
        raise UsageError("a plaintext bundle holds the secrets in clear text: add --plaintext-secrets to confirm")
    clear_text = args.plaintext_secrets and (args.format == "env" or mode == "plaintext")
    if args.output == "-" and clear_text:
        raise UsageError("secrets in clear text go to a file of mode 0600, not to standard output")
    if args.connection not in saved.names():
        raise UsageError(f"no saved connection named {args.connection!r} in {saved.config_dir()}")
    store = open_secret_store()
    if mode == "keyring" and args.format == "bundle" and not store.persistent:
        raise UsageError(f"a keyring bundle needs a system keyring; here secrets are {store.location}")
    try:
        connection = saved.load_with_secrets(args.connection, store)
    except saved.SavedConnectionError as exc:
        raise BundleError(str(exc)) from None
    if connection.proxy and proxy_without_credentials(connection.proxy) != connection.proxy:
        say("Note: the proxy's user name and password are not exported; supply them where the bundle is used.")
    if args.format == "env":
        text = env_text(connection, include_secrets=args.plaintext_secrets)
        return _write(args, f"{connection.name}.env", text.encode("utf-8"), clear_text, "environment variables")
    passphrase = bundle_passphrase() if mode == "encrypted" else None
    profile = _profile(args, connection)
    validation = None if args.no_validate else _validate_for_export(connection, profile, args.timeout)
    if mode == "encrypted":
        say(f"Sealing the secrets (scrypt N={args.scrypt_n}) …")
    bundle = build_bundle(connection, profile, validation, mode, passphrase, scrypt_n=args.scrypt_n)
    if mode == "plaintext":
        say("Warning: this bundle holds the secrets in clear text. Keep it private and delete it after use.")
    outcome["validation_ok"] = validation.ok if validation else None
    return _write(args, f"{connection.name}.bundle.json", dump_bundle(bundle), mode == "plaintext", f"{mode} bundle")


def _write(args: argparse.Namespace, default: str, data: bytes, secret: bool, what: str) -> int:
    if args.output == "-":
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return 0
    path = Path(args.output or default)
    try:
        write_bundle(path, data, "plaintext" if secret else "omitted")
    except OSError as exc:
        raise BundleError(f"cannot write {path}: {exc.strerror or type(exc).__name__}") from None
    say(f"Wrote {what} to {path}" + (" (mode 0600)" if secret else ""))
    return 0


def _profile(args: argparse.Namespace, connection: Connection) -> ConnectorProfile:
    try:
        profile = load_profile(args.profile) if args.profile else default_profile()
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    if profile.id != connection.profile_id:
        raise UsageError(
            f"the connection was set up with the profile {connection.profile_id!r}, not {profile.id!r}: "
            "give that profile's file with --profile"
        )
    return profile


def _validate_for_export(connection: Connection, profile: ConnectorProfile, timeout: float) -> BundleValidation | None:
    missing = [kind for kind in REQUIRED_SECRETS[connection.method] if not connection.secrets.get(kind)]
    if missing:
        say(f"Not validating: the connection's {', '.join(missing)} is not available here.")
        return None
    say("Validating the link with live calls:")
    try:
        target = Target(connection.base_url, ca_file=_path(connection.ca_file), proxy=connection.proxy,
                        read_timeout=timeout)  # fmt: skip
    except ValueError as exc:
        raise BundleError(f"the saved connection cannot be used: {exc}") from None
    result = _live(connection, profile, target)
    if not result.ok:
        say("! The link does not work right now; the bundle records that, which helps whoever diagnoses it.")
    return BundleValidation.from_result(result)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _live(connection: Connection, profile: ConnectorProfile, target: Target) -> ValidationResult:
    try:
        with open_session(target) as session:
            attach(session, connection)
            return ValidationChain(session, connection, profile.project_permissions, on_step=_print_step).run()
    except SessionError as exc:
        raise BundleError(f"cannot reach Jira: {exc}") from None


def _print_step(step: StepResult) -> None:
    timing = f" ({step.duration_ms:.0f} ms)" if step.status != "skip" else ""
    say(f" {_MARKS[step.status]} {step.title}: {step.detail}{timing}")


# inspect, verify, import -------------------------------------------------------------------------------


def _read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory, not a bundle") from None
    except OSError as exc:
        raise UsageError(f"{path} cannot be read ({exc.strerror or type(exc).__name__})") from None


def _open(path: Path) -> tuple[bytes, OpenedBundle]:
    """Reads and checks the bundle, asking for the passphrase only when it is well-formed and sealed."""
    data = _read_file(path)
    opened = read_bundle(data)
    if opened.mode == "encrypted":
        opened = read_bundle(data, ask_secret("Bundle passphrase", env=PASSPHRASE_ENV))
    return data, opened


def _inspect(args: argparse.Namespace, outcome: dict[str, Any]) -> int:
    opened = read_bundle(_read_file(args.file))
    if opened.mode == "encrypted":
        say("Note: the seal was not checked (that needs the passphrase): use `bundle verify`.")
    if args.format == "json":
        outcome.update(ok=True, bundle=opened.document)
    else:
        sys.stdout.write(preview(opened.document))
    return 0


def _verify(args: argparse.Namespace, outcome: dict[str, Any]) -> int:
    checks: list[dict[str, str]] = []
    outcome["checks"] = checks

    def check(check_id: str, status: str, detail: str) -> None:
        checks.append({"id": check_id, "status": status, "detail": detail})
        say(f" {_MARKS[status]} {detail}")

    _, opened = _open(args.file)
    check("format", "pass", f"a valid connector bundle, format {opened.document['format']['version']}")
    connection = opened.connection
    if opened.mode == "encrypted":
        check("seal", "pass", f"the seal is intact and opens: {len(opened.kinds)} secret(s)")
    elif opened.mode == "keyring":
        store = open_secret_store()
        connection = connection.with_secrets(**secrets_from_store(opened, store))
        check("secrets", "pass", f"all {len(opened.kinds)} keyring entries exist in {store.location}")
    elif opened.mode == "plaintext":
        check("secrets", "warn", f"{len(opened.kinds)} secret(s) in clear text: keep this file private")
    else:
        check("secrets", "skip", "secrets are omitted from this bundle")
    code = 0
    if args.live:
        if opened.mode == "omitted":
            raise UsageError("an omitted bundle has no secrets to prove the link with")
        result = _live_from_bundle(opened, connection, args.timeout)
        status = "pass" if result.ok else "fail"
        check("live", status, "the link works" if result.ok else "the link fails against Jira now")
        code = 0 if result.ok else 1
    outcome["ok"] = code == 0
    return code


def _live_from_bundle(opened: OpenedBundle, connection: Connection, timeout: float) -> ValidationResult:
    say("Validating the link with live calls:")
    with tempfile.TemporaryDirectory(prefix="jla-bundle-") as folder:
        ca_file = None
        if opened.ca_certificate_pem:
            ca_file = Path(folder) / "ca.pem"
            ca_file.write_text(opened.ca_certificate_pem, encoding="utf-8")
        target = Target(connection.base_url, ca_file=ca_file, proxy=connection.proxy, read_timeout=timeout)
        return _live(connection, opened.profile, target)


def _import(args: argparse.Namespace, outcome: dict[str, Any]) -> int:
    _, opened = _open(args.file)
    store = open_secret_store()
    connection = import_bundle(opened, store, name=args.name, replace=args.replace)
    say(f"Imported {connection.method} connection {connection.name!r}: settings in {saved.path_for(connection.name)}")
    if connection.secrets:
        say(f"Secrets: {store.location}.")
        if not store.persistent:
            say("They last only as long as this command: import in the desktop application, or where a keyring is.")
    else:
        say("The bundle carried no secrets: supply them before using the connection.")
    outcome.update(ok=True, connection=connection.name, method=connection.method, secrets=store.location)
    return 0


_ACTIONS = {"export": _export, "inspect": _inspect, "verify": _verify, "import": _import}


def bundle_passphrase() -> str:
    """A new bundle's passphrase: BUNDLE_PASSPHRASE, or asked twice without echo."""
    passphrase = ask_secret("Bundle passphrase", env=PASSPHRASE_ENV, confirm=True)
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise UsageError(f"the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters")
    return passphrase


def export_sealed(
    path: Path, connection: Connection, profile: ConnectorProfile, result: ValidationResult, passphrase: str
) -> None:
    """What `setup --export` writes: the just-proven link as an encrypted bundle."""
    bundle = build_bundle(connection, profile, BundleValidation.from_result(result), "encrypted", passphrase)
    write_bundle(path, dump_bundle(bundle), "encrypted")
