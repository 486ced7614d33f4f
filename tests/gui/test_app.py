"""The application around the wizard: `--sandbox` pre-fills, logs are redacted, subcommands stay Qt-free."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from assistant.gui import app

# Run in a child process: once a QApplication's exec() has returned, Qt ends every later event loop at once,
# which would starve the other tests in this process of their signals.
_RUN_WIZARD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from assistant import cli
from assistant.gui.wizard import LinkWizard

qapp = QApplication([])

def inspect_and_close():
    wizard = next(w for w in QApplication.topLevelWidgets() if isinstance(w, LinkWizard))
    if wizard.flow.current.JIRA not in wizard.flow_pages:  # the application adds its later pages in the background
        QTimer.singleShot(100, inspect_and_close)
        return
    jira = wizard.page_for(wizard.flow.current.JIRA)
    print(jira.url.text())
    print(jira.ca_file.text())
    print(wizard.ctx.prefill.note)
    wizard.close()

QTimer.singleShot(500, inspect_and_close)
sys.exit(cli.main(["--sandbox"]))
"""


def test_no_arguments_open_the_wizard_and_sandbox_mode_prefills(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "JLA_CONFIG_DIR": str(tmp_path / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-c", _RUN_WIZARD], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    url, ca_file, note = result.stdout.splitlines()[:3]
    assert url.startswith("https://127.0.0.1:")
    assert ca_file.endswith(".pem")
    assert not Path(ca_file).exists()  # the sandbox stopped with the window and removed its certificates
    assert "jira-link-bot" in note
    log = next((tmp_path / "xdg-state").rglob("wizard.log")).read_text()
    assert "sandbox running at https://127.0.0.1:" in log
    assert (tmp_path / "xdg-config" / "jira-link-assistant" / "wizard.conf").exists()  # the window size


def test_log_records_are_redacted(tmp_path: Path) -> None:
    product = logging.getLogger("assistant")
    level = product.level
    path = app.setup_logging(tmp_path)
    handler = product.handlers[-1]
    try:
        logging.getLogger("assistant.test").warning("token answer: access_token=%s", "s3cr3t-value-123")
    finally:
        product.removeHandler(handler)
        product.setLevel(level)  # the logger is process-wide: leave it as other tests expect it
        handler.close()
    text = path.read_text()
    assert "s3cr3t-value-123" not in text
    assert "access_token=«redacted»" in text


def test_subcommands_never_import_qt() -> None:
    code = "import sys, assistant.cli as c; c.build_parser(); print('PySide6' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False"


def test_the_application_shows_start_first_and_adds_the_other_pages_in_the_background(qtbot) -> None:  # type: ignore[no-untyped-def]
    from assistant.core.flow import PageId
    from assistant.gui.model import Services, WizardContext
    from assistant.gui.pages.start import StartPage

    wizard = app.build_window(WizardContext(Services()))
    qtbot.addWidget(wizard)
    start = wizard.page_for(PageId.START)
    assert isinstance(start, StartPage)
    assert set(wizard.flow_pages) == {PageId.START}
    assert not start.isComplete()  # Next waits for the other pages
    qtbot.waitUntil(lambda: PageId.JIRA in wizard.flow_pages, timeout=20000)
    assert set(wizard.flow_pages) == set(PageId)
    assert not start.waiting_for_pages
