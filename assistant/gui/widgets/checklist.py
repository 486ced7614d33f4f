"""A checklist that fills in row by row: status mark, title, detail and timing for each live check."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from assistant.gui.widgets.basics import wrapped

MARKS = {"pass": ("✔", "#2e7d32"), "warn": ("!", "#ef8f00"), "fail": ("✘", "#c62828"), "skip": ("–", "")}
STATUS_WORDS = {"pass": "passed", "warn": "passed with a warning", "fail": "failed", "skip": "not run"}


class ChecklistRow:
    """One check; its widgets sit in the parent's grid so columns line up across rows."""

    def __init__(self, grid: QGridLayout, row: int, step_id: str) -> None:
        self.step_id = step_id
        self.status = ""
        self.mark = QLabel()
        self.mark.setObjectName(f"check_{step_id}_status")
        self.mark.setMinimumWidth(self.mark.fontMetrics().horizontalAdvance("✔✔"))
        self.title = QLabel()
        self.title.setObjectName(f"check_{step_id}_title")
        self.detail = wrapped(object_name=f"check_{step_id}_detail")
        self.timing = QLabel()
        self.timing.setObjectName(f"check_{step_id}_timing")
        for column, widget in enumerate((self.mark, self.title, self.detail, self.timing)):
            grid.addWidget(widget, row, column)

    def set_result(self, status: str, title: str, detail: str, duration_ms: float) -> None:
        self.status = status
        mark, colour = MARKS[status]
        self.mark.setText(mark)
        self.mark.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")
        self.mark.setAccessibleName(STATUS_WORDS[status])
        self.title.setText(title)
        self.detail.setText(detail)
        self.timing.setText(f"{duration_ms:.0f} ms" if status != "skip" else "")
        self.detail.setAccessibleName(f"{title}: {STATUS_WORDS[status]}. {detail}")


class Checklist(QWidget):
    def __init__(self, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setAccessibleName("Checks")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(2, 1)
        self._grid.setHorizontalSpacing(12)
        self.rows: dict[str, ChecklistRow] = {}

    def clear(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows = {}

    def add(self, step_id: str, status: str, title: str, detail: str, duration_ms: float) -> ChecklistRow:
        row = self.rows.get(step_id) or ChecklistRow(self._grid, len(self.rows), step_id)
        self.rows[step_id] = row
        row.set_result(status, title, detail, duration_ms)
        return row
