"""`python -m assistant.gui.screenshots DIR`: every page of the real wizard, light and dark, as PNG files.

It drives the application as a user would (typing into the same widgets, pressing the same buttons) against
built-in sandboxes: Jira 9.12 for the main path, Jira 8.20 for the Generic-application OAuth 1.0a page, and a
sandbox locked by CAPTCHA for the diagnosis. It needs a display (`make screenshots` runs it under Xvfb), keeps
its settings, log and secrets in a temporary folder, and never touches a real keyring.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 900, 720
_SCHEMES = ("light", "dark")


def _wait(app: Any, done: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the wizard did not get there in time")
        app.processEvents()
        time.sleep(0.01)


class Shooter:
    """Walks wizards through their pages and saves each page as `<topic>-<scheme>.png`."""

    def __init__(self, app: Any, folder: Path, scheme: str, work: Path) -> None:
        self.app = app
        self.folder = folder
        self.scheme = scheme
        self.work = work
        self.saved: list[Path] = []

    @contextmanager
    def wizard(self, sandbox: Any) -> Iterator[Any]:
        from assistant.gui.app import sandbox_prefill
        from assistant.gui.model import WizardContext
        from assistant.gui.wizard import LinkWizard

        wizard = LinkWizard(WizardContext(prefill=sandbox_prefill(sandbox)))
        wizard.resize(WIDTH, HEIGHT)
        wizard.show()
        _wait(self.app, wizard.isVisible)
        try:
            yield wizard
        finally:
            wizard.shutdown()
            wizard.hide()
            wizard.deleteLater()
            self.app.processEvents()

    def shoot(self, wizard: Any, name: str) -> None:
        page = wizard.currentPage()
        _wait(self.app, lambda: not page.busy)
        for _ in range(5):
            self.app.processEvents()
            time.sleep(0.02)
        path = self.folder / f"{name}-{self.scheme}.png"
        image = wizard.grab().toImage()
        if image.width() != WIDTH:
            image = image.scaledToWidth(WIDTH)
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        self.saved.append(path)

    def next(self, wizard: Any, expected: Any) -> Any:
        page = wizard.currentPage()
        _wait(self.app, page.isComplete)
        wizard.next()
        if wizard.currentId() != int(expected):
            raise RuntimeError(f"expected {expected.name}, got page {wizard.currentId()}")
        return wizard.currentPage()

    def back(self, wizard: Any) -> Any:
        wizard.back()
        return wizard.currentPage()

    def click(self, page: Any, name: str) -> None:
        from PySide6.QtWidgets import QAbstractButton

        button = page.findChild(QAbstractButton, name)
        if button is None or not button.isEnabled():
            raise RuntimeError(f"{name} is missing or disabled")
        button.click()
        self.app.processEvents()

    def type(self, page: Any, name: str, text: str) -> None:
        from PySide6.QtWidgets import QLineEdit

        edit = page.findChild(QLineEdit, name)
        if edit is None:
            raise RuntimeError(f"no field {name}")
        edit.clear()
        edit.insert(text)  # as typed: emits textEdited like a keystroke does
        self.app.processEvents()


def scroll_to(widget: Any) -> None:
    """What the user does with the scroll bar to see the results below the form."""
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(widget, 0, 0)


def setup_path(shooter: Shooter, sandbox: Any) -> Path:
    """Start › Jira › Service account › Method › every method page › Validate › Export; returns the bundle."""
    from assistant.core.flow import PageId

    with shooter.wizard(sandbox) as wizard:
        shooter.shoot(wizard, "start")
        jira = shooter.next(wizard, PageId.JIRA)
        shooter.click(jira, "checkJira")
        shooter.shoot(wizard, "jira")
        account = shooter.next(wizard, PageId.SERVICE_ACCOUNT)
        shooter.type(account, "serviceAccount", sandbox.service_account.username)
        shooter.shoot(wizard, "service_account")
        methods = shooter.next(wizard, PageId.METHOD)
        shooter.shoot(wizard, "method")
        shooter.next(wizard, PageId.OAUTH2)
        shooter.shoot(wizard, "oauth2")
        shooter.back(wizard)
        shooter.click(methods, "method_oauth1-atlassian-product")
        shooter.next(wizard, PageId.OAUTH1_ATLASSIAN_PRODUCT)  # it generates its key pair by itself
        shooter.shoot(wizard, "oauth1_atlassian_product")
        shooter.back(wizard)
        shooter.click(methods, "method_pat")
        shooter.next(wizard, PageId.PAT)
        shooter.shoot(wizard, "pat")
        shooter.back(wizard)
        shooter.click(methods, "method_basic")
        basic = shooter.next(wizard, PageId.BASIC)
        shooter.type(basic, "basicPassword", sandbox.service_account.password)
        shooter.click(basic, "basicCheck")
        shooter.shoot(wizard, "basic")
        checks = shooter.next(wizard, PageId.VALIDATE)
        shooter.click(checks, "validateRun")
        shooter.shoot(wizard, "validate")
        export = shooter.next(wizard, PageId.EXPORT)
        _wait(shooter.app, lambda: not export.busy)
        bundle = shooter.work / f"screens-{shooter.scheme}.bundle.json"
        shooter.type(export, "exportPath", str(bundle))
        shooter.type(export, "exportPassphrase", "a passphrase for the screenshots")
        shooter.type(export, "exportPassphraseConfirm", "a passphrase for the screenshots")
        shooter.click(export, "exportSave")
        shooter.shoot(wizard, "export")
    return bundle


def import_path(shooter: Shooter, sandbox: Any, bundle: Path) -> None:
    from assistant.core.flow import PageId

    with shooter.wizard(sandbox) as wizard:
        shooter.click(wizard.currentPage(), "intent_import")
        page = shooter.next(wizard, PageId.IMPORT)
        shooter.type(page, "importPath", str(bundle))
        shooter.type(page, "importPassphrase", "a passphrase for the screenshots")
        shooter.click(page, "importOpen")
        _wait(shooter.app, lambda: not page.busy)
        shooter.type(page, "importName", f"imported-{shooter.scheme}")
        shooter.click(page, "importRun")
        shooter.shoot(wizard, "import")


def diagnosis_path(shooter: Shooter, sandbox: Any) -> None:
    from PySide6.QtWidgets import QComboBox

    from assistant.core.flow import PageId

    with shooter.wizard(sandbox) as wizard:
        shooter.click(wizard.currentPage(), "intent_diagnose")
        page = shooter.next(wizard, PageId.DIAGNOSTICS)
        auth = page.findChild(QComboBox, "diagnoseAuth")
        auth.setCurrentIndex(auth.findData("basic"))
        shooter.type(page, "diagnoseUsername", sandbox.service_account.username)
        shooter.type(page, "diagnoseSecret", sandbox.service_account.password)
        shooter.click(page, "diagnosticsRun")
        _wait(shooter.app, lambda: not page.busy)
        shooter.shoot(wizard, "diagnostics-form")
        scroll_to(page.checks)
        shooter.shoot(wizard, "diagnostics")


def generic_path(shooter: Shooter, sandbox: Any) -> None:
    from assistant.core.flow import PageId

    with shooter.wizard(sandbox) as wizard:
        jira = shooter.next(wizard, PageId.JIRA)
        shooter.click(jira, "checkJira")
        account = shooter.next(wizard, PageId.SERVICE_ACCOUNT)
        shooter.type(account, "serviceAccount", sandbox.service_account.username)
        methods = shooter.next(wizard, PageId.METHOD)
        shooter.click(methods, "method_oauth1-generic")
        shooter.next(wizard, PageId.OAUTH1_GENERIC)
        shooter.shoot(wizard, "oauth1_generic")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0] if args else "docs/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="jla-screens-"))
    os.environ["JLA_CONFIG_DIR"] = str(work / "config")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

    from PySide6.QtWidgets import QApplication

    from assistant.gui.app import APP_NAME, apply_color_scheme
    from assistant.sandbox import Sandbox

    app = QApplication.instance() or QApplication([APP_NAME])
    assert isinstance(app, QApplication)
    app.setApplicationName(f"{APP_NAME}-screenshots")  # its own window settings, not the user's
    saved: list[Path] = []
    for scheme in _SCHEMES:
        apply_color_scheme(app, scheme)
        shooter = Shooter(app, folder, scheme, work)
        main_sandbox = Sandbox(tls=True, auto_approve=True, jira_version="9.12.0").start()
        old_sandbox = Sandbox(tls=True, auto_approve=True, jira_version="8.20.10").start()
        locked = Sandbox(tls=True, auto_approve=True, faults=["captcha"]).start()
        try:
            bundle = setup_path(shooter, main_sandbox)
            import_path(shooter, main_sandbox, bundle)
            diagnosis_path(shooter, locked)
            generic_path(shooter, old_sandbox)
        finally:
            for sandbox in (main_sandbox, old_sandbox, locked):
                sandbox.stop()
        saved += shooter.saved
    sys.stdout.write("".join(f"{path}\n" for path in saved))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
