"""How much the validation chain costs against the sandbox: connections, TLS handshakes and wall time.

The floor is curl doing the same three requests (serverInfo, myself, mypermissions) on one kept-alive HTTPS
connection, measured in the same run against the same sandbox process. Goals: one TCP connection and one TLS
handshake per chain; wall time ≤ 1.2 × curl's.

    .venv/bin/python bench/validate.py [--runs 30]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.core.connection import Connection  # noqa: E402
from assistant.core.profiles import default_profile  # noqa: E402
from assistant.jira.auth import attach  # noqa: E402
from assistant.jira.session import Target, open_session  # noqa: E402
from assistant.jira.validation import ValidationChain  # noqa: E402
from tests.integration.cli_helpers import sandbox_process  # noqa: E402

PATHS = ("/rest/api/2/serverInfo", "/rest/api/2/myself", "/rest/api/2/mypermissions?projectKey=DEMO")


def chain_once(info: dict[str, object], write: bool) -> tuple[float, int, int, bool]:
    service = info["service_account"]
    assert isinstance(service, dict)
    connection = Connection(
        base_url=str(info["base_url"]), method="basic", username=service["username"], project_key="DEMO"
    ).with_secrets(password=service["password"])
    started = time.perf_counter()
    with open_session(Target(connection.base_url, ca_file=Path(str(info["ca_cert"])))) as session:
        attach(session, connection)
        result = ValidationChain(session, connection, default_profile().project_permissions, write_test=write).run()
        stats = session.stats
    return time.perf_counter() - started, stats.connections_opened, stats.tls_handshakes, result.ok


def curl_once(info: dict[str, object], curl: str) -> float:
    service = info["service_account"]
    assert isinstance(service, dict)
    urls = [f"{info['base_url']}{path}" for path in PATHS]
    command = [curl, "-s", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null", "--cacert", str(info["ca_cert"])]
    command += ["-u", f"{service['username']}:{service['password']}", *urls]
    started = time.perf_counter()
    subprocess.run(command, check=True, env={"PATH": "/usr/bin:/bin"})
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    curl = shutil.which("curl")
    with sandbox_process("--tls") as info:
        cold = chain_once(info, write=False)  # the first chain of a process loads the OS trust store
        for _ in range(3):
            chain_once(info, write=False)
        read = [chain_once(info, write=False) for _ in range(args.runs)]
        write = [chain_once(info, write=True) for _ in range(max(5, args.runs // 3))]
        floor = [curl_once(info, curl) for _ in range(args.runs)] if curl else []
    print(f"validation chain against the sandbox over HTTPS, {args.runs} runs, medians")
    print(f"  first chain of a process {cold[0] * 1000:8.1f} ms   (includes loading the OS trust store once)")
    for label, runs in (("read chain (3 calls)", read), ("with write round-trip", write)):
        wall = statistics.median(r[0] for r in runs) * 1000
        conns = max(r[1] for r in runs)
        tls = max(r[2] for r in runs)
        ok = all(r[3] for r in runs)
        print(f"  {label:<24} {wall:8.1f} ms   connections {conns}   TLS handshakes {tls}   all passed {ok}")
    if floor:
        curl_ms = statistics.median(floor) * 1000
        chain_ms = statistics.median(r[0] for r in read) * 1000
        print(f"  curl, same 3 calls       {curl_ms:8.1f} ms   (one connection; includes curl's process start)")
        print(f"  ratio chain / curl       {chain_ms / curl_ms:8.2f}   (goal ≤ 1.2)")
    else:
        print("  curl not found: no floor measured")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
