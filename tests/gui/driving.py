"""Driving the wizard like a user: typing, clicking and waiting on real widgets."""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path
from typing import Any, TypeVar

import requests
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget, QWizard
from pytestqt.qtbot import QtBot

from assistant.core.flow import PageId
from assistant.gui.model import Services, WizardContext
from assistant.gui.pages.base import FlowPage
from assistant.gui.wizard import LinkWizard
from assistant.sandbox import Sandbox

T = TypeVar("T", bound=QObject)
WAIT_MS = 20000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Browser:
    """What the user's browser does with the URL the wizard opens."""

    def __init__(self, ca_cert: Path) -> None:
        self.ca_cert = str(ca_cert)
        self.follow = True
        self.urls: list[str] = []
        self.errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)
        if self.follow:
            thread = threading.Thread(target=self._visit, args=(url,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        session.verify = self.ca_cert
        return session

    def _visit(self, url: str) -> None:
        try:
            with self._session() as browser:
                browser.get(url, allow_redirects=True, timeout=10)
        except BaseException as exc:
            self.errors.append(exc)

    def landing(self, url: str) -> str:
        """The address Jira sends the browser to after Allow, or the code its out-of-band page shows."""
        with self._session() as browser:
            answer = browser.get(url, allow_redirects=False, timeout=10)
        code = re.search(r"class='oauth-verifier'>([^<]+)<", answer.text)
        return code.group(1) if code else answer.headers.get("Location", "")

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=10)
        assert not self.errors


def make_wizard(qtbot: QtBot, sandbox: Sandbox, **services: Any) -> tuple[LinkWizard, Browser]:
    assert sandbox.ca_cert is not None
    browser = Browser(sandbox.ca_cert)
    wizard = LinkWizard(WizardContext(Services(open_browser=browser, redirect_port=free_port(), **services)))
    qtbot.addWidget(wizard, before_close_func=lambda w: w.shutdown())
    wizard.show()
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    return wizard, browser


def child(parent: QWidget, kind: type[T], name: str) -> T:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def scroll_to(widget: QWidget) -> None:
    """What the user does with the scroll bar before clicking something below the fold."""
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget)
            return
        parent = parent.parentWidget()


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled(), f"{button.objectName()} is disabled"
    scroll_to(button)
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QCheckBox, QRadioButton

    # A radio button or check box reacts to clicks on its mark and text, not on the empty width beside them.
    at = QPoint(8, button.height() // 2) if isinstance(button, QRadioButton | QCheckBox) else QPoint()
    mouse_click(qtbot, button, at if not at.isNull() else button.rect().center())


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    scroll_to(edit)
    edit.clear()
    key_clicks(qtbot, edit, text)


def page(wizard: LinkWizard, page_id: PageId) -> Any:
    return wizard.page_for(page_id)


def wait_idle(qtbot: QtBot, flow_page: FlowPage) -> None:
    qtbot.waitUntil(lambda: not flow_page.busy, timeout=WAIT_MS)


def next_page(qtbot: QtBot, wizard: LinkWizard, expected: PageId) -> Any:
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    click(qtbot, button)
    assert wizard.currentId() == expected
    return page(wizard, expected)


def check_jira(qtbot: QtBot, wizard: LinkWizard, sandbox: Sandbox) -> Any:
    jira = next_page(qtbot, wizard, PageId.JIRA)
    type_into(qtbot, child(jira, QLineEdit, "jiraUrl"), sandbox.base_url)
    type_into(qtbot, child(jira, QLineEdit, "caFile"), str(sandbox.ca_cert))
    click(qtbot, child(jira, QAbstractButton, "checkJira"))
    wait_idle(qtbot, jira)
    assert jira.isComplete(), f"{jira.problem.heading.text()} {jira.problem.detail.text()}"
    return jira


def to_method_page(qtbot: QtBot, wizard: LinkWizard, sandbox: Sandbox, method: str) -> Any:
    """Start › Jira (checked) › Service account › Method (chosen) › the method's page (typed loosely)."""
    check_jira(qtbot, wizard, sandbox)
    service = next_page(qtbot, wizard, PageId.SERVICE_ACCOUNT)
    account = child(service, QLineEdit, "serviceAccount")
    assert account.text() == "connector-bot"  # the profile's suggestion
    type_into(qtbot, account, sandbox.service_account.username)
    methods = next_page(qtbot, wizard, PageId.METHOD)
    click(qtbot, child(methods, QAbstractButton, f"method_{method}"))
    target = {
        "oauth2": PageId.OAUTH2,
        "oauth1-atlassian-product": PageId.OAUTH1_ATLASSIAN_PRODUCT,
        "oauth1-generic": PageId.OAUTH1_GENERIC,
        "basic": PageId.BASIC,
        "pat": PageId.PAT,
    }[method]
    return next_page(qtbot, wizard, target)


def validate(qtbot: QtBot, wizard: LinkWizard, project: str, *, write_test: bool = False) -> Any:
    from PySide6.QtWidgets import QCheckBox, QComboBox

    checks = next_page(qtbot, wizard, PageId.VALIDATE)
    combo = child(checks, QComboBox, "validateProject")
    line = combo.lineEdit()
    assert line is not None
    type_into(qtbot, line, project)
    if write_test:
        click(qtbot, child(checks, QCheckBox, "validateWriteTest"))
    click(qtbot, child(checks, QAbstractButton, "validateRun"))
    wait_idle(qtbot, checks)
    return checks


def prove_basic(qtbot: QtBot, wizard: LinkWizard, sandbox: Sandbox) -> Any:
    """The shortest way to a proven link: Basic with the service account's password, then Validate."""
    basic = to_method_page(qtbot, wizard, sandbox, "basic")
    type_into(qtbot, child(basic, QLineEdit, "basicPassword"), sandbox.service_account.password)
    click(qtbot, child(basic, QAbstractButton, "basicCheck"))
    qtbot.waitUntil(basic.isComplete, timeout=WAIT_MS)
    return validate(qtbot, wizard, sandbox.project_key)


def choose_intent(qtbot: QtBot, wizard: LinkWizard, intent: str, expected: PageId) -> Any:
    click(qtbot, child(page(wizard, PageId.START), QAbstractButton, f"intent_{intent}"))
    return next_page(qtbot, wizard, expected)


def texts(widget: QWidget) -> Any:
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


# pytest-qt's methods carry no annotations; these keep the tests type-checked.
def key_clicks(qtbot: QtBot, widget: QWidget, text: str) -> None:
    qtbot.keyClicks(widget, text)  # type: ignore[no-untyped-call]


def key_click(qtbot: QtBot, widget: QWidget, key: Qt.Key) -> None:
    qtbot.keyClick(widget, key)  # type: ignore[no-untyped-call]


def mouse_click(qtbot: QtBot, widget: QWidget, pos: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)  # type: ignore[no-untyped-call]


def is_busy(flow_page: FlowPage) -> bool:
    return flow_page.busy
