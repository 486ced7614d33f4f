"""What reading, opening or importing a bundle can raise: one family, each message naming the problem and field.

A bundle is untrusted input (a customer's file, an attachment from a ticket), so every failure becomes one of
these rather than a traceback. Messages never contain a secret: they are built from field names and non-secret
values only.
"""

from __future__ import annotations


class BundleError(Exception):
    """Base of every bundle failure; `field` is the dotted path of the offending member, when there is one."""

    def __init__(self, problem: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.problem = problem
        self.field = field


class BundleTooLarge(BundleError):
    """Larger than any real bundle; refused before it is parsed."""


class BundleFormatError(BundleError):
    """Not JSON, not a connector bundle, or a member that breaks the schema or the format's rules."""


class BundleVersionError(BundleError):
    """A format version this program cannot read (made by a newer version, or older than any it knows)."""


class BundleIntegrityError(BundleError):
    """The sealed secrets do not open: a wrong passphrase, or the bundle was changed after it was sealed."""


class BundleSecretsError(BundleError):
    """The secrets the bundle refers to are not available here (no passphrase, missing keyring entries)."""


class BundleImportError(BundleError):
    """Importing would clash with what exists, or writing it failed; nothing was left behind."""
