"""One anonymous GET through the diagnosis' session, ended by an overall deadline and a body cap.

`requests`' read timeout counts per socket read, so a server that answers one byte a second never trips it, and
a server that streams gigabytes fills memory unless someone stops reading. The checks must classify such servers
within their budget, so the request runs in a worker thread the check waits for at most until the deadline,
and the body is read one socket read at a time, abandoned past the deadline or the cap.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import requests

from assistant.diagnostics.context import DiagnosticContext
from assistant.jira.problems import Evidence, JiraProblem

BODY_CAP = 256 * 1024
"""Far above any `/status` or `serverInfo` answer; a body beyond it is not Jira's."""
_READ_SIZE = 16 * 1024


@dataclass(frozen=True)
class Answer:
    path: str
    response: requests.Response
    """With `content` holding at most `BODY_CAP` bytes of the body; the connection is already released."""
    truncated: bool
    seconds: float


def fetch(ctx: DiagnosticContext, path: str, deadline: float) -> Answer:
    """GET `{base}/{path}` without following redirects; `HTTP_TIMEOUT` when no whole answer came in time.

    A worker still blocked when the deadline passes is abandoned: it is a daemon thread holding at most the
    cap (or http.client's bounded header buffer), and it ends when the server closes or falls silent for
    longer than the read timeout.
    """
    url = ctx.target().url(path)
    session = ctx.session()
    started = time.monotonic()
    budget = max(deadline - started, 0.01)
    results: list[Answer | BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            response = session.get(url, stream=True, timeout=(budget, budget))
            results.append(_read_bounded(path, response, deadline, started))
        except BaseException as exc:  # handed to the waiting check, which decides what it means
            results.append(exc)
        finally:
            done.set()

    threading.Thread(target=work, name=f"diagnose GET {path}", daemon=True).start()
    if not done.wait(max(deadline - time.monotonic(), 0.0)) or not results:
        raise _timeout(ctx, path, budget)
    result = results[0]
    if isinstance(result, _Late):
        raise _timeout(ctx, path, budget)
    if isinstance(result, BaseException):
        raise result
    return result


class _Late(Exception):
    """The body was still arriving when the deadline passed."""


def _read_bounded(path: str, response: requests.Response, deadline: float, started: float) -> Answer:
    body = bytearray()
    truncated = False
    try:
        while True:
            if time.monotonic() > deadline:
                raise _Late()
            chunk = response.raw.read1(_READ_SIZE, decode_content=True)
            if not chunk:
                break
            body += chunk
            if len(body) > BODY_CAP:
                truncated = True
                break
    finally:
        response.close()
    response._content = bytes(body[:BODY_CAP])  # what `content`, `json_body` and the evidence read
    return Answer(path, response, truncated, time.monotonic() - started)


def _timeout(ctx: DiagnosticContext, path: str, budget: float) -> JiraProblem:
    request = f"GET {ctx.target().url(path)}"
    detail = f"{request}: no complete answer within {budget:.1f} s"
    return JiraProblem("HTTP_TIMEOUT", detail, Evidence(request, f"no complete answer within {budget:.1f} s"))
