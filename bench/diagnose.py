"""What a diagnosis costs: a black-holed host must end within the timeout, a healthy link on few connections.

1. Black hole: a listener whose accept queue is full drops every SYN, as a firewall that drops packets does.
   `jira-link-assistant diagnose --timeout 3` runs against it as a user would (its own process); the goal is
   that it ends within timeout + 0.5 s. The process' start-up (`--version`) is measured too, to separate the
   diagnosis from the interpreter.
2. A full passing diagnosis (basic, with and without the write test) against the sandbox in its own process:
   wall time and the connections the diagnosis' session opened (`session.stats`). The dns/tcp/tls checks use
   their own sockets by design (each layer asked on its own); those are not in the session's count.

    .venv/bin/python bench/diagnose.py [--runs 10] [--timeout 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.core.connection import Connection  # noqa: E402
from assistant.core.profiles import default_profile  # noqa: E402
from assistant.diagnostics.checks import CHECKS  # noqa: E402
from assistant.diagnostics.context import DiagnosticContext  # noqa: E402
from assistant.diagnostics.runner import diagnose  # noqa: E402
from tests.integration.cli_helpers import sandbox_process  # noqa: E402
from tests.integration.diag_servers import black_hole  # noqa: E402


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT, timeout=120)
    return time.perf_counter() - started, done


def bench_black_hole(timeout: float) -> None:
    with black_hole() as port:  # the tests' black hole: a listener whose full accept queue drops SYNs
        startup, _ = timed([sys.executable, "-m", "assistant", "--version"])
        url = f"https://127.0.0.1:{port}"
        command = [sys.executable, "-m", "assistant", "diagnose", "--url", url, "--timeout", str(timeout)]
        wall, done = timed([*command, "--format", "json"])
    report = json.loads(done.stdout)
    checks_ms = sum(check["duration_ms"] for check in report["checks"])
    budget = timeout + 0.5
    print(f"black-holed host, --timeout {timeout:g}: exit {done.returncode}, first failure {report['first_failure']}")
    print(f"  whole process            {wall:6.2f} s   (goal ≤ {budget:g} s: {'met' if wall <= budget else 'MISSED'})")
    print(f"  the checks themselves    {checks_ms / 1000:6.2f} s")
    print(f"  interpreter start-up     {startup:6.2f} s   (`jira-link-assistant --version`)")


def diagnose_once(info: dict[str, Any], write: bool) -> tuple[float, int, int, str]:
    service = info["service_account"]
    connection = Connection(
        base_url=str(info["base_url"]), method="basic", username=service["username"], project_key="DEMO"
    ).with_secrets(password=service["password"])
    ctx = DiagnosticContext(
        connection.base_url,
        connection=connection,
        project_key="DEMO",
        needed_permissions=default_profile().project_permissions,
        ca_file=Path(str(info["ca_cert"])),
        write_test=write,
    )
    session = ctx.session()
    started = time.perf_counter()
    report = diagnose(ctx, CHECKS)
    wall = time.perf_counter() - started
    return wall, session.stats.connections_opened, session.stats.tls_handshakes, report.outcome


def bench_sandbox(runs: int) -> None:
    with sandbox_process("--tls") as info:
        cold = diagnose_once(info, write=False)
        read = [diagnose_once(info, write=False) for _ in range(runs)]
        write = [diagnose_once(info, write=True) for _ in range(max(3, runs // 2))]
    print(f"full diagnosis against the sandbox over HTTPS (basic, project DEMO), {runs} runs, medians")
    print(f"  first of a process       {cold[0] * 1000:7.1f} ms   (loads the OS trust store once)")
    for label, results in (("11 checks, no write", read), ("with the write test", write)):
        wall = statistics.median(r[0] for r in results) * 1000
        outcomes = sorted({r[3] for r in results})
        print(
            f"  {label:<24} {wall:7.1f} ms   session connections {max(r[1] for r in results)}   "
            f"TLS handshakes {max(r[2] for r in results)}   outcome {'/'.join(outcomes)}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()
    bench_black_hole(args.timeout)
    bench_sandbox(args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
