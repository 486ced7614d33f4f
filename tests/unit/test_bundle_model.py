"""Canonical JSON, strict parsing and the method tables; also the connections the other bundle tests share.

Every secret value below is unique and recognisable, so a leak test can search any output for all of them.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from assistant.bundle import BundleFormatError
from assistant.bundle.canonical import b64decode, b64encode, canonical_json, parse_strict
from assistant.bundle.model import AUTH_FIELDS, REQUIRED_SECRETS, SECRET_KINDS_BY_METHOD, format_time, parse_time
from assistant.bundle.schema import BUNDLE_SCHEMA, schema_text
from assistant.core.connection import SECRET_KINDS, Connection

METHODS = tuple(AUTH_FIELDS)
FAST_N = 2**10
PASSPHRASE = "bundle test passphrase ✓"
EXPIRES = 1_900_000_000.0


@cache
def _key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def secret_value(method: str, kind: str) -> str:
    if kind == "private_key":
        return _key_pair()[0]
    return f"SECRET-{method}-{kind}-7f3a9c"


def connection_for(method: str, *, name: str = "jira-link", base_url: str = "https://jira.example.com") -> Connection:
    """A connection of `method` with every non-secret field the method records and all its secrets."""
    fields: dict[str, object] = {"username": "connector-bot"}
    if method == "pat":
        fields["pat_expires_at"] = EXPIRES
    if method == "oauth2":
        fields.update(
            client_id="a1b2c3d4e5",
            scope="WRITE",
            redirect_uri="http://localhost:8765/callback",
            token_expires_at=EXPIRES,
            refresh_expires_at=EXPIRES + 86400,
        )
    if method.startswith("oauth1"):
        fields.update(
            consumer_key="jla-consumer-1234",
            consumer_name="Ticket connector",
            public_key_pem=_key_pair()[1],
            token_expires_at=EXPIRES,
        )
    connection = Connection(base_url=base_url, method=method, name=name, project_key="OPS", **fields)  # type: ignore[arg-type]
    return connection.with_secrets(**{kind: secret_value(method, kind) for kind in SECRET_KINDS_BY_METHOD[method]})


def all_secret_values() -> list[str]:
    values = {secret_value(m, k) for m in METHODS for k in SECRET_KINDS_BY_METHOD[m]}
    return sorted(values | {PASSPHRASE})


def assert_no_secret(text: str) -> None:
    for value in all_secret_values():
        assert value not in text
    assert "PRIVATE KEY" not in text


# Tests ---------------------------------------------------------------------------------------------------


def test_canonical_form_sorts_keys_and_drops_whitespace() -> None:
    value = {"b": [2, {"y": None, "x": True}], "a": "é\n\u0001"}
    assert canonical_json(value) == '{"a":"é\\n\\u0001","b":[2,{"x":true,"y":null}]}'.encode()


def test_canonical_form_refuses_floats_and_huge_integers() -> None:
    with pytest.raises(BundleFormatError, match="float"):
        canonical_json({"a": 1.5})
    with pytest.raises(BundleFormatError, match="2\\^53"):
        canonical_json({"a": 2**53})


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"a": 1, "a": 2}', "appears twice"),
        (b'{"a": 1.0}', "not an integer"),
        (b'{"a": 1e3}', "not an integer"),
        (b'{"a": NaN}', "not JSON"),
        (b'{"a": "\\ud800"}', "lone surrogate"),
        (b'{"a": ' + b"9" * 5000 + b"}", "too long"),
        (b"[" * 100 + b"]" * 100, "nested deeper"),
        (b"[" * 100_000, "nested deeper"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"a": ', "not valid JSON"),
    ],
)
def test_strict_parsing_refuses_what_parsers_read_differently(data: bytes, problem: str) -> None:
    with pytest.raises(BundleFormatError, match=problem):
        parse_strict(data)


def test_strict_parsing_tolerates_a_byte_order_mark() -> None:
    assert parse_strict(b'\xef\xbb\xbf{"a": [1]}') == {"a": [1]}


def test_base64_must_be_the_canonical_spelling() -> None:
    assert b64decode(b64encode(b"\x00\x01\x02"), "f") == b"\x00\x01\x02"
    with pytest.raises(BundleFormatError, match="canonical"):
        b64decode("AAE=".replace("E=", "F="), "f")  # same bytes, non-zero padding bits
    with pytest.raises(BundleFormatError, match="base64"):
        b64decode("not base64!", "f")


def test_times_are_utc_seconds_in_rfc3339() -> None:
    assert format_time(1_700_000_000.9) == "2023-11-14T22:13:20Z"
    assert parse_time("2023-11-14T22:13:20Z", "t") == 1_700_000_000.0
    with pytest.raises(BundleFormatError, match="t: not a UTC time"):
        parse_time("2023-13-14T22:13:20Z", "t")
    assert dt.datetime.fromtimestamp(parse_time(format_time(EXPIRES), "t"), dt.UTC).year == 2030


def test_tables_and_schema_agree() -> None:
    schema = json.loads(schema_text(BUNDLE_SCHEMA))
    per_method = {
        rule["if"]["properties"]["method"]["const"]: set(rule["then"]["propertyNames"]["enum"]) - {"method"}
        for rule in schema["properties"]["auth"]["allOf"]
    }
    assert per_method == {method: set(fields) for method, fields in AUTH_FIELDS.items()}
    assert schema["properties"]["secrets"]["properties"]["kinds"]["items"]["enum"] == list(SECRET_KINDS)
    assert {kind for kinds in SECRET_KINDS_BY_METHOD.values() for kind in kinds} == set(SECRET_KINDS)
    for method, required in REQUIRED_SECRETS.items():
        assert set(required) <= set(SECRET_KINDS_BY_METHOD[method])
