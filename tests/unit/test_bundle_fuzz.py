"""Mutated bundles: byte-level and structure-level mutations of valid bundles in every mode.

Reading and importing each must either succeed or raise a BundleError, never anything else; a failure must leave
the config directory and the secret store untouched; and an encrypted bundle whose content changed must never
open. BUNDLE_FUZZ_EXAMPLES sets the number of mutated bundles (default 2000; the release check runs 10000).
scrypt runs at N=2^10, explicitly allowed here, to keep each example around a millisecond.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assistant.bundle import MODES, BundleError, build_bundle, dump_bundle, import_bundle, read_bundle
from assistant.bundle.canonical import canonical_json
from assistant.core.profiles import default_profile
from assistant.core.secrets import MemorySecretStore
from tests.unit.test_bundle_model import FAST_N, PASSPHRASE, connection_for

EXAMPLES = int(os.environ.get("BUNDLE_FUZZ_EXAMPLES", "2000"))
Path_ = tuple[str | int, ...]


@cache
def _originals() -> dict[str, bytes]:
    bundles: dict[str, bytes] = {}
    for mode, method in zip(MODES, ("oauth2", "oauth1-generic", "basic", "pat"), strict=True):
        document = build_bundle(
            connection_for(method), default_profile(), None, mode, PASSPHRASE, scrypt_n=FAST_N, min_scrypt_n=FAST_N
        )
        bundles[mode] = dump_bundle(document)
    return bundles


def _paths(value: Any, prefix: Path_ = ()) -> list[Path_]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "replace"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 16)) :]
    if kind == "truncate":
        return data[:at]
    return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at + draw(st.integers(1, 8)) :]


@st.composite
def structure_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    document = json.loads(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        document = _mutate(document, path, draw)
    indent = draw(st.sampled_from([None, 0, 2]))
    return json.dumps(document, indent=indent, ensure_ascii=draw(st.booleans())).encode()


def _mutate(document: Any, path: Path_, draw: st.DrawFn) -> Any:
    if not path:
        return draw(json_values)
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    current = parent[key]
    kind = draw(st.sampled_from(["replace", "delete", "add", "tweak"]))
    if kind == "delete":
        del parent[key]
    elif kind == "add" and isinstance(current, dict):
        current[draw(st.text(max_size=12))] = draw(json_values)
    elif kind == "add" and isinstance(current, list):
        current.append(draw(json_values))
    elif kind == "tweak" and isinstance(current, str):
        at = draw(st.integers(0, len(current)))
        parent[key] = current[:at] + draw(st.text(min_size=1, max_size=3)) + current[at:]
    elif kind == "tweak" and isinstance(current, int) and not isinstance(current, bool):
        parent[key] = current + draw(st.sampled_from([-1, 1, 2**20, -(2**40)]))
    else:
        parent[key] = draw(json_values)
    return document


@st.composite
def mutated_bundle(draw: st.DrawFn) -> tuple[str, bytes]:
    mode = draw(st.sampled_from(MODES))
    original = _originals()[mode]
    strategy = byte_mutation(original) if draw(st.booleans()) else structure_mutation(original)
    return mode, draw(strategy)


def _state(folder: Path, store: MemorySecretStore) -> tuple[dict[str, bytes], dict[str, str]]:
    files = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    return files, dict(store._values)


def _content(data: bytes) -> bytes | None:
    try:
        return canonical_json(json.loads(data))
    except (ValueError, BundleError, RecursionError):
        return None


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=mutated_bundle())
def test_mutated_bundles_fail_cleanly_and_tampering_is_always_caught(
    case: tuple[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mode, data = case
    folder = tmp_path / "config"
    shutil.rmtree(folder, ignore_errors=True)
    monkeypatch.setenv("JLA_CONFIG_DIR", str(folder))
    store = MemorySecretStore("fuzz")
    existing = connection_for("oauth2")
    for kind, value in copy.deepcopy(dict(existing.secrets)).items():
        store.set(existing.name, kind, value)  # what a keyring bundle refers to
    before = _state(folder, store)
    try:
        opened = read_bundle(data, PASSPHRASE, min_scrypt_n=FAST_N)
        import_bundle(opened, store, name="fuzzed")
    except BundleError as exc:
        event(f"{mode}: {type(exc).__name__}")
        assert _state(folder, store) == before
        return
    event(f"{mode}: imported")
    if mode == "encrypted":
        assert _content(data) == _content(_originals()[mode]), "a changed encrypted bundle opened"
