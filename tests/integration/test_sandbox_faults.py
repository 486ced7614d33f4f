"""Each fault switch makes the sandbox fail the way a real instance, or what stands in front of it, fails."""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
from collections.abc import Iterator

import pytest
import requests
from werkzeug.http import parse_date

from assistant.sandbox import Sandbox
from tests.conftest import session_for
from tests.integration.sandbox_helpers import API, assert_jira_error_shape, auth

SKEW = dt.timedelta(minutes=10)


@pytest.fixture
def faulty(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, requests.Session]]:
    """A sandbox built from the test's indirect parameter: its `faults` and any other options."""
    options = dict(request.param)
    with Sandbox(**options) as sandbox, session_for(sandbox) as client:
        yield sandbox, client


def with_faults(*faults: str, **options: object) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("faulty", [{"faults": set(faults), **options}], indirect=True, ids=list(faults))


def _jira_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


@with_faults("base-url-mismatch")
def test_base_url_mismatch_advertises_another_url_and_realm(faulty: tuple[Sandbox, requests.Session]) -> None:
    sandbox, client = faulty
    advertised = client.get(f"{sandbox.base_url}{API}/serverInfo").json()["baseUrl"]
    assert advertised != sandbox.base_url
    assert urllib.parse.urlsplit(advertised).hostname != urllib.parse.urlsplit(sandbox.base_url).hostname
    refused = client.get(f"{sandbox.base_url}{API}/myself")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == f'OAuth realm="{urllib.parse.quote(advertised, safe="")}"'


def test_clock_skew_moves_date_header_and_server_time_ten_minutes() -> None:
    for faults, expected in (((), dt.timedelta(0)), (("clock-skew",), SKEW)):
        with Sandbox(faults=set(faults)) as sandbox, session_for(sandbox) as client:
            before = dt.datetime.now(dt.UTC)
            response = client.get(f"{sandbox.base_url}{API}/serverInfo")
        date = parse_date(response.headers["Date"])
        assert date is not None
        server_time = _jira_time(response.json()["serverTime"])
        for observed in (date, server_time):
            assert abs((observed - before) - expected) < dt.timedelta(seconds=30), (faults, observed)


@with_faults("rate-limit")
def test_rate_limit_answers_429_with_retry_after_for_authenticated_calls(
    faulty: tuple[Sandbox, requests.Session],
) -> None:
    sandbox, client = faulty
    limited = client.get(f"{sandbox.base_url}{API}/myself", auth=auth(sandbox.service_account))
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert_jira_error_shape(limited)
    assert client.get(f"{sandbox.base_url}{API}/serverInfo").status_code == 200


@with_faults("maintenance")
def test_maintenance_answers_503_and_status_says_maintenance(
    faulty: tuple[Sandbox, requests.Session],
) -> None:
    sandbox, client = faulty
    status = client.get(f"{sandbox.base_url}/status")
    assert status.status_code == 503
    assert status.json() == {"state": "MAINTENANCE"}
    for path in (f"{API}/serverInfo", f"{API}/myself", "/login.jsp"):
        assert client.get(f"{sandbox.base_url}{path}", auth=auth(sandbox.admin)).status_code == 503, path


@with_faults("server-error")
def test_server_error_answers_500_on_the_rest_api_only(faulty: tuple[Sandbox, requests.Session]) -> None:
    sandbox, client = faulty
    failed = client.get(f"{sandbox.base_url}{API}/serverInfo")
    assert failed.status_code == 500
    assert_jira_error_shape(failed)
    assert client.get(f"{sandbox.base_url}/status").status_code == 200


@with_faults("slow", slow_seconds=0.3)
def test_slow_delays_every_answer(faulty: tuple[Sandbox, requests.Session]) -> None:
    sandbox, client = faulty
    started = time.monotonic()
    response = client.get(f"{sandbox.base_url}/status")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


@with_faults("sso-redirect")
def test_sso_redirect_sends_rest_calls_to_an_html_login_portal(
    faulty: tuple[Sandbox, requests.Session],
) -> None:
    sandbox, client = faulty
    redirected = client.get(
        f"{sandbox.base_url}{API}/myself", auth=auth(sandbox.service_account), allow_redirects=False
    )
    assert redirected.status_code == 302
    location = redirected.headers["Location"]
    assert "RelayState=" in location
    portal = client.get(location)
    assert portal.status_code == 200
    assert portal.headers["Content-Type"].startswith("text/html")
    assert "<form" in portal.text


@with_faults("no-permissions")
def test_no_permissions_refuses_create_and_hides_transitions(
    faulty: tuple[Sandbox, requests.Session],
) -> None:
    sandbox, client = faulty
    payload = {"fields": {"project": {"key": "DEMO"}, "issuetype": {"name": "Task"}, "summary": "Blocked"}}
    refused = client.post(f"{sandbox.base_url}{API}/issue", json=payload, auth=auth(sandbox.service_account))
    assert refused.status_code == 400
    assert "permission" in assert_jira_error_shape(refused)["errors"]["project"]
    created = client.post(f"{sandbox.base_url}{API}/issue", json=payload, auth=auth(sandbox.admin)).json()
    transitions = client.get(
        f"{sandbox.base_url}{API}/issue/{created['key']}/transitions", auth=auth(sandbox.service_account)
    )
    assert transitions.json()["transitions"] == []
