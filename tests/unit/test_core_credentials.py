"""Key pairs, consumer keys and pasted keys: the right shapes pass, every wrong one is named, no secret leaks."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from assistant.core.credentials import (
    CredentialError,
    KeyProblem,
    KeySizeError,
    PrivateKeyError,
    PublicKeyProblem,
    RsaKeyPair,
    generate_rsa_key_pair,
    inspect_pasted_public_key,
    key_pair_from,
    load_private_key_pem,
    new_consumer_key,
)

PEM = serialization.Encoding.PEM
SPKI = serialization.PublicFormat.SubjectPublicKeyInfo
PKCS8 = serialization.PrivateFormat.PKCS8
NO_ENCRYPTION = serialization.NoEncryption()


@pytest.fixture(scope="module")
def pair() -> RsaKeyPair:
    return generate_rsa_key_pair()


def body_lines(pem: bytes | str) -> list[str]:
    """The base64 lines of a PEM block: what must never reappear in a message."""
    text = pem.decode() if isinstance(pem, bytes) else pem
    return [line for line in text.splitlines() if line and not line.startswith("-----")]


def leaks(error: BaseException, secret_pem: bytes | str) -> bool:
    shown = " ".join([str(error), repr(error), *(str(a) for a in error.args)])
    return any(line in shown for line in body_lines(secret_pem))


# Generation --------------------------------------------------------------------------------------------


def test_default_pair_is_2048_bit_rsa_with_an_spki_public_key(pair: RsaKeyPair) -> None:
    assert pair.bits == 2048
    assert pair.public_pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert pair.public_pem.rstrip().endswith("-----END PUBLIC KEY-----")
    public = serialization.load_pem_public_key(pair.public_pem.encode())
    assert isinstance(public, rsa.RSAPublicKey)
    assert public.public_numbers() == pair.private_key.public_key().public_numbers()
    assert public.public_numbers().e == 65537


def test_fingerprint_is_sha256_of_the_der_spki_as_colon_hex(pair: RsaKeyPair) -> None:
    der = base64.b64decode("".join(body_lines(pair.public_pem)))
    expected = hashlib.sha256(der).hexdigest().upper()
    assert pair.fingerprint == ":".join(expected[i : i + 2] for i in range(0, 64, 2))
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", pair.fingerprint)


@pytest.mark.parametrize("bits", [3072, 4096])
def test_larger_sizes_are_offered(bits: int) -> None:
    assert generate_rsa_key_pair(bits).private_key.key_size == bits


@pytest.mark.parametrize(("bits", "words"), [(1024, "too weak"), (512, "too weak"), (2560, "one of 2048, 3072, 4096")])
def test_other_sizes_are_refused(bits: int, words: str) -> None:
    with pytest.raises(KeySizeError, match=words):
        generate_rsa_key_pair(bits)


def test_sizes_of_the_wrong_type_are_refused() -> None:
    with pytest.raises(KeySizeError):
        generate_rsa_key_pair(8192)
    with pytest.raises(KeySizeError):
        generate_rsa_key_pair(True)


def test_private_pem_is_pkcs8_and_round_trips(pair: RsaKeyPair) -> None:
    pem = pair.private_pem()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    loaded = load_private_key_pem(pem)
    assert loaded.private_numbers() == pair.private_key.private_numbers()


def test_encrypted_private_pem_needs_its_passphrase(pair: RsaKeyPair) -> None:
    pem = pair.private_pem("correct horse battery staple")
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    loaded = load_private_key_pem(pem, "correct horse battery staple")
    assert loaded.private_numbers() == pair.private_key.private_numbers()
    assert load_private_key_pem(pem.decode(), b"correct horse battery staple").key_size == 2048


def test_an_empty_passphrase_is_refused(pair: RsaKeyPair) -> None:
    with pytest.raises(CredentialError, match="passphrase is empty"):
        pair.private_pem("")


def test_the_private_key_never_shows_in_repr_or_str(pair: RsaKeyPair) -> None:
    shown = repr(pair) + str(pair)
    assert "private_key" not in shown
    assert str(pair.private_key.private_numbers().d) not in shown
    assert not any(line in shown for line in body_lines(pair.private_pem()))
    assert pair.fingerprint in shown


def test_a_pair_rebuilt_from_its_private_key_has_the_same_fingerprint(pair: RsaKeyPair) -> None:
    rebuilt = key_pair_from(load_private_key_pem(pair.private_pem()))
    assert rebuilt.fingerprint == pair.fingerprint
    assert rebuilt.public_pem == pair.public_pem


def test_consumer_keys_are_long_url_safe_and_unique() -> None:
    keys = {new_consumer_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert key.startswith("jla-")
        assert len(key) >= 15
        assert re.fullmatch(r"[A-Za-z0-9_-]+", key)


# Pasted public keys ------------------------------------------------------------------------------------


def test_an_spki_public_key_is_accepted_and_normalised(pair: RsaKeyPair) -> None:
    messy = "\r\n  " + pair.public_pem.replace("\n", "\r\n  ") + "\n\n"
    inspected = inspect_pasted_public_key(messy)
    assert inspected.pem == pair.public_pem
    assert inspected.bits == 2048
    assert inspected.fingerprint == pair.fingerprint


def test_a_key_whose_newlines_became_spaces_is_accepted(pair: RsaKeyPair) -> None:
    assert inspect_pasted_public_key(pair.public_pem.replace("\n", " ")).fingerprint == pair.fingerprint


def problem(text: str) -> PublicKeyProblem:
    with pytest.raises(PublicKeyProblem) as caught:
        inspect_pasted_public_key(text)
    error = caught.value
    assert error.message
    assert error.remedy
    assert isinstance(error, ValueError)
    return error


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_input(text: str) -> None:
    assert problem(text).kind is KeyProblem.EMPTY


def test_a_certificate_is_refused_with_its_key_offered(pair: RsaKeyPair) -> None:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "connector")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(pair.private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(pair.private_key, hashes.SHA256())
    )
    error = problem(certificate.public_bytes(PEM).decode())
    assert error.kind is KeyProblem.CERTIFICATE
    assert "Jira would accept it" in error.message
    assert error.suggested_pem == pair.public_pem


def test_a_pkcs1_public_key_is_refused_with_the_spki_form_offered(pair: RsaKeyPair) -> None:
    pkcs1 = pair.private_key.public_key().public_bytes(PEM, serialization.PublicFormat.PKCS1).decode()
    assert pkcs1.startswith("-----BEGIN RSA PUBLIC KEY-----")
    error = problem(pkcs1)
    assert error.kind is KeyProblem.PKCS1
    assert "Jira refuses" in error.message
    assert error.suggested_pem == pair.public_pem


def test_pkcs1_data_under_a_public_key_label_is_named_as_pkcs1(pair: RsaKeyPair) -> None:
    pkcs1 = pair.private_key.public_key().public_bytes(PEM, serialization.PublicFormat.PKCS1).decode()
    relabelled = pkcs1.replace("RSA PUBLIC KEY", "PUBLIC KEY")
    error = problem(relabelled)
    assert error.kind is KeyProblem.PKCS1
    assert error.suggested_pem == pair.public_pem


@pytest.mark.parametrize(
    "private_format", [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL]
)
def test_a_private_key_is_refused_without_being_echoed(
    pair: RsaKeyPair, private_format: serialization.PrivateFormat
) -> None:
    private_pem = pair.private_key.private_bytes(PEM, private_format, NO_ENCRYPTION).decode()
    error = problem(private_pem)
    assert error.kind is KeyProblem.PRIVATE_KEY
    assert "PRIVATE key" in error.message
    assert error.suggested_pem == pair.public_pem
    assert not leaks(error, private_pem)


def test_an_encrypted_private_key_is_refused_and_the_remedy_says_how_to_get_the_public_part(
    pair: RsaKeyPair,
) -> None:
    private_pem = pair.private_pem("hunter22")
    error = problem(private_pem.decode())
    assert error.kind is KeyProblem.PRIVATE_KEY
    assert error.suggested_pem is None
    assert "openssl pkey" in error.remedy
    assert not leaks(error, private_pem)


def test_a_private_key_pasted_together_with_the_public_one_is_still_caught(pair: RsaKeyPair) -> None:
    private_pem = pair.private_pem().decode()
    error = problem(pair.public_pem + private_pem)
    assert error.kind is KeyProblem.PRIVATE_KEY
    assert error.suggested_pem == pair.public_pem
    assert not leaks(error, private_pem)


def test_a_missing_end_line_is_truncation(pair: RsaKeyPair) -> None:
    cut = pair.public_pem[: len(pair.public_pem) // 2]
    assert problem(cut).kind is KeyProblem.TRUNCATED


def test_a_key_cut_inside_its_data_is_truncation(pair: RsaKeyPair) -> None:
    lines = pair.public_pem.splitlines()
    cut = "\n".join([lines[0], *lines[1:3], lines[-1]])
    assert problem(cut).kind is KeyProblem.TRUNCATED


def test_characters_that_are_not_base64(pair: RsaKeyPair) -> None:
    lines = pair.public_pem.splitlines()
    lines[2] = lines[2][:10] + "!*" + lines[2][12:]
    assert problem("\n".join(lines)).kind is KeyProblem.BAD_BASE64


def test_an_ec_key_is_not_rsa() -> None:
    ec_pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(PEM, SPKI).decode()
    error = problem(ec_pem)
    assert error.kind is KeyProblem.NOT_RSA
    assert "elliptic-curve (secp256r1)" in error.message
    assert "RSA-SHA1" in error.message


def test_an_ed25519_key_is_not_rsa() -> None:
    ed_pem = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(PEM, SPKI).decode()
    assert "Ed25519" in problem(ed_pem).message


@pytest.fixture(scope="module")
def small_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (the weak key under test)


def test_an_rsa_key_under_2048_bits_is_refused(small_key: rsa.RSAPrivateKey) -> None:
    error = problem(small_key.public_key().public_bytes(PEM, SPKI).decode())
    assert error.kind is KeyProblem.TOO_SMALL
    assert "only 1024 bits" in error.message


def test_size_is_named_before_form(small_key: rsa.RSAPrivateKey) -> None:
    pkcs1 = small_key.public_key().public_bytes(PEM, serialization.PublicFormat.PKCS1).decode()
    assert problem(pkcs1).kind is KeyProblem.TOO_SMALL


def test_plain_text_is_not_pem() -> None:
    error = problem("my key is in the attachment")
    assert error.kind is KeyProblem.NOT_PEM
    assert "BEGIN PUBLIC KEY" in error.message


def test_an_openssh_public_key_is_refused_with_the_pem_form_offered(pair: RsaKeyPair) -> None:
    openssh = pair.private_key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    error = problem(openssh.decode() + " admin@host\n")
    assert error.kind is KeyProblem.OPENSSH
    assert error.suggested_pem == pair.public_pem


def test_two_keys_at_once(pair: RsaKeyPair) -> None:
    error = problem(pair.public_pem + pair.public_pem)
    assert error.kind is KeyProblem.SEVERAL_BLOCKS
    assert "2 PEM blocks" in error.message


def test_another_kind_of_pem_block(pair: RsaKeyPair) -> None:
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "connector")]))
        .sign(pair.private_key, hashes.SHA256())
    )
    error = problem(request.public_bytes(PEM).decode())
    assert error.kind is KeyProblem.UNSUPPORTED_PEM
    assert "certificate request" in error.message


# Loading a private key ---------------------------------------------------------------------------------


def test_wrong_passphrase(pair: RsaKeyPair) -> None:
    pem = pair.private_pem("the right one")
    with pytest.raises(PrivateKeyError, match="Wrong passphrase") as caught:
        load_private_key_pem(pem, "the wrong one")
    assert "the wrong one" not in str(caught.value)
    assert not leaks(caught.value, pem)


def test_encrypted_key_without_a_passphrase(pair: RsaKeyPair) -> None:
    with pytest.raises(PrivateKeyError, match="encrypted: give its passphrase"):
        load_private_key_pem(pair.private_pem("secret words"))


def test_passphrase_for_an_unencrypted_key(pair: RsaKeyPair) -> None:
    with pytest.raises(PrivateKeyError, match="not encrypted, but a passphrase was given"):
        load_private_key_pem(pair.private_pem(), "surplus")


def test_a_public_key_where_the_private_one_belongs(pair: RsaKeyPair) -> None:
    with pytest.raises(PrivateKeyError, match="public key or a certificate"):
        load_private_key_pem(pair.public_pem)


@pytest.mark.parametrize(("data", "words"), [(b"", "empty"), (b"hello", "no BEGIN PRIVATE KEY line")])
def test_not_a_key(data: bytes, words: str) -> None:
    with pytest.raises(PrivateKeyError, match=words):
        load_private_key_pem(data)


def test_a_damaged_private_key(pair: RsaKeyPair) -> None:
    pem = pair.private_pem().decode()
    lines = pem.splitlines()
    damaged = "\n".join([lines[0], *lines[1:5], lines[-1]])
    with pytest.raises(PrivateKeyError, match="damaged or incomplete") as caught:
        load_private_key_pem(damaged)
    assert not leaks(caught.value, pem)


def test_a_private_key_that_is_not_rsa() -> None:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(PEM, PKCS8, NO_ENCRYPTION)
    with pytest.raises(PrivateKeyError, match="not RSA"):
        load_private_key_pem(pem)


def test_a_small_private_key(small_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(PrivateKeyError, match="only 1024 bits"):
        load_private_key_pem(small_key.private_bytes(PEM, PKCS8, NO_ENCRYPTION))
