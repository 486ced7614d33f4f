"""The diagnosis as a live list: one row per check as it lands, each expandable to its finding and evidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from assistant.gui.widgets.checklist import MARKS, STATUS_WORDS

if TYPE_CHECKING:
    from assistant.diagnostics.model import CheckResult


def _evidence_lines(item: Mapping[str, Any]) -> list[str]:
    from assistant.diagnostics.render import evidence_lines

    return list(evidence_lines(item))


class CheckTree(QTreeWidget):
    """Columns: mark, check, what it found, time. Children hold the finding, the remedy and the evidence."""

    def __init__(self, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setAccessibleName("Diagnostic checks")
        self.setColumnCount(4)
        self.setHeaderLabels(["", "Check", "Result", "Time"])
        self.setRootIsDecorated(True)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.setColumnWidth(1, 280)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        self.results: list[CheckResult] = []

    def clear_results(self) -> None:
        self.clear()
        self.results = []

    def add(self, result: CheckResult) -> QTreeWidgetItem:
        self.results.append(result)
        mark, colour = MARKS[result.status]
        timing = f"{result.duration_ms:.0f} ms" if result.status != "skip" else ""
        detail = f"{result.code}: {result.detail}" if result.code else result.detail
        row = QTreeWidgetItem([mark, result.title, detail, timing])
        row.setData(0, Qt.ItemDataRole.UserRole, result.id)  # the check id, for automation
        row.setToolTip(2, detail)
        if colour:
            row.setForeground(0, QColor(colour))
        font = row.font(0)
        font.setBold(True)
        row.setFont(0, font)
        for column, text in enumerate((STATUS_WORDS[result.status], result.title, detail, timing)):
            row.setData(column, Qt.ItemDataRole.AccessibleTextRole, text)
        self.addTopLevelItem(row)
        self._children(row, result)
        if result.status == "fail":
            row.setExpanded(True)
        self.scrollToItem(row)
        return row

    def _children(self, row: QTreeWidgetItem, result: CheckResult) -> None:
        fixed = QFont("monospace")
        fixed.setStyleHint(QFont.StyleHint.TypeWriter)
        if result.remedy:
            child = QTreeWidgetItem(["", "What to do", result.remedy])
            child.setToolTip(2, result.remedy)
            row.addChild(child)
        for number, item in enumerate(result.evidence, start=1):
            heading = QTreeWidgetItem(["", f"Evidence {number}", ""])
            row.addChild(heading)
            for line in _evidence_lines(item):
                leaf = QTreeWidgetItem(["", "", line])
                leaf.setFont(2, fixed)
                heading.addChild(leaf)
            heading.setExpanded(False)  # evidence is long: one click away, so the list of checks stays in view

    def row_for(self, check_id: str) -> QTreeWidgetItem | None:
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == check_id:
                return item
        return None
