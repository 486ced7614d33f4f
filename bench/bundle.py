"""Connector bundle export and import times at the default scrypt cost (N=2^17, r=8, p=1).

Export = build (scrypt + AES-GCM + the read-back check) + serialise + atomic write; import = read (all checks,
scrypt, decrypt) + import into a secret store and the saved connections. Each is the median of several runs.

scrypt dominates both, and it is deliberately slow (about a third of a second), so the desktop application
runs export and import in its worker, never on the GUI thread. The last figure shows that this is enough:
while an export runs in a worker thread, the main thread's 1 ms timer is measured for its longest stall, which
stays in the milliseconds because `cryptography` releases the GIL during scrypt.

Run: .venv/bin/python bench/bundle.py [--runs 7]
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.bundle import MODES, Mode, build_bundle, dump_bundle, import_bundle, read_bundle, write_bundle
from assistant.core.connection import Connection
from assistant.core.profiles import default_profile
from assistant.core.secrets import MemorySecretStore

PASSPHRASE = "benchmark passphrase"  # noqa: S105 - a throw-away benchmark value


def _connection() -> Connection:
    return Connection(
        base_url="https://jira.example.com", method="oauth2", username="connector-bot", client_id="abc123",
        scope="WRITE", redirect_uri="http://localhost:8765/callback", token_expires_at=1_900_000_000.0,
    ).with_secrets(client_secret="c" * 40, access_token="a" * 40, refresh_token="r" * 40)  # fmt: skip


def export_once(folder: Path, mode: Mode) -> bytes:
    data = dump_bundle(build_bundle(_connection(), default_profile(), None, mode, PASSPHRASE))
    write_bundle(folder / "b.json", data, mode)
    return data


def import_once(data: bytes, store: MemorySecretStore) -> None:
    import_bundle(read_bundle(data, PASSPHRASE), store, replace=True)


def median_seconds(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def longest_stall_during(action: Callable[[], object]) -> tuple[float, float]:
    """(seconds the action took in a worker thread, longest gap between the main thread's 1 ms ticks)."""
    worker = threading.Thread(target=action)
    started = time.perf_counter()
    worker.start()
    longest, last = 0.0, time.perf_counter()
    while worker.is_alive():
        time.sleep(0.001)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    worker.join()
    return time.perf_counter() - started, longest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (default 7)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        os.environ["JLA_CONFIG_DIR"] = str(folder / "config")
        store = MemorySecretStore("benchmark")
        print(f"{'mode':<10} {'export ms':>10} {'import ms':>10}   (median of {args.runs}, oauth2 connection)")
        for mode in MODES:
            if mode == "keyring":
                continue  # needs the exporting machine's keyring entries; the work is the same as omitted
            data = export_once(folder, mode)
            exporting = median_seconds(functools.partial(export_once, folder, mode), args.runs)
            importing = median_seconds(functools.partial(import_once, data, store), args.runs)
            print(f"{mode:<10} {exporting * 1000:>10.1f} {importing * 1000:>10.1f}")
        took, stall = longest_stall_during(lambda: export_once(folder, "encrypted"))
    print()
    print(
        f"Encrypted export in a worker thread: {took * 1000:.0f} ms; longest main-thread stall {stall * 1000:.1f} ms."
    )
    print("The GUI runs export and import in its worker (QThreadPool), so scrypt never blocks the GUI thread.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
