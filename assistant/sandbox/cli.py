"""`jira-link-assistant sandbox`: run the sandbox in the foreground until SIGINT or SIGTERM.

Standard output carries exactly one JSON line (what a script or test needs to connect); anything meant for a
person goes to standard error.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from assistant.sandbox.options import Fault, Lifetimes, SandboxOptions
from assistant.sandbox.server import Sandbox


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default 0: a free port)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a CA it generates")
    parser.add_argument("--jira-version", default="10.3.0", help="Jira version to imitate (default 10.3.0)")
    parser.add_argument("--deployment", choices=("Server", "DataCenter"), default="DataCenter")
    parser.add_argument("--advertised-base-url", metavar="URL", help="the base URL Jira believes it has")
    parser.add_argument("--context-path", default="", metavar="PATH", help="e.g. /jira")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        choices=[f.value for f in Fault],
        metavar="NAME",
        help="imitate a fault; repeatable: " + ", ".join(f.value for f in Fault),
    )
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        help="answer OAuth consent with Allow as the service account, without a browser",
    )
    parser.add_argument(
        "--allow-http-consent",
        action="store_true",
        help="let the OAuth 2.0 consent page work over HTTP, as Jira's skip.base.url.https.requirement property does",
    )
    parser.add_argument("--state", type=Path, metavar="FILE", help="keep the sandbox's data in FILE")
    parser.add_argument("--slow-seconds", type=float, default=2.0, help="delay of the 'slow' fault")
    parser.add_argument("--access-token-seconds", type=int, default=3600, help="OAuth 2.0 access token lifetime")
    parser.add_argument("--print-guide", action="store_true", help="explain on stderr how to connect")


def options_from(args: argparse.Namespace) -> SandboxOptions:
    return SandboxOptions(
        host=args.host,
        port=args.port,
        tls=args.tls,
        jira_version=args.jira_version,
        deployment=args.deployment,
        advertised_base_url=args.advertised_base_url,
        context_path=args.context_path,
        faults=frozenset(Fault(f) for f in args.fault),
        auto_approve=args.auto_approve,
        state_file=args.state,
        skip_consent_https_requirement=args.allow_http_consent,
        lifetimes=Lifetimes(oauth2_access=args.access_token_seconds),
        slow_seconds=args.slow_seconds,
    )


def guide(info: dict[str, Any]) -> str:
    base = info["base_url"]
    ca = info["ca_cert"]
    trust = f" --cacert {ca}" if ca else ""
    service = info["service_account"]
    lines = [
        f"Jira {info['jira_version']} sandbox at {base}  (Ctrl+C stops it)",
        f"  admin:            {info['admin']['username']}  (password in the JSON line on stdout)",
        f"  service account:  {service['username']}  (password and PAT in the JSON line)",
        f"  project:          {info['project_key']}",
        "Try:",
        f"  curl{trust} {base}/rest/api/2/serverInfo",
        f"  curl{trust} -u {service['username']}:PASSWORD {base}/rest/api/2/myself",
    ]
    if service["pat"]:
        lines.append(f"  curl{trust} -H 'Authorization: Bearer PAT' {base}/rest/api/2/myself")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        options = options_from(args)
    except ValueError as exc:
        print(f"jira-link-assistant sandbox: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        sandbox = Sandbox(options).start()
    except OSError as exc:
        print(
            f"jira-link-assistant sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    # Already started: entering `with sandbox` would start a second server whose worker threads keep the
    # process alive after a signal.
    try:
        info = sandbox.info()
        print(json.dumps(info), flush=True)
        if args.print_guide:
            print(guide(info), file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
    return 0
