"""Sealing secrets with a passphrase: scrypt to a 256-bit key, AES-256-GCM bound to the rest of the bundle.

The associated data is the canonical JSON of the whole bundle except `secrets.ciphertext`, so a change to any
other member (the URL, the method, the KDF parameters, the nonce) makes the seal fail to open, just as a change
to the ciphertext does. GCM cannot tell a wrong passphrase from an edited bundle; the message says both.

scrypt parameters are recorded in the bundle and checked before any work: a hostile bundle could otherwise ask
for gigabytes of memory or minutes of CPU on the machine that opens it.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from assistant.bundle.canonical import b64decode, b64encode, canonical_json
from assistant.bundle.errors import BundleFormatError, BundleIntegrityError

DEFAULT_SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_SCRYPT_N = 2**14
"""The weakest seal this program makes or opens; tests lower it explicitly to stay fast."""
MAX_SCRYPT_N = 2**20
MAX_SCRYPT_MEMORY = 1024**3
"""scrypt needs 128·N·r bytes; refused above 1 GiB."""
MAX_SCRYPT_WORK = 2**25
"""N·r·p, proportional to CPU time: 32 times the default (about 10 s on a laptop) at most."""
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
KDF_NAME = "scrypt"
CIPHER_NAME = "AES-256-GCM"


@dataclass(frozen=True)
class ScryptParams:
    n: int = DEFAULT_SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    def check(self, field: str = "secrets.kdf", min_n: int = MIN_SCRYPT_N) -> None:
        """Refuses parameters too weak to protect a secret or too costly to compute safely."""
        n, r, p = self.n, self.r, self.p
        if n < 2 or n & (n - 1):
            raise BundleFormatError(f"scrypt N must be a power of two, not {n}", f"{field}.n")
        if n < min_n:
            raise BundleFormatError(f"scrypt N={n} is weaker than the minimum N={min_n}", f"{field}.n")
        if n > MAX_SCRYPT_N:
            raise BundleFormatError(f"scrypt N={n} exceeds the maximum N={MAX_SCRYPT_N} (2^20)", f"{field}.n")
        if not 1 <= r <= 32 or not 1 <= p <= 16:
            raise BundleFormatError(f"scrypt r={r}, p={p} lie outside r 1-32, p 1-16", field)
        if 128 * n * r > MAX_SCRYPT_MEMORY:
            raise BundleFormatError(f"scrypt N={n}, r={r} would need {128 * n * r // 1024**2} MiB (max 1024)", field)
        if n * r * p > MAX_SCRYPT_WORK:
            raise BundleFormatError(f"scrypt N·r·p = {n * r * p} exceeds the maximum work of {MAX_SCRYPT_WORK}", field)


def passphrase_bytes(passphrase: str) -> bytes:
    """UTF-8 of the NFC form, so the same passphrase typed on two systems gives the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_key(passphrase: str, salt: bytes, params: ScryptParams) -> bytes:
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=params.n, r=params.r, p=params.p)
    return kdf.derive(passphrase_bytes(passphrase))


def associated_data(document: Mapping[str, Any]) -> bytes:
    """Canonical JSON of the bundle with `secrets.ciphertext` removed."""
    copy = dict(document)
    section = copy.get("secrets")
    if isinstance(section, Mapping):
        copy["secrets"] = {key: value for key, value in section.items() if key != "ciphertext"}
    return canonical_json(copy)


def seal_section(
    kinds: list[str],
    params: ScryptParams,
    *,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> dict[str, Any]:
    """The `secrets` member of an encrypted bundle, still without its ciphertext (which depends on the rest)."""
    return {
        "mode": "encrypted",
        "kinds": kinds,
        "kdf": {
            "name": KDF_NAME,
            "salt": b64encode(salt if salt is not None else os.urandom(SALT_BYTES)),
            "n": params.n,
            "r": params.r,
            "p": params.p,
            "length": KEY_BYTES,
        },
        "cipher": {"name": CIPHER_NAME, "nonce": b64encode(nonce if nonce is not None else os.urandom(NONCE_BYTES))},
    }


def seal(document: dict[str, Any], secrets: Mapping[str, str], passphrase: str) -> None:
    """Fills in `secrets.ciphertext` of a document whose `secrets` came from `seal_section`."""
    section = document["secrets"]
    params = ScryptParams(section["kdf"]["n"], section["kdf"]["r"], section["kdf"]["p"])
    key = derive_key(passphrase, b64decode(section["kdf"]["salt"], "secrets.kdf.salt"), params)
    nonce = b64decode(section["cipher"]["nonce"], "secrets.cipher.nonce")
    ciphertext = AESGCM(key).encrypt(nonce, canonical_json(dict(secrets)), associated_data(document))
    section["ciphertext"] = b64encode(ciphertext)


def check_section(section: Mapping[str, Any], min_n: int = MIN_SCRYPT_N) -> tuple[ScryptParams, bytes, bytes, bytes]:
    """Parameters, salt, nonce and ciphertext of a schema-checked section, refused before any costly work."""
    kdf = section["kdf"]
    params = ScryptParams(kdf["n"], kdf["r"], kdf["p"])
    params.check(min_n=min_n)
    salt = b64decode(kdf["salt"], "secrets.kdf.salt")
    if not SALT_BYTES <= len(salt) <= 64:
        raise BundleFormatError(f"the salt must be {SALT_BYTES} to 64 bytes, not {len(salt)}", "secrets.kdf.salt")
    nonce = b64decode(section["cipher"]["nonce"], "secrets.cipher.nonce")
    if len(nonce) != NONCE_BYTES:
        raise BundleFormatError(f"the nonce must be {NONCE_BYTES} bytes, not {len(nonce)}", "secrets.cipher.nonce")
    ciphertext = b64decode(section["ciphertext"], "secrets.ciphertext")
    if len(ciphertext) < TAG_BYTES:
        raise BundleFormatError(f"shorter than the {TAG_BYTES}-byte authentication tag", "secrets.ciphertext")
    return params, salt, nonce, ciphertext


def unseal(document: Mapping[str, Any], passphrase: str, *, min_n: int = MIN_SCRYPT_N) -> dict[str, str]:
    """The secrets of a schema-checked encrypted bundle, as written (before any migration)."""
    params, salt, nonce, ciphertext = check_section(document["secrets"], min_n)
    if not passphrase:
        raise BundleIntegrityError("the passphrase is empty", "secrets")
    key = derive_key(passphrase, salt, params)
    try:
        plaintext = AESGCM(key).decrypt(nonce, ciphertext, associated_data(document))
    except InvalidTag:
        raise BundleIntegrityError(
            "the sealed secrets do not open: the passphrase is wrong, or the bundle was changed after it was sealed",
            "secrets.ciphertext",
        ) from None
    return _sealed_values(plaintext, document["secrets"]["kinds"])


def _sealed_values(plaintext: bytes, kinds: list[str]) -> dict[str, str]:
    """The authenticated plaintext must still be the canonical object the format promises."""
    problem = "the sealed secrets are not a JSON object of the listed kinds"
    try:
        values = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BundleFormatError(problem, "secrets.ciphertext") from None
    if (
        not isinstance(values, dict)
        or set(values) != set(kinds)
        or not all(isinstance(v, str) and v for v in values.values())
    ):
        raise BundleFormatError(problem, "secrets.ciphertext")
    return values
