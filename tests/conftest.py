"""Shared fixtures: sandboxes over HTTP and HTTPS, and HTTP sessions that trust exactly the sandbox's CA.

The machines this runs on set `REQUESTS_CA_BUNDLE`; a session with `trust_env=False` keeps that variable from
overriding the CA a test chose, so a passing TLS test really proves trust in the sandbox's own CA.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests
from hypothesis import settings

from assistant.sandbox import Sandbox

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# CI replays the same examples every run (a red CI must be reproducible); developers' runs keep exploring.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def session_for(sandbox: Sandbox) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(sandbox.ca_cert) if sandbox.ca_cert else True
    return session


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def tls_sandbox() -> Iterator[Sandbox]:
    with Sandbox(tls=True) as sb:
        yield sb


@pytest.fixture(params=["http", "https"])
def any_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    with Sandbox(tls=request.param == "https") as sb:
        yield sb


@pytest.fixture
def http(any_sandbox: Sandbox) -> Iterator[requests.Session]:
    with session_for(any_sandbox) as session:
        yield session
