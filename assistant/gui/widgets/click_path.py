"""The admin's click-path as numbered steps, each value to paste shown read-only with its own Copy button."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from assistant.core.click_paths import Step
from assistant.gui.widgets.basics import CopyField, wrapped


def _slug(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "".join(w.capitalize() for w in words) or "Value"


class ClickPathView(QWidget):
    """Rebuilt whenever a value in it changes; `fields` maps copy labels (e.g. "Redirect URL") to their fields."""

    def __init__(self, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setAccessibleName("Steps in Jira")
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setColumnStretch(1, 1)
        self._layout.setVerticalSpacing(6)
        self.fields: dict[str, CopyField] = {}

    def set_steps(self, steps: list[Step]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.fields = {}
        row = 0
        for number, step in enumerate(steps, start=1):
            self._layout.addWidget(QLabel(f"{number}."), row, 0)
            self._layout.addWidget(wrapped(step.text), row, 1)
            row += 1
            if step.copy:
                label = step.copy_label or "Value"
                multiline = "\n" in step.copy.strip()
                field = CopyField(f"{self.objectName()}{_slug(label)}", label, step.copy, multiline=multiline)
                self._layout.addWidget(field, row, 1)
                self.fields[label] = field
                row += 1
