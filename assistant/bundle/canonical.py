"""Canonical JSON and strict parsing: the bytes the seal is bound to must be reproducible by anyone.

The associated data of the AES-GCM seal is the canonical JSON of the bundle, so a reader in another language
must produce the very same bytes from the parsed document. The rule (also in docs/bundle-format.md):
UTF-8 without BOM; object members sorted by key, comparing code points; no whitespace outside strings; strings
escaped as `json.dumps(ensure_ascii=False)` and ECMAScript's `JSON.stringify` both do (only `"`, `\\` and
U+0000-U+001F are escaped; `\\b \\t \\n \\f \\r` in short form, the others as `\\u00xx` in lower-case hex); numbers
are integers only, in decimal without sign for positives, leading zeros or exponent. For documents that obey
the schema this equals RFC 8785 (JCS): every key is ASCII and every number an integer.

Parsing is strict for the same reason: a duplicate key, a float, NaN, a lone surrogate or an integer beyond
2^53 could be read differently by another parser, which would let two readers see two different bundles
behind one seal.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, NoReturn

from assistant.bundle.errors import BundleFormatError

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 32


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of `value`; refuses anything the rule cannot represent."""
    _check(value, "", 0)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def parse_strict(data: bytes) -> Any:
    """Parses UTF-8 JSON (a leading BOM is tolerated), refusing what another parser could read differently."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleFormatError(f"not UTF-8 text (byte {exc.start})") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BundleFormatError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise BundleFormatError(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        # Our hooks raise BundleFormatError (a ValueError), and Python refuses integers of thousands of digits.
        if isinstance(exc, BundleFormatError):
            raise
        raise BundleFormatError("a number is too long") from None
    _check(value, "", 0)
    return value


def b64encode(data: bytes) -> str:
    """Standard base64 (RFC 4648 section 4) with padding."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, field: str) -> bytes:
    """Decodes standard base64, accepting only the one canonical spelling of each byte string.

    Lenient decoders ignore non-zero padding bits, so two spellings could decode alike and an edited bundle
    would still open; re-encoding and comparing closes that gap.
    """
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BundleFormatError("not standard base64", field) from None
    if b64encode(data) != text:
        raise BundleFormatError("not canonical base64 (padding bits or padding)", field)
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BundleFormatError(f"the key {_short(key)} appears twice in one object")
        result[key] = value
    return result


def _no_float(text: str) -> NoReturn:
    raise BundleFormatError(f"the number {_short(text)} is not an integer; bundles hold integers only")


def _no_constant(text: str) -> NoReturn:
    raise BundleFormatError(f"{text} is not JSON")


def _check(value: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise BundleFormatError(f"nested deeper than {MAX_DEPTH} levels", path or None)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise BundleFormatError("object keys must be text", path or None)
            _check_text(key, path)
            _check(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]", depth + 1)
    elif isinstance(value, str):
        _check_text(value, path)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise BundleFormatError("integers must lie within ±(2^53 - 1)", path or None)
    else:
        raise BundleFormatError(f"{type(value).__name__} values cannot appear in a bundle", path or None)


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BundleFormatError("text contains a lone surrogate (not valid Unicode)", path or None) from None


def _short(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 40 else shown[:37] + "..."
