"""The loopback receiver, driven by real HTTP requests as a browser sends them."""

from __future__ import annotations

import socket
import threading

import pytest
import requests

from assistant.jira.loopback import LoopbackError, LoopbackReceiver


def _get(url: str) -> requests.Response:
    with requests.Session() as browser:
        browser.trust_env = False
        return browser.get(url, timeout=5)


def test_one_matching_callback_is_taken_and_the_listener_closes() -> None:
    receiver = LoopbackReceiver(0, expected={"state": "expected-state"}).start()
    port = receiver.port
    wrong = _get(f"http://127.0.0.1:{port}/callback?code=c&state=other")
    assert wrong.status_code == 400
    assert _get(f"http://127.0.0.1:{port}/elsewhere").status_code == 404
    right = _get(f"http://127.0.0.1:{port}/callback?code=the-code&state=expected-state")
    assert right.status_code == 200
    assert "the-code" not in right.text
    assert right.headers["Cache-Control"] == "no-store"
    callback = receiver.wait(timeout=5)
    assert callback.params["code"] == "the-code"
    assert "the-code" not in repr(callback)
    with pytest.raises(requests.ConnectionError):
        _get(f"http://127.0.0.1:{port}/callback?code=again&state=expected-state")


def test_listens_on_ipv6_loopback_too() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    receiver = LoopbackReceiver(0, expected={"state": "s"}).start()
    try:
        answer = _get(f"http://[::1]:{receiver.port}/callback?code=c&state=s")
    except requests.ConnectionError:
        receiver.close()
        pytest.skip("::1 is not configured here")
    assert answer.status_code == 200
    assert receiver.wait(timeout=5).params["code"] == "c"


def test_listens_on_loopback_only() -> None:
    receiver = LoopbackReceiver(0).start()
    try:
        bound = {server.server_address[0] for server in receiver._servers}
    finally:
        receiver.close()
    assert bound <= {"127.0.0.1", "::1"}


def test_an_error_callback_ends_the_wait() -> None:
    receiver = LoopbackReceiver(0, expected={"state": "s"}).start()
    _get(f"http://localhost:{receiver.port}/callback?error=access_denied&state=s")
    assert receiver.wait(timeout=5).params["error"] == "access_denied"


def test_cancel_and_timeout_stop_waiting() -> None:
    cancel = threading.Event()
    receiver = LoopbackReceiver(0).start()
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(LoopbackError, match="cancelled"):
        receiver.wait(timeout=10, cancel=cancel)
    with pytest.raises(LoopbackError, match="no redirect arrived"):
        LoopbackReceiver(0).start().wait(timeout=0.3)


def test_redirect_uri_names_localhost_and_the_port() -> None:
    receiver = LoopbackReceiver(0, path="/oauth/done").start()
    try:
        assert receiver.redirect_uri == f"http://localhost:{receiver.port}/oauth/done"
    finally:
        receiver.close()
