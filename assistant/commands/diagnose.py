"""`jira-link-assistant diagnose`: why a Jira connection fails, layer by layer, as a report to paste or attach.

The connection comes from `--url` (with `--auth` and credentials), a saved connection (`--connection NAME`) or a
connector bundle (`--bundle FILE`). Secrets come from the secret store, the environment (JIRA_PASSWORD,
JIRA_API_TOKEN, JIRA_ACCESS_TOKEN, JIRA_OAUTH_TOKEN, JIRA_OAUTH_TOKEN_SECRET, JIRA_PRIVATE_KEY_FILE with
KEY_PASSPHRASE, BUNDLE_PASSPHRASE) or a no-echo prompt, never from an argument. Without `--auth` only the
anonymous checks run.

Exit codes: 0 every check passed (warnings allowed); 1 a check failed; 2 usage error; 130 cancelled.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from assistant import __version__
from assistant.commands import diagnose_inputs
from assistant.commands.prompts import UsageError, say
from assistant.core.connection import Connection
from assistant.core.files import write_atomic
from assistant.core.profiles import default_profile
from assistant.core.redaction import RedactingFilter, redact_text, redact_url
from assistant.diagnostics.checks import CHECKS
from assistant.diagnostics.context import DEFAULT_TIMEOUT, DiagnosticContext
from assistant.diagnostics.model import CheckResult, Report
from assistant.diagnostics.render import renderer, text_header, text_line, text_tail
from assistant.diagnostics.runner import diagnose
from assistant.jira.session import Target, TargetError, open_session

FORMATS = ("text", "json", "markdown", "html", "summary")


ENVIRONMENT_HELP = """\
credentials (never taken from arguments):
  basic   JIRA_USERNAME, JIRA_PASSWORD
  pat     JIRA_API_TOKEN
  oauth2  JIRA_ACCESS_TOKEN
  oauth1  JIRA_CONSUMER_KEY, JIRA_PRIVATE_KEY_FILE, JIRA_OAUTH_TOKEN, JIRA_OAUTH_TOKEN_SECRET
  bundle  BUNDLE_PASSPHRASE
Missing ones are asked for without echo when a terminal is attached. A connection saved by `setup`
(--connection NAME) brings its own from the system keyring.

exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 usage error."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ENVIRONMENT_HELP
    source = parser.add_argument_group("what to diagnose (one of)")
    source.add_argument("--url", help="Jira's base URL, e.g. https://jira.example.com")
    source.add_argument(
        "--bundle", type=Path, metavar="FILE", help="a connector bundle (passphrase: BUNDLE_PASSPHRASE)"
    )
    source.add_argument("--connection", metavar="NAME", help="a connection saved by `setup`")
    how = parser.add_argument_group("how to authenticate (with --url)")
    how.add_argument("--auth", choices=diagnose_inputs.AUTH_CHOICES, help="default: anonymous checks only")
    how.add_argument("--username", help="basic: the account (or JIRA_USERNAME); others: the expected account")
    how.add_argument("--consumer-key", help="oauth1: the consumer key (or JIRA_CONSUMER_KEY)")
    how.add_argument("--private-key", type=Path, help="oauth1: the private key PEM (or JIRA_PRIVATE_KEY_FILE)")
    net = parser.add_argument_group("network")
    net.add_argument(
        "--ca-bundle",
        "--ca-file",
        dest="ca_bundle",
        type=Path,
        metavar="FILE",
        help="a CA certificate (PEM) to trust besides the OS's",
    )
    net.add_argument("--proxy", metavar="URL", help="HTTP(S) proxy (otherwise the environment's)")
    net.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS", help="per network step")
    parser.add_argument("--project", metavar="KEY", help="check the account's permissions in this project")
    parser.add_argument(
        "--write-test",
        action="store_true",
        help="also create, comment on, transition and delete a test issue in --project",
    )
    out = parser.add_argument_group("report")
    out.add_argument("--format", choices=FORMATS, default="text", help="summary: a few lines for a ticket")
    out.add_argument("--output", type=Path, metavar="FILE", help="write the report here (atomically)")
    out.add_argument("--log", type=Path, metavar="FILE", help="write a redacted debug log here")


def run(args: argparse.Namespace) -> int:
    try:
        with contextlib.ExitStack() as cleanup:
            ctx = _context(args, cleanup)
            if args.log:
                cleanup.enter_context(_debug_log(args.log, ctx.known_secrets()))
            report = _diagnose(ctx, args)
    except UsageError as exc:
        say(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        say("\ncancelled")
        return 130
    text = renderer(args.format)(report)
    if args.output:
        write_atomic(args.output, text.encode("utf-8"), mode=0o644)
        say(f"Report written to {args.output}")
    elif args.format != "text":
        sys.stdout.write(text)
    return 1 if report.outcome == "fail" else 0


def _diagnose(ctx: DiagnosticContext, args: argparse.Namespace) -> Report:
    """Runs the checks, showing each result as it lands: on stdout for a text report, else on stderr."""
    live_on_stdout = args.format == "text" and not args.output
    write = sys.stdout.write if live_on_stdout else sys.stderr.write

    def show(result: CheckResult) -> None:
        write(text_line(result) + "\n")
        (sys.stdout if live_on_stdout else sys.stderr).flush()

    write(text_header(redact_url(ctx.url), ctx.auth_method, __version__))
    report = diagnose(ctx, CHECKS, on_result=show)
    if live_on_stdout:
        write(text_tail(report))
    else:
        write(f"Result: {report.outcome}\n")
    return report


def _context(args: argparse.Namespace, cleanup: contextlib.ExitStack) -> DiagnosticContext:
    sources = [name for name in ("url", "bundle", "connection") if getattr(args, name)]
    if len(sources) != 1:
        raise UsageError("give exactly one of --url, --bundle FILE or --connection NAME")
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if args.ca_bundle is not None and not args.ca_bundle.is_file():
        raise UsageError(f"--ca-bundle {args.ca_bundle}: no such file")
    connection, ca_pem = diagnose_inputs.connection_from(args)
    project = args.project or (connection.project_key if connection else None)
    if args.write_test and not project:
        raise UsageError("--write-test needs --project KEY: the test issue is created there")
    if connection is not None and project != connection.project_key:
        connection = dataclasses.replace(connection, project_key=project)
    url = connection.base_url if connection else args.url
    ca_file = args.ca_bundle or _ca_file(connection, ca_pem, cleanup)
    proxy = args.proxy or (connection.proxy if connection else None)
    _check_network_settings(url, ca_file, proxy)
    return DiagnosticContext(
        url=url,
        connection=connection,
        method=connection.method if connection else None,
        project_key=project,
        needed_permissions=default_profile().project_permissions,
        ca_file=ca_file,
        proxy=proxy,
        timeout=args.timeout,
        write_test=args.write_test,
    )


def _ca_file(connection: Connection | None, ca_pem: str | None, cleanup: contextlib.ExitStack) -> Path | None:
    """The CA to trust: a bundle's own certificate (written to a private temporary file), or the link's file."""
    if ca_pem:
        folder = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="jla-diagnose-")))
        path = folder / "bundle-ca.pem"
        write_atomic(path, ca_pem.encode("ascii", "replace"))
        return path
    if connection is not None and connection.ca_file:
        path = Path(connection.ca_file)
        if not path.is_file():
            raise UsageError(f"the connection's CA file {path} does not exist here: give --ca-bundle FILE")
        return path
    return None


def _check_network_settings(url: str, ca_file: Path | None, proxy: str | None) -> None:
    """A CA file or proxy that cannot be used is a usage error; a bad URL is the `url` check's finding."""
    try:
        Target(url)
    except TargetError:
        return
    try:
        open_session(Target(url, ca_file=ca_file, proxy=proxy)).close()
    except TargetError as exc:
        raise UsageError(str(exc)) from None


# These log every signed request's headers at DEBUG; their values are credentials, so they stay at INFO.
_QUIET_LOGGERS = ("oauthlib", "requests_oauthlib")


def log_filters(secrets: list[str]) -> list[logging.Filter]:
    """What every record passes before it is written: the known secrets removed, then the pattern redactor."""
    return [_KnownSecretsFilter(secrets), RedactingFilter()]


@contextlib.contextmanager
def _debug_log(path: Path, secrets: list[str]) -> Iterator[None]:
    """A debug log of the run (requests, checks), redacted record by record."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for item in log_filters(secrets):
        handler.addFilter(item)
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", *_QUIET_LOGGERS)}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        handler.close()


class _KnownSecretsFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage(), self._secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatted here, before the handler's formatter would, so the traceback is redacted too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, self._secrets)
        return True
