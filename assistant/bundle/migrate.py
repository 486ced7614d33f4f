"""Format versions: which ones this program reads, and the chain that lifts an older bundle to the current one.

The version is checked before the schema, because a newer bundle is expected to break this version's schema and
deserves "made by a newer version" rather than a list of unknown members. Each migration lifts version v to
v + 1 and must leave `secrets` untouched: the seal of an encrypted bundle is checked against the document as it
was written, before any migration (see `read_bundle`). Version 1 is the first published format, so the chain is
empty today; `MIGRATIONS` is where version 2 will register how to read version 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import assistant
from assistant.bundle.errors import BundleFormatError, BundleVersionError
from assistant.bundle.model import FORMAT_NAME, FORMAT_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]

OLDEST_READABLE = 1
MIGRATIONS: Mapping[int, Migration] = {}
"""version → function lifting a document of that version to the next one."""


def format_version(document: object) -> int:
    """The bundle's format version, after checking that it is a connector bundle at all."""
    if not isinstance(document, dict):
        raise BundleFormatError("not a connector bundle: the document is not a JSON object")
    header = document.get("format")
    if not isinstance(header, dict) or header.get("name") != FORMAT_NAME:
        raise BundleFormatError(f"not a connector bundle (expected {FORMAT_NAME!r})", "format.name")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleFormatError("must be an integer", "format.version")
    return version


def upgrade(document: dict[str, Any]) -> dict[str, Any]:
    """The document in the current format version, or BundleVersionError saying why it cannot be."""
    version = format_version(document)
    if version > FORMAT_VERSION:
        raise BundleVersionError(
            f"this bundle was made by a newer version of Jira Link Assistant (bundle format {version}); "
            f"version {assistant.__version__} reads formats {OLDEST_READABLE} to {FORMAT_VERSION}: "
            "update Jira Link Assistant to open it",
            "format.version",
        )
    if version < OLDEST_READABLE:
        raise BundleVersionError(
            f"bundle format {version} is older than any this version reads ({OLDEST_READABLE} to {FORMAT_VERSION})",
            "format.version",
        )
    while version < FORMAT_VERSION:
        document = MIGRATIONS[version](document)
        version += 1
        document["format"] = {"name": FORMAT_NAME, "version": version}
    return document
