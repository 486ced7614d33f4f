"""The page every wizard page derives from: observable busy / valid / error, one worker, help, scrolling.

`isComplete()` is `valid and not busy`; whenever either changes the page emits `completeChanged`, so Next is
enabled exactly when the page has what the flow needs. Leaving a page backwards cancels its worker, so a
late answer cannot land on a page the user has left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from assistant.core.flow import PageId
from assistant.gui.model import WizardContext
from assistant.gui.widgets.basics import BusyIndicator
from assistant.gui.widgets.problem import ProblemView
from assistant.gui.worker import Job, Worker

# The file dialogs that open or save connector bundles.
BUNDLE_FILTER = "Connector bundles (*.bundle.json *.json);;All files (*)"


class FlowPage(QWizardPage):
    page_id: PageId
    help_topic: str

    def __init__(self, context: WizardContext, title: str, subtitle: str) -> None:
        super().__init__()
        self.ctx = context
        self.setObjectName(f"{self.help_topic}Page")
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.worker = Worker(self)
        self.worker.busyChanged.connect(self._on_busy_changed)
        self.worker.failed.connect(self._on_failed)
        self.worker.succeeded.connect(self._deliver)
        self._valid = False
        self._on_success: Callable[[Any], None] | None = None
        self.busy_indicator = BusyIndicator(f"{self.help_topic}Busy")
        self.problem = ProblemView(f"{self.help_topic}Problem")

        # The content scrolls, so long click-paths and small screens never clip a control.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName(f"{self.help_topic}Scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(0, 0, 8, 0)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.busy_indicator)
        outer.addWidget(self.problem)

    # Observable state ------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.worker.busy

    @property
    def valid(self) -> bool:
        return self._valid

    def set_valid(self, valid: bool) -> None:
        if valid != self._valid:
            self._valid = valid
            self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._valid and not self.worker.busy

    # Work ------------------------------------------------------------------------------------------------

    def run(self, what: str, job: Job, on_success: Callable[[Any], None]) -> None:
        """Runs `job` on this page's worker; `on_success` gets its result, a failure lands in `problem`."""
        self.problem.clear()
        self._on_success = on_success
        self.busy_indicator.start(what)
        self.worker.run(job)

    def cancel_work(self) -> None:
        self.worker.cancel()

    def _on_busy_changed(self, busy: bool) -> None:
        if not busy:
            self.busy_indicator.stop()
        self.busy_changed(busy)
        self.completeChanged.emit()

    def busy_changed(self, busy: bool) -> None:
        """Pages disable the controls that would start a second job while one runs."""

    def _on_failed(self, error: BaseException) -> None:
        self.problem.show_error(error)
        self.failed(error)

    def failed(self, error: BaseException) -> None:
        """Pages react to a failed job beyond showing it (e.g. offering "Trust a CA file…")."""

    def _deliver(self, result: Any) -> None:
        if self._on_success is not None:
            self._on_success(result)

    def shutdown(self) -> None:
        """The window closes: stop waiting for anything."""
        self.cancel_work()

    def cleanupPage(self) -> None:
        """Back: whatever this page still waits for is abandoned."""
        self.cancel_work()
