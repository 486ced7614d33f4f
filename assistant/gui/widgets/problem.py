"""Where a page shows what went wrong: the finding code, its title, what happened, why, and what to do.

Text only, selectable, in the palette's own colours (a coloured edge marks the severity), so it reads in light
and dark themes and can be pasted into a ticket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from assistant.core.findings import finding
from assistant.gui.failures import Failure
from assistant.gui.widgets.basics import wrapped

if TYPE_CHECKING:
    from assistant.jira.problems import JiraProblem

_EDGES = {"error": "#c62828", "warning": "#ef8f00", "info": "#1e88e5"}


class ProblemView(QFrame):
    """Hidden until a page has something to say; `show_error` accepts any exception a job raised."""

    def __init__(self, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName(f"{object_name}Heading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.detail = wrapped(object_name=f"{object_name}Detail")
        self.cause = wrapped(object_name=f"{object_name}Cause")
        self.remedy = wrapped(object_name=f"{object_name}Remedy")
        for label in (self.heading, self.detail, self.cause, self.remedy):
            layout.addWidget(label)
        self.code = ""
        self.hide()

    def show_error(self, error: BaseException) -> None:
        # Imported here: the Start page carries a ProblemView, and start-up must not load requests or cryptography.
        from assistant.core.credentials import PublicKeyProblem
        from assistant.jira.problems import JiraProblem

        if isinstance(error, JiraProblem):
            self.show_problem(error)
            return
        if isinstance(error, Failure):
            self._show("error", "", error.title, detail=error.detail, cause="", remedy=error.remedy)
            return
        if isinstance(error, PublicKeyProblem):
            self._show("error", "", "The key cannot be used", detail=error.message, cause="", remedy=error.remedy)
            return
        self._show("error", "", "That did not work", detail=str(error) or type(error).__name__, cause="", remedy="")

    def show_problem(self, problem: JiraProblem, severity: str = "error") -> None:
        info = problem.info
        self._show(severity, problem.code, info.title, detail=problem.detail, cause=info.cause, remedy=info.remedy)

    def show_message(self, severity: str, title: str, text: str, remedy: str = "") -> None:
        self._show(severity, "", title, detail=text, cause="", remedy=remedy)

    def show_finding(self, code: str, detail: str, remedy: str | None, severity: str = "error") -> None:
        """A diagnosis finding: the code's title and cause from the catalogue, the check's own detail and remedy."""
        info = finding(code)
        self._show(severity, code, info.title, detail=detail, cause=info.cause, remedy=remedy or info.remedy)

    def clear(self) -> None:
        self.code = ""
        self.hide()

    def _show(self, severity: str, code: str, title: str, *, detail: str, cause: str, remedy: str) -> None:
        self.code = code
        self.setProperty("severity", severity)
        self.setStyleSheet(
            f"#{self.objectName()} {{ border: 1px solid palette(mid); border-left: 5px solid {_EDGES[severity]}; }}"
        )
        self.heading.setText(f"{code}: {title}" if code else title)
        self.detail.setText(f"What happened: {detail}" if detail else "")
        self.cause.setText(f"Why: {cause}" if cause else "")
        self.remedy.setText(f"What to do: {remedy}" if remedy else "")
        for label in (self.detail, self.cause, self.remedy):
            label.setVisible(bool(label.text()))
        self.setAccessibleName(f"Problem: {title}")
        self.setAccessibleDescription(" ".join(t for t in (detail, cause, remedy) if t))
        self.show()
