"""The worker: outcomes by signal, cancellation through the job's event, stale generations dropped."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from assistant.gui.worker import Worker, wait_for_jobs


def test_result_and_progress_arrive_by_signal_on_the_gui_thread(qtbot: QtBot) -> None:
    worker = Worker()
    threads: list[threading.Thread] = []
    progressed: list[Any] = []

    def on_progress(item: Any) -> None:
        progressed.append(item)
        threads.append(threading.current_thread())

    worker.progressed.connect(on_progress)

    def job(cancel: threading.Event, report: Any) -> str:
        report("halfway")
        return threading.current_thread().name

    with qtbot.waitSignal(worker.succeeded, timeout=5000) as blocker:
        worker.run(job)
        assert worker.busy
    assert blocker.args[0] != threading.main_thread().name
    assert progressed == ["halfway"]
    assert threads == [threading.main_thread()]
    assert not worker.busy


def test_failure_arrives_as_the_exception(qtbot: QtBot) -> None:
    worker = Worker()

    def job(cancel: threading.Event, report: Any) -> None:
        raise ValueError("no such thing")

    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        worker.run(job)
    assert isinstance(blocker.args[0], ValueError)


def test_cancel_sets_the_event_and_drops_the_late_result(qtbot: QtBot) -> None:
    worker = Worker()
    started, stopped = threading.Event(), threading.Event()
    results: list[Any] = []
    worker.succeeded.connect(results.append)
    worker.failed.connect(results.append)

    def job(cancel: threading.Event, report: Any) -> str:
        started.set()
        cancel.wait(5)
        stopped.set()
        return "too late"

    worker.run(job)
    assert started.wait(5)
    with qtbot.waitSignal(worker.busyChanged, timeout=1000):
        worker.cancel()
    assert stopped.wait(5)
    assert wait_for_jobs()
    qtbot.wait(50)
    assert results == []


def test_a_new_job_replaces_the_running_one(qtbot: QtBot) -> None:
    worker = Worker()
    results: list[Any] = []
    worker.succeeded.connect(results.append)
    release = threading.Event()

    def slow(cancel: threading.Event, report: Any) -> str:
        release.wait(5)
        return "first"

    worker.run(slow)
    with qtbot.waitSignal(worker.succeeded, timeout=5000):
        worker.run(lambda cancel, report: "second")
    release.set()
    assert wait_for_jobs()
    qtbot.wait(50)
    assert results == ["second"]


@pytest.mark.parametrize("outcome", ["result", "error"])
def test_a_job_outliving_its_worker_is_harmless(qtbot: QtBot, outcome: str) -> None:
    worker = Worker()
    release = threading.Event()

    def job(cancel: threading.Event, report: Any) -> str:
        release.wait(5)
        if outcome == "error":
            raise RuntimeError("late")
        return "late"

    worker.run(job)
    worker.deleteLater()
    qtbot.wait(20)
    release.set()
    assert wait_for_jobs()
