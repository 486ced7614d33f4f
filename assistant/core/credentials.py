"""Credentials Jira Link Assistant generates or accepts: RSA key pairs, consumer keys, pasted public keys.

Jira's incoming OAuth 1.0a consumer takes an X.509 SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`) or a certificate
and refuses PKCS#1 (`BEGIN RSA PUBLIC KEY`) with a bare "invalid public key". Pasted keys are therefore checked
here first, and each wrong shape gets its own explanation and, where possible, the right shape to paste instead.
A private key never appears in a repr, a message or an exception, even when it is pasted by mistake.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import NoReturn

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

KEY_SIZES = (2048, 3072, 4096)
DEFAULT_KEY_SIZE = 2048
MIN_KEY_SIZE = 2048
CONSUMER_KEY_PREFIX = "jla-"
MAX_KEY_TEXT = 64 * 1024

_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)
_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")
_SSH_RSA = re.compile(r"^\s*(ssh-rsa|ssh-ed25519|ecdsa-sha2-\S+|ssh-dss)\s+[A-Za-z0-9+/=]+")
_OPENSSL_PUBOUT = "openssl pkey -in private.pem -pubout -out public.pem"


class CredentialError(ValueError):
    """A key or passphrase that cannot be used; the message says why and what to do, and holds no secret."""


class KeySizeError(CredentialError):
    pass


class PrivateKeyError(CredentialError):
    pass


@dataclass(frozen=True)
class RsaKeyPair:
    private_key: rsa.RSAPrivateKey = field(repr=False, compare=False)
    public_pem: str
    fingerprint: str
    """SHA-256 of the DER SubjectPublicKeyInfo, colon-separated upper-case hex."""
    bits: int

    def private_pem(self, passphrase: str | bytes | None = None) -> bytes:
        """PKCS#8 PEM; encrypted with the best available cipher when a passphrase is given."""
        encryption: serialization.KeySerializationEncryption = serialization.NoEncryption()
        if passphrase is not None:
            encryption = serialization.BestAvailableEncryption(_passphrase_bytes(passphrase))
        return self.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def generate_rsa_key_pair(bits: int = DEFAULT_KEY_SIZE) -> RsaKeyPair:
    check_key_size(bits)
    return key_pair_from(rsa.generate_private_key(public_exponent=65537, key_size=bits))


def check_key_size(bits: int) -> None:
    """Raises KeySizeError unless `bits` is one of the offered sizes; smaller keys are called out as weak."""
    if isinstance(bits, bool) or bits not in KEY_SIZES:
        offered = ", ".join(str(b) for b in KEY_SIZES)
        if isinstance(bits, int) and not isinstance(bits, bool) and bits < MIN_KEY_SIZE:
            raise KeySizeError(f"{bits}-bit RSA keys are too weak; use at least {MIN_KEY_SIZE} (offered: {offered})")
        raise KeySizeError(f"RSA key size must be one of {offered} bits, not {bits!r}")


def key_pair_from(private_key: rsa.RSAPrivateKey) -> RsaKeyPair:
    """The pair for an existing key (one loaded from disk, say), showing the same fingerprint as when new."""
    public_key = private_key.public_key()
    return RsaKeyPair(
        private_key=private_key,
        public_pem=public_pem(public_key),
        fingerprint=fingerprint(public_key),
        bits=private_key.key_size,
    )


def public_pem(public_key: PublicKeyTypes) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(
        "ascii"
    )


def fingerprint(public_key: PublicKeyTypes) -> str:
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(_spki_der(public_key)).digest())


def new_consumer_key() -> str:
    """An OAuth 1.0a consumer key: an identifier Jira matches on, not a secret.

    Jira accepts any non-empty string; the connector guide asks for 15 or more characters. 16 random bytes
    make it unique across links, URL-safe base64 keeps it safe to paste anywhere.
    """
    return CONSUMER_KEY_PREFIX + secrets.token_urlsafe(16)


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    data = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    if not data:
        raise CredentialError("the passphrase is empty; give one, or leave the key unencrypted")
    return data


# Pasted public keys ---------------------------------------------------------------------------------------


class KeyProblem(enum.StrEnum):
    EMPTY = "empty"
    NOT_PEM = "not-pem"
    TRUNCATED = "truncated"
    BAD_BASE64 = "bad-base64"
    SEVERAL_BLOCKS = "several-blocks"
    PRIVATE_KEY = "private-key"
    CERTIFICATE = "certificate"
    PKCS1 = "pkcs1"
    OPENSSH = "openssh"
    NOT_RSA = "not-rsa"
    TOO_SMALL = "too-small"
    UNSUPPORTED_PEM = "unsupported-pem"


class PublicKeyProblem(CredentialError):
    """A pasted public key that Jira would refuse or that is not what it seems.

    `suggested_pem`, when set, is the `BEGIN PUBLIC KEY` form of the same key, ready to paste instead.
    """

    def __init__(self, kind: KeyProblem, message: str, remedy: str, suggested_pem: str | None = None) -> None:
        super().__init__(f"{message} {remedy}")
        self.kind = kind
        self.message = message
        self.remedy = remedy
        self.suggested_pem = suggested_pem


@dataclass(frozen=True)
class InspectedPublicKey:
    pem: str
    """The key as `BEGIN PUBLIC KEY`, normalised (64-character lines, no stray spaces)."""
    bits: int
    fingerprint: str


def inspect_pasted_public_key(text: str) -> InspectedPublicKey:
    """Accepts an RSA (2048 bits or more) `BEGIN PUBLIC KEY`; raises PublicKeyProblem for anything else."""
    if not text or not text.strip():
        raise PublicKeyProblem(
            KeyProblem.EMPTY, "Nothing was pasted.", "Paste the public key, from BEGIN PUBLIC KEY to END PUBLIC KEY."
        )
    if len(text) > MAX_KEY_TEXT:
        raise PublicKeyProblem(
            KeyProblem.NOT_PEM,
            "The pasted text is far longer than any public key.",
            "Paste only the public key, from BEGIN PUBLIC KEY to END PUBLIC KEY.",
        )
    # A private key anywhere in the paste is named first: that mistake matters more than any other.
    labels = _PEM_BEGIN.findall(text)
    if any("PRIVATE KEY" in label for label in labels):
        _refuse_private_key(text)
    if not labels:
        _refuse_not_pem(text)
    blocks = _PEM_BLOCK.findall(text)
    if not blocks:
        raise PublicKeyProblem(
            KeyProblem.TRUNCATED,
            "The key is cut off: its END line is missing.",
            "Copy the whole key again, including the -----END PUBLIC KEY----- line.",
        )
    if len(blocks) > 1 or len(labels) > 1:
        raise PublicKeyProblem(
            KeyProblem.SEVERAL_BLOCKS,
            f"The pasted text holds {len(labels)} PEM blocks; Jira takes exactly one public key.",
            "Paste only the connector's public key.",
        )
    label, body = blocks[0]
    der = _decode_body(body)
    key = _public_key_from(label, der)
    key = _check_rsa(key)
    if label == "PUBLIC KEY" and _spki_der(key) == der:
        return InspectedPublicKey(pem=public_pem(key), bits=key.key_size, fingerprint=fingerprint(key))
    if label == "CERTIFICATE":
        raise PublicKeyProblem(
            KeyProblem.CERTIFICATE,
            "This is a certificate, not a public key. Jira would accept it, but Jira Link Assistant needs the "
            "key itself to prove the link.",
            "Use the public key taken from the certificate (offered below).",
            public_pem(key),
        )
    raise PublicKeyProblem(
        KeyProblem.PKCS1,
        "This is a PKCS#1 key (RSA PUBLIC KEY form); Jira refuses that form as an invalid public key.",
        "Use the same key in the form Jira wants, BEGIN PUBLIC KEY (offered below).",
        public_pem(key),
    )


def _refuse_private_key(text: str) -> NoReturn:
    """Never echoes the key; derives the public half when the key is not encrypted."""
    suggestion: str | None = None
    derived = _derive_public(text)
    if derived is not None and isinstance(derived, rsa.RSAPublicKey) and derived.key_size >= MIN_KEY_SIZE:
        suggestion = public_pem(derived)
    remedy = (
        "Paste its public part instead (offered below)."
        if suggestion
        else f"Paste its public part instead; `{_OPENSSL_PUBOUT}` writes it."
    )
    raise PublicKeyProblem(
        KeyProblem.PRIVATE_KEY,
        "This is a PRIVATE key. It must stay with the connector and never be pasted into Jira.",
        remedy,
        suggestion,
    )


def _derive_public(text: str) -> PublicKeyTypes | None:
    match = next((m for m in _PEM_BLOCK.finditer(text) if "PRIVATE KEY" in m.group(1)), None)
    if match is None:
        return None
    block = match.group(0).encode("ascii", "ignore")
    private: PrivateKeyTypes
    try:
        if match.group(1) == "OPENSSH PRIVATE KEY":
            private = serialization.load_ssh_private_key(block, password=None)
        else:
            private = serialization.load_pem_private_key(block, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    return private.public_key()


def _refuse_not_pem(text: str) -> NoReturn:
    ssh = _SSH_RSA.match(text)
    if ssh:
        suggestion = None
        try:
            key = serialization.load_ssh_public_key(text.strip().encode("ascii", "ignore"))
        except (ValueError, UnsupportedAlgorithm):
            key = None
        if isinstance(key, rsa.RSAPublicKey) and key.key_size >= MIN_KEY_SIZE:
            suggestion = public_pem(key)
        raise PublicKeyProblem(
            KeyProblem.OPENSSH,
            f"This is an OpenSSH public key ({ssh.group(1)}); Jira wants a PEM public key.",
            "Use the same key as BEGIN PUBLIC KEY (offered below)."
            if suggestion
            else "Jira needs an RSA key of at least 2048 bits as BEGIN PUBLIC KEY.",
            suggestion,
        )
    raise PublicKeyProblem(
        KeyProblem.NOT_PEM,
        "This is not a PEM public key: there is no -----BEGIN PUBLIC KEY----- line.",
        "Paste the whole key, from BEGIN PUBLIC KEY to END PUBLIC KEY.",
    )


def _decode_body(body: str) -> bytes:
    cleaned = "".join(body.split())
    try:
        der = base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        raise PublicKeyProblem(
            KeyProblem.BAD_BASE64,
            "The key's text is damaged: it has characters that do not belong in a key, or some are missing.",
            "Copy the key again from its file, without editing it.",
        ) from None
    if not der:
        raise PublicKeyProblem(
            KeyProblem.TRUNCATED, "The key block is empty.", "Copy the whole key again from its file."
        )
    return der


def _public_key_from(label: str, der: bytes) -> PublicKeyTypes:
    truncated = PublicKeyProblem(
        KeyProblem.TRUNCATED,
        "The key's data is incomplete or damaged, although it looks like a key.",
        "Copy the whole key again from its file, without editing it.",
    )
    try:
        if label in ("PUBLIC KEY", "RSA PUBLIC KEY"):
            return serialization.load_der_public_key(der)
        if label == "CERTIFICATE":
            return x509.load_der_x509_certificate(der).public_key()
    except UnsupportedAlgorithm:
        raise _not_rsa() from None
    except ValueError:
        raise truncated from None
    raise PublicKeyProblem(
        KeyProblem.UNSUPPORTED_PEM,
        f"This is a {label.lower()}, not a public key.",
        "Paste the connector's public key, from BEGIN PUBLIC KEY to END PUBLIC KEY.",
    )


def _not_rsa(algorithm: str = "an algorithm this system cannot read") -> PublicKeyProblem:
    return PublicKeyProblem(
        KeyProblem.NOT_RSA,
        f"This key is not RSA ({algorithm}). Jira signs OAuth 1.0a with RSA-SHA1 only.",
        "Generate an RSA key pair (Jira Link Assistant can make one) and paste its public key.",
    )


def _spki_der(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_rsa(key: PublicKeyTypes) -> rsa.RSAPublicKey:
    if not isinstance(key, rsa.RSAPublicKey):
        raise _not_rsa(_algorithm_name(key))
    if key.key_size < MIN_KEY_SIZE:
        raise PublicKeyProblem(
            KeyProblem.TOO_SMALL,
            f"This RSA key has only {key.key_size} bits; at least {MIN_KEY_SIZE} are needed.",
            "Generate a new key pair of 2048 bits or more and paste its public key.",
        )
    return key


def _algorithm_name(key: PublicKeyTypes) -> str:
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"elliptic-curve ({key.curve.name})"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA"
    return "another algorithm"


# Private keys ---------------------------------------------------------------------------------------------


def load_private_key_pem(data: bytes | str, passphrase: str | bytes | None = None) -> rsa.RSAPrivateKey:
    """Loads the connector's RSA private key, with an error that says what went wrong and holds no key bytes."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not raw.strip():
        raise PrivateKeyError("The private key file is empty.")
    if len(raw) > MAX_KEY_TEXT:
        raise PrivateKeyError("This is not a private key: the file is far larger than any key.")
    if b"PRIVATE KEY-----" not in raw:
        if b"PUBLIC KEY-----" in raw or b"CERTIFICATE-----" in raw:
            raise PrivateKeyError(
                "This is a public key or a certificate; the connector needs the private key (the other file)."
            )
        raise PrivateKeyError("This is not a PEM private key: there is no BEGIN PRIVATE KEY line.")
    encrypted = b"ENCRYPTED PRIVATE KEY-----" in raw or b"Proc-Type: 4,ENCRYPTED" in raw
    secret = _passphrase_bytes(passphrase) if passphrase is not None else None
    try:
        key = serialization.load_pem_private_key(raw, password=secret)
    except TypeError:
        if encrypted:
            raise PrivateKeyError("The private key is encrypted: give its passphrase.") from None
        raise PrivateKeyError(
            "The private key is not encrypted, but a passphrase was given: leave the passphrase empty."
        ) from None
    except UnsupportedAlgorithm:
        raise PrivateKeyError("The private key uses an algorithm this system cannot read.") from None
    except ValueError:
        if encrypted and secret is not None:
            raise PrivateKeyError("Wrong passphrase for this private key.") from None
        raise PrivateKeyError("This is not a usable private key: its data is damaged or incomplete.") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PrivateKeyError("This private key is not RSA; Jira signs OAuth 1.0a with RSA-SHA1 only.")
    if key.key_size < MIN_KEY_SIZE:
        raise PrivateKeyError(f"This RSA key has only {key.key_size} bits; at least {MIN_KEY_SIZE} are needed.")
    return key
