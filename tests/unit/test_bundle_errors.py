"""Bad input: each gets one clear error naming the problem and the member, and nothing is imported."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.bundle import (
    BundleError,
    BundleFormatError,
    BundleIntegrityError,
    BundleSecretsError,
    BundleTooLarge,
    BundleVersionError,
    build_bundle,
    dump_bundle,
    import_bundle,
    migrate,
    read_bundle,
)
from assistant.bundle.model import MAX_BUNDLE_BYTES, Mode
from assistant.bundle.sealing import seal
from assistant.core import saved
from assistant.core.profiles import default_profile
from assistant.core.secrets import MemorySecretStore
from tests.unit.test_bundle_model import FAST_N, PASSPHRASE, connection_for, secret_value

Document = dict[str, Any]


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JLA_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def _bundle(mode: Mode = "encrypted", method: str = "oauth2") -> Document:
    return build_bundle(
        connection_for(method),
        default_profile(),
        None,
        mode,
        PASSPHRASE,
        scrypt_n=FAST_N,
        min_scrypt_n=FAST_N,
    )


def _read(document: Document | bytes, passphrase: str | None = PASSPHRASE) -> Any:
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return read_bundle(data, passphrase, min_scrypt_n=FAST_N)


def _changed(change: Callable[[Document], None], mode: Mode = "plaintext", method: str = "oauth2") -> Document:
    document = copy.deepcopy(_bundle(mode, method))
    change(document)
    return document


def _resealed(change: Callable[[Document], None]) -> Document:
    """A deliberately changed encrypted bundle, sealed again, so a check other than the seal must catch it."""
    document = _bundle("encrypted")
    change(document)
    del document["secrets"]["ciphertext"]
    seal(document, {"access_token": "x"}, PASSPHRASE)
    return document


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"", BundleFormatError, "not valid JSON"),
        (b'{"format": {"name": "jira-link-assistant.connector-bundle", "vers', BundleFormatError, "not valid JSON"),
        (b"\x89PNG\r\n\x1a\n", BundleFormatError, "not UTF-8"),
        (b"[1, 2]", BundleFormatError, "not a JSON object"),
        (b'{"hello": "world"}', BundleFormatError, "format.name: not a connector bundle"),
        (b" " * (MAX_BUNDLE_BYTES + 1), BundleTooLarge, "above the 1024 KiB"),
    ],
)
def test_files_that_are_not_bundles(data: bytes, kind: type[BundleError], message: str) -> None:
    with pytest.raises(kind, match=message):
        _read(data)


def test_a_truncated_bundle_is_not_json() -> None:
    data = dump_bundle(_bundle())
    for cut in (1, len(data) // 3, len(data) - 3):
        with pytest.raises(BundleFormatError, match="not valid JSON"):
            _read(data[:cut])


def test_a_newer_format_says_so() -> None:
    document = _changed(lambda d: d["format"].update(version=2))
    with pytest.raises(BundleVersionError, match="made by a newer version") as caught:
        _read(document)
    assert caught.value.field == "format.version"


def test_an_older_format_is_migrated(monkeypatch: pytest.MonkeyPatch) -> None:
    def from_zero(document: Document) -> Document:
        document["jira"] = {"base_url": document.pop("jira_url")}
        return document

    monkeypatch.setattr(migrate, "OLDEST_READABLE", 0)
    monkeypatch.setattr(migrate, "MIGRATIONS", {0: from_zero})
    old = _changed(lambda d: d.update(format={**d["format"], "version": 0}, jira_url=d.pop("jira")["base_url"]))
    opened = _read(old)
    assert opened.document["format"]["version"] == 1
    assert opened.connection.base_url == "https://jira.example.com"


def test_a_format_older_than_any_known_is_refused() -> None:
    with pytest.raises(BundleVersionError, match="older than any"):
        _read(_changed(lambda d: d["format"].update(version=0)))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d.pop("auth"), None, "lacks the required member 'auth'"),
        (lambda d: d["auth"].update(client_id="x" * 300), "auth.client_id", "longer than 255"),
        (lambda d: d["auth"].update(scope="read:jira-work"), "auth.scope", "must be one of"),
        (lambda d: d["auth"].update(password="oops"), "auth", "'password', which is not allowed"),
        (lambda d: d["jira"].update(base_url="ftp://jira"), "jira.base_url", "expected form"),
        (lambda d: d["jira"].update(base_url="https://[jira.example.com"), "jira.base_url", "Invalid IPv6"),
        (lambda d: d["jira"].update(extra=1), "jira", "'extra', which this format does not define"),
        (lambda d: d["jira"].update(proxy="http://u:p@proxy:1"), "jira.proxy", "expected form"),
        (lambda d: d.update(created_at="yesterday"), "created_at", "expected form"),
        (lambda d: d.update(created_at="2025-02-30T00:00:00Z"), "created_at", "not a UTC time"),
        (lambda d: d["profile"].update(redirect_urls=["http://127.0.0.1/cb"]), "profile.redirect_urls[0]", "localhost"),
        (lambda d: d["secrets"].update(kinds=["password"]), "secrets.kinds[0]", "no secret 'password'"),
        (lambda d: d["secrets"]["values"].pop("refresh_token"), "secrets.values", "exactly the kinds"),
        (lambda d: d["secrets"]["values"].update(access_token=""), "secrets.values.access_token", "shorter than 1"),
        (lambda d: d["secrets"].update(mode="sealed"), "secrets.mode", "must be one of"),
        (lambda d: d.update(name="../../etc"), "name", "expected form"),
        (lambda d: d["auth"].update(token_expires_at=1700000000), "auth.token_expires_at", "type string"),
    ],
)
def test_schema_and_rule_violations_name_the_member(
    change: Callable[[Document], None], field: str | None, message: str
) -> None:
    with pytest.raises(BundleFormatError, match=message) as caught:
        _read(_changed(change))
    assert caught.value.field == field
    assert secret_value("oauth2", "refresh_token") not in str(caught.value)


def test_an_unreadable_certificate_or_public_key_is_named() -> None:
    bad_ca = "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n"
    with pytest.raises(BundleFormatError) as caught:
        _read(_changed(lambda d: d["jira"].update(ca_certificate_pem=bad_ca)))
    assert caught.value.field == "jira.ca_certificate_pem"
    bad_key = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
    with pytest.raises(BundleFormatError) as caught:
        _read(_changed(lambda d: d["auth"].update(public_key_pem=bad_key), method="oauth1-generic"))
    assert caught.value.field == "auth.public_key_pem"


def test_a_wrong_passphrase_is_refused_without_saying_which_it_was() -> None:
    with pytest.raises(BundleIntegrityError, match="passphrase is wrong, or the bundle was changed"):
        _read(_bundle(), "not the passphrase")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["jira"].update(base_url="https://evil.example.com"),
        lambda d: d["auth"].update(username="someone-else"),
        lambda d: d.update(created_at="2020-01-01T00:00:00Z"),
        lambda d: d["secrets"]["cipher"].update(nonce="AAAAAAAAAAAAAAAA"),
        lambda d: d["secrets"]["kdf"].update(salt="AAAAAAAAAAAAAAAAAAAAAA=="),
        lambda d: d["secrets"]["kdf"].update(n=2**11),
        lambda d: d["secrets"].update(kinds=["access_token", "client_secret"]),
        lambda d: d["secrets"].update(ciphertext=d["secrets"]["ciphertext"][::-1]),
        # Always a different first character: replacing it with a fixed one is a no-op one time in 64.
        lambda d: d["secrets"].update(
            ciphertext=("B" if d["secrets"]["ciphertext"][0] == "A" else "A") + d["secrets"]["ciphertext"][1:]
        ),
    ],
)
def test_tampering_with_any_member_breaks_the_seal(tamper: Callable[[Document], None]) -> None:
    document = _bundle()
    tamper(document)
    with pytest.raises((BundleIntegrityError, BundleFormatError)):
        _read(document)
    assert _read(_bundle()) is not None


@pytest.mark.parametrize(
    ("kdf", "message"),
    [
        ({"n": 2**21}, "secrets.kdf.n: is above 1048576"),
        ({"n": 3000}, "power of two"),
        ({"n": 2**20, "r": 16}, "would need 2048 MiB"),
        ({"n": 2**19, "r": 8, "p": 16}, "maximum work"),
        ({"n": 2**9}, "weaker than the minimum"),
    ],
)
def test_absurd_scrypt_parameters_are_refused_before_any_work(kdf: dict[str, int], message: str) -> None:
    document = _bundle()
    document["secrets"]["kdf"].update(kdf)
    with pytest.raises(BundleFormatError, match=message):
        _read(document)


def test_base64_must_be_canonical_so_an_edit_cannot_slip_past() -> None:
    document = _bundle()
    salt = document["secrets"]["kdf"]["salt"]  # 16 bytes: the last character before "==" has 4 unused bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    document["secrets"]["kdf"]["salt"] = salt[:-3] + alphabet[alphabet.index(salt[-3]) ^ 1] + "=="
    with pytest.raises(BundleFormatError, match=r"secrets\.kdf\.salt"):
        _read(document)


def test_a_sealed_but_wrong_plaintext_is_caught() -> None:
    with pytest.raises(BundleFormatError, match="not a JSON object of the listed kinds"):
        _read(_resealed(lambda d: d["secrets"].update(kinds=["access_token", "refresh_token"])))


def test_missing_keyring_entries_import_nothing(config_dir: Path) -> None:
    store = MemorySecretStore("tests")
    store.set("jira-link", "client_secret", "only-one-of-three")
    opened = _read(_bundle("keyring"))
    with pytest.raises(BundleSecretsError, match="jira-link/access_token is not here") as caught:
        import_bundle(opened, store, name="copy")
    assert "only-one-of-three" not in str(caught.value)
    assert saved.names() == []
    assert store.get("copy", "client_secret") is None


def test_keyring_entries_must_match_their_kinds() -> None:
    def swap(document: Document) -> None:
        entries = document["secrets"]["entries"]
        entries[0]["entry"], entries[1]["entry"] = entries[1]["entry"], entries[0]["entry"]

    with pytest.raises(BundleFormatError) as caught:
        _read(_changed(swap, mode="keyring"))
    assert caught.value.field == "secrets.entries[0]"
