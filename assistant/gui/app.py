"""`main(argv)`: the desktop application around the wizard.

Start-up does only what the first page needs: the keyring, the network and key generation wait for the
worker. `--sandbox` starts the built-in Jira sandbox over HTTPS and fills in its address and CA so every flow
can be tried without a Jira; it stops when the window closes. Logs go to the platform's log directory and pass
the redactor before anything is written.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from assistant import __version__
from assistant.core.redaction import RedactingFilter
from assistant.gui.model import Prefill, WizardContext

if TYPE_CHECKING:
    from assistant.gui.wizard import LinkWizard

APP_NAME = "jira-link-assistant"
log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=APP_NAME, description="The Jira Link Assistant wizard.")
    parser.add_argument("--sandbox", action="store_true", help="start the built-in Jira sandbox and use it")
    parser.add_argument(
        "--color-scheme", choices=("light", "dark"), help="override the platform's light or dark appearance"
    )
    return parser.parse_args(list(argv))


def setup_logging(directory: Path | None = None) -> Path:
    """A rotating log in the platform's log directory; every record is redacted before it is written."""
    folder = directory or Path(platformdirs.user_log_dir(APP_NAME))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "wizard.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("assistant")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def sandbox_prefill(sandbox: object) -> Prefill:
    from assistant.sandbox import Sandbox

    assert isinstance(sandbox, Sandbox)
    admin, service = sandbox.admin, sandbox.service_account
    note = (
        f"Built-in sandbox: Jira {sandbox.jira_version} at {sandbox.base_url} (its CA is filled in on the next "
        f"page). Administrator {admin.username} / {admin.password}; service account {service.username} / "
        f"{service.password}; project {sandbox.project_key}. It stops when this window closes."
    )
    return Prefill(
        base_url=sandbox.base_url, ca_file=str(sandbox.ca_cert or ""), project_key=sandbox.project_key, note=note
    )


def apply_color_scheme(app: QApplication, scheme: str | None) -> None:
    """Qt follows the platform's light or dark setting by itself; this only overrides it when asked.

    Platforms without a theme (a bare X server, say) ignore the request, so the palette is then set directly.
    """
    if scheme is None:
        return
    wanted = Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light
    app.setStyle("Fusion")
    app.styleHints().setColorScheme(wanted)
    if app.styleHints().colorScheme() != wanted:
        app.setPalette(dark_palette() if wanted == Qt.ColorScheme.Dark else app.style().standardPalette())


def dark_palette() -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: "#2b2b2b",
        role.WindowText: "#e6e6e6",
        role.Base: "#1e1e1e",
        role.AlternateBase: "#323232",
        role.ToolTipBase: "#3c3c3c",
        role.ToolTipText: "#e6e6e6",
        role.PlaceholderText: "#8c8c8c",
        role.Text: "#e6e6e6",
        role.Button: "#353535",
        role.ButtonText: "#e6e6e6",
        role.BrightText: "#ff6e6e",
        role.Light: "#4a4a4a",
        role.Midlight: "#404040",
        role.Mid: "#5a5a5a",
        role.Dark: "#1a1a1a",
        role.Shadow: "#000000",
        role.Highlight: "#3d7ad6",
        role.HighlightedText: "#ffffff",
        role.Link: "#7fb2ff",
    }
    for colour_role, colour in colours.items():
        palette.setColor(colour_role, QColor(colour))
    for colour_role in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, colour_role, QColor("#7a7a7a"))
    return palette


def build_window(context: WizardContext) -> LinkWizard:
    """The wizard at its remembered size, ready to show; what start-up costs beyond a bare QWizard is here."""
    from assistant.gui.wizard import LinkWizard

    wizard = LinkWizard(context, deferred=True)
    geometry = QSettings(APP_NAME, "wizard").value("geometry")
    if isinstance(geometry, QByteArray):
        wizard.restoreGeometry(geometry)
    return wizard


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv or [])
    log_path = setup_logging()
    app = QApplication.instance() or QApplication([APP_NAME])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    apply_color_scheme(app, args.color_scheme)
    log.info("wizard %s starting; log at %s", __version__, log_path)

    sandbox = None
    prefill = Prefill()
    if args.sandbox:
        from assistant.sandbox import Sandbox

        sandbox = Sandbox(tls=True).start()
        prefill = sandbox_prefill(sandbox)
        log.info("sandbox running at %s", sandbox.base_url)
    try:
        wizard = build_window(WizardContext(prefill=prefill))
        wizard.show()
        code = app.exec()
        QSettings(APP_NAME, "wizard").setValue("geometry", wizard.saveGeometry())
        wizard.shutdown()
        return code
    finally:
        if sandbox is not None:
            sandbox.stop()
