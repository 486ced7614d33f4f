"""The test vector and worked examples in docs/bundle-format.md, checked against the code.

The values are parsed out of the document itself, so the specification a third party reads and the product
cannot drift apart: a change to either fails here.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assistant.bundle import BundleIntegrityError, read_bundle
from assistant.bundle.canonical import canonical_json
from assistant.bundle.sealing import ScryptParams, associated_data, derive_key, seal

DOC = Path(__file__).resolve().parents[2] / "docs" / "bundle-format.md"


def _block(name: str) -> str:
    """The fenced block right after `<!-- vector:NAME -->`."""
    match = re.search(rf"<!-- vector:{name} -->\n```[a-z]*\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"docs/bundle-format.md has no vector {name!r}"
    return match.group(1)


def _parameters() -> dict[str, str]:
    lines = _block("parameters").strip().splitlines()
    return dict(line.split(": ", 1) for line in lines)


def test_canonical_example() -> None:
    value = json.loads(_block("canonical-input"))
    assert canonical_json(value) == _block("canonical-output").rstrip("\n").encode("utf-8")


def test_associated_data_is_the_documented_canonical_json() -> None:
    bundle = json.loads(_block("bundle"))
    assert associated_data(bundle) == _block("associated-data").rstrip("\n").encode("utf-8")


def test_key_and_ciphertext_reproduce_from_the_documented_inputs() -> None:
    params, bundle = _parameters(), json.loads(_block("bundle"))
    cost = dict(item.split("=") for item in params["scrypt"].split())
    kdf = bundle["secrets"]["kdf"]
    assert (kdf["n"], kdf["r"], kdf["p"], kdf["length"]) == tuple(int(cost[k]) for k in ("n", "r", "p", "length"))
    salt, nonce = bytes.fromhex(params["salt (hex)"]), bytes.fromhex(params["nonce (hex)"])
    key = derive_key(params["passphrase"], salt, ScryptParams(kdf["n"], kdf["r"], kdf["p"]))
    assert key.hex() == params["key (hex)"]
    plaintext = params["plaintext"].encode("utf-8")
    assert plaintext == canonical_json(json.loads(plaintext))
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, associated_data(bundle))
    assert bundle["secrets"]["ciphertext"] == base64.b64encode(ciphertext).decode()
    resealed = copy.deepcopy(bundle)
    del resealed["secrets"]["ciphertext"]
    seal(resealed, json.loads(plaintext), params["passphrase"])
    assert resealed == bundle


def test_the_documented_bundle_opens_and_resists_tampering() -> None:
    params, text = _parameters(), _block("bundle")
    opened = read_bundle(text.encode("utf-8"), params["passphrase"])
    assert dict(opened.connection.secrets) == json.loads(params["plaintext"])
    assert opened.connection.base_url == "https://jira.example.com"
    with pytest.raises(BundleIntegrityError):
        read_bundle(text.replace('"OPS"', '"OPT"').encode("utf-8"), params["passphrase"])
    with pytest.raises(BundleIntegrityError):
        read_bundle(text.encode("utf-8"), params["passphrase"] + " ")
