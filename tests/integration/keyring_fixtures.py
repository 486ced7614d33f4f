"""A real Secret Service for tests: gnome-keyring on a private D-Bus session bus, in a throw-away home.

The bus has no service directories, so nothing is started by D-Bus activation behind the fixture's back: the
keyring answering is the one started here, unlocked with a password on its standard input, and a prompt
(which would need a display) fails at once instead of waiting.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
import secretstorage

APT_LINE = "apt-get update -qq && apt-get install -y -qq --no-install-recommends gnome-keyring dbus-daemon dbus-bin"
KEYRING_PASSWORD = b"fixture keyring password"
_BINARIES = ("dbus-daemon", "gnome-keyring-daemon")

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass(frozen=True)
class SecretService:
    bus_address: str
    home: Path

    def stored(self, attributes: dict[str, str]) -> list[tuple[dict[str, str], str]]:
        """Attributes and secret of the matching items, asked of the Secret Service directly, not via keyring."""
        connection = secretstorage.dbus_init()
        try:
            collection = secretstorage.get_default_collection(connection)
            return [(item.get_attributes(), item.get_secret().decode()) for item in collection.search_items(attributes)]
        finally:
            connection.close()


def _require_binaries() -> None:
    missing = [name for name in _BINARIES if shutil.which(name) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed; install with: {APT_LINE}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdout is not None:
        process.stdout.close()
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _wait_until_answering(daemon: subprocess.Popen[bytes], log: Path, budget: float = 15.0) -> None:
    deadline = time.monotonic() + budget
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            pytest.fail(f"gnome-keyring-daemon exited with {daemon.returncode}: {log.read_text()[-2000:]}")
        try:
            connection = secretstorage.dbus_init()
            try:
                # Asking for the name's owner first: a call to an unowned name is what triggers activation.
                if secretstorage.check_service_availability(connection):
                    if not secretstorage.get_default_collection(connection).is_locked():
                        return
                    last_error = "the default collection is locked"
            finally:
                connection.close()
        except secretstorage.exceptions.SecretStorageException as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        time.sleep(0.05)
    pytest.fail(f"the Secret Service did not answer within {budget:.0f} s ({last_error}): {log.read_text()[-2000:]}")


@pytest.fixture(scope="module", name="secret_service")
def secret_service_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    """gnome-keyring's Secret Service on a private bus; `DBUS_SESSION_BUS_ADDRESS` points at it meanwhile."""
    _require_binaries()
    root = tmp_path_factory.mktemp("secret-service")
    home, runtime = root / "home", root / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    config = root / "bus.conf"
    config.write_text(_BUS_CONFIG)
    log = root / "daemons.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    with log.open("wb") as log_file:
        bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--print-address=1", "--nofork"],
            stdout=subprocess.PIPE,
            stderr=log_file,
            env=env,
        )
        try:
            assert bus.stdout is not None
            address = bus.stdout.readline().decode().strip()
            if not address:
                pytest.fail(f"dbus-daemon printed no address: {log.read_text()[-2000:]}")
            env["DBUS_SESSION_BUS_ADDRESS"] = address
            daemon = subprocess.Popen(
                ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--foreground"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
                env=env,
            )
            try:
                assert daemon.stdin is not None
                daemon.stdin.write(KEYRING_PASSWORD)
                daemon.stdin.close()
                with pytest.MonkeyPatch.context() as patch:
                    patch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
                    _wait_until_answering(daemon, log)
                    yield SecretService(address, home)
            finally:
                _stop(daemon)
        finally:
            _stop(bus)


@pytest.fixture(name="restore_keyring")
def restore_keyring_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """Puts keyring's process-wide backend back after a test that replaced it, exactly as it was: reading it
    through `keyring.get_keyring()` would start a discovery (and pick this fixture's short-lived bus)."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
