"""Every interactive control has a stable objectName and an accessible name, and the names are documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assistant.core.methods import MethodId
from tests.gui.driving import make_wizard

AUTOMATION_DOC = Path(__file__).resolve().parents[2] / "docs" / "automation.md"
INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextBrowser, QAbstractItemView)


def _interactive(root: QWidget) -> list[QWidget]:
    found: list[QWidget] = []
    for kind in INTERACTIVE:
        found += [w for w in root.findChildren(kind) if not _internal(w)]
    return found


def _internal(widget: QWidget) -> bool:
    """Parts Qt builds inside a compound control: a combo box's line edit and list, a spin box's editor, a header."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return widget.objectName().startswith("qt_")


def test_every_control_is_named_and_documented(qtbot: QtBot, start_sandbox: Any) -> None:
    wizard, _ = make_wizard(qtbot, start_sandbox())
    documented = set(re.findall(r"^\| `([^`]+)` \|", AUTOMATION_DOC.read_text(encoding="utf-8"), re.MULTILINE))
    controls = _interactive(wizard)
    assert len(controls) > 60
    missing_names = [w for w in controls if not w.objectName()]
    assert not missing_names, [type(w).__name__ + ":" + w.accessibleName() for w in missing_names]
    unlabelled = [w.objectName() for w in controls if not w.accessibleName()]
    assert not unlabelled
    names = {w.objectName() for w in controls}
    # Copy fields are generated per click-path value; the document lists their pattern.
    dynamic = {n for n in names if n.endswith("ClickPath") or "ClickPath" in n}
    assert names - dynamic <= documented, sorted(names - dynamic - documented)
    assert documented - names <= {f"method_{m.value}" for m in MethodId} | {"helpText", "helpClose"}
    assert {"exportSave", "diagnosticsChecks", "importRun", "validateDiagnose"} <= names


def test_page_ids_and_help_topics_are_unique(qtbot: QtBot, start_sandbox: Any) -> None:
    wizard, _ = make_wizard(qtbot, start_sandbox())
    topics = [page.help_topic for page in wizard.flow_pages.values()]
    assert len(set(topics)) == len(topics)
    assert len({page.objectName() for page in wizard.flow_pages.values()}) == len(topics)
