"""The one way the wizard runs slow work: a job on `QThreadPool`, its outcome back by signal.

A job is a plain function `job(cancel, report)`: it runs on a pool thread, never touches a widget, checks the
`threading.Event` when it can stop early, and may `report(item)` progress. Each `Worker` belongs to one page
and runs one job at a time; starting a new job or cancelling bumps a generation counter, so an outcome that
arrives for an older generation (the user pressed Back, or Cancel) is dropped instead of landing on a page that
has moved on. Nothing here spins the event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from assistant.core.redaction import redact_text

log = logging.getLogger(__name__)

Report = Callable[[Any], None]
Job = Callable[[threading.Event, Report], Any]


class _Relay(QObject):
    """Carries a job's outcome from the pool thread to the worker's thread (a queued connection)."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, object)


class _Runnable(QRunnable):
    def __init__(self, job: Job, cancel: threading.Event, generation: int, relay: _Relay) -> None:
        super().__init__()
        self._job = job
        self._cancel = cancel
        self._generation = generation
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._job(self._cancel, self._report)
        except Exception as exc:
            log.info("background job failed: %s: %s", type(exc).__name__, redact_text(str(exc)))
            self._emit(self._relay.failed, exc)
        else:
            self._emit(self._relay.succeeded, result)

    def _report(self, item: Any) -> None:
        self._emit(self._relay.progressed, item)

    def _emit(self, signal: Any, value: Any) -> None:
        try:
            signal.emit(self._generation, value)
        except RuntimeError:
            # The page was closed while the job ran: there is nobody left to tell.
            log.debug("dropped the outcome of a job whose page is gone")


class Worker(QObject):
    """Runs one job at a time for its owner; `busy` is true from `run` until the outcome is delivered."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.succeeded.connect(self._on_succeeded)
        self._relay.failed.connect(self._on_failed)
        self._relay.progressed.connect(self._on_progressed)
        self._generation = 0
        self._cancel = threading.Event()
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def run(self, job: Job) -> None:
        """Starts `job`, cancelling (and forgetting) any job still running for this owner."""
        self._cancel.set()
        self._generation += 1
        self._cancel = threading.Event()
        self._set_busy(True)
        self._pool.start(_Runnable(job, self._cancel, self._generation, self._relay))

    def cancel(self) -> None:
        """Asks the running job to stop; whatever it still delivers is dropped."""
        self._cancel.set()
        self._generation += 1
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

    def _current(self, generation: int) -> bool:
        return generation == self._generation and self._busy

    def _on_succeeded(self, generation: int, result: Any) -> None:
        if self._current(generation):
            self._set_busy(False)
            self.succeeded.emit(result)

    def _on_failed(self, generation: int, error: Any) -> None:
        if self._current(generation):
            self._set_busy(False)
            self.failed.emit(error)

    def _on_progressed(self, generation: int, item: Any) -> None:
        if self._current(generation):
            self.progressed.emit(item)


def wait_for_jobs(timeout_ms: int = 5000, pool: QThreadPool | None = None) -> bool:
    """At shutdown, after cancelling: lets running jobs end before their pages are destroyed."""
    return (pool or QThreadPool.globalInstance()).waitForDone(timeout_ms)
