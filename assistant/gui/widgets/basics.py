"""Naming and the small building blocks every page uses: a copyable value, a busy indicator, a form label.

Every interactive control gets a stable objectName (tests and automation find it by that; see
docs/automation.md) and an accessible name (what a screen reader announces), set in one call so neither is
forgotten.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible_name: str, description: str = "") -> W:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    if description:
        widget.setAccessibleDescription(description)
        widget.setToolTip(description)
    return widget


def wrapped(text: str = "", object_name: str = "") -> QLabel:
    """A label that wraps and whose text can be selected with the mouse or keyboard (to quote it)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if object_name:
        label.setObjectName(object_name)
    return label


def buddy(text: str, widget: QWidget) -> QLabel:
    """A form label with a mnemonic (`&`) that moves the focus to `widget`."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class CopyField(QWidget):
    """A value the admin must paste into Jira: read-only (no stray edits), with a Copy button beside it."""

    copied = Signal(str)

    def __init__(self, object_name: str, label: str, value: str = "", multiline: bool = False) -> None:
        super().__init__()
        self.setObjectName(f"{object_name}Row")
        self._multiline = multiline
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit: QLineEdit | QPlainTextEdit
        if multiline:
            text = QPlainTextEdit()
            text.setReadOnly(True)
            text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            text.setTabChangesFocus(True)
            text.setFixedHeight(text.fontMetrics().lineSpacing() * 6 + 12)
            self.edit = text
        else:
            line = QLineEdit()
            line.setReadOnly(True)
            self.edit = line
        named(self.edit, object_name, label)
        self.button = named(QPushButton("Copy"), f"{object_name}Copy", f"Copy {label}")
        self.button.clicked.connect(self.copy)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        self.set_value(value)

    def value(self) -> str:
        return self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()

    def set_value(self, value: str) -> None:
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.setPlainText(value)
        else:
            self.edit.setText(value)
            self.edit.setCursorPosition(0)
        self.button.setEnabled(bool(value))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.value())
        self.button.setText("Copied")
        self.copied.emit(self.value())


class BusyIndicator(QWidget):
    """An indeterminate bar with a line saying what is being waited for; hidden when idle."""

    def __init__(self, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setMaximumWidth(120)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Working")
        self.label = QLabel()
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        self.hide()

    def start(self, what: str) -> None:
        self.label.setText(what)
        self.bar.setAccessibleDescription(what)
        self.show()

    def stop(self) -> None:
        self.hide()
