"""Connector bundles: the finished link as one versioned, schema-checked JSON file another system can import.

The format is specified in docs/bundle-format.md (schema: `assistant/resources/schemas/bundle-v1.schema.json`);
a third party can read it, and decrypt an encrypted one, from that document alone.

The API the CLI and the GUI share (everything that can block — scrypt, file and keyring access — belongs in
the GUI's worker, never on the GUI thread):

- `build_bundle(connection, profile, validation, mode, passphrase=None, *, scrypt_n=None) -> dict`: the
  document, secrets in `mode` ("keyring", "encrypted", "omitted" or "plaintext"); `validation` is a
  `BundleValidation` (`BundleValidation.from_result(chain_result)`) or None. Encrypting costs about 0.3 s.
- `dump_bundle(bundle) -> bytes` and `write_bundle(path, data, mode)`: the file, written atomically; plaintext
  bundles get mode 0600.
- `read_bundle(data, passphrase=None) -> OpenedBundle`: every check (size, JSON, version, schema, semantics,
  seal); without a passphrase an encrypted bundle opens with `secrets_available == False`.
- `secrets_from_store(opened, store) -> Secrets`: a keyring bundle's secrets, all present or an error.
- `import_bundle(opened, store, *, name=None, replace=False) -> Connection`: into the saved connections and the
  secret store, all or nothing.
- `preview(bundle) -> str`: readable, non-secret summary of a built or read bundle (`opened.document`).
- `env_text(connection, *, include_secrets=False) -> str`: the connection as environment variables ("Copy as
  environment variables").

Every failure is a `BundleError` (subclasses: BundleTooLarge, BundleFormatError, BundleVersionError,
BundleIntegrityError, BundleSecretsError, BundleImportError) whose message names the problem and, in `field`,
the member; no message contains a secret.
"""

from assistant.bundle.env_format import env_text
from assistant.bundle.errors import (
    BundleError,
    BundleFormatError,
    BundleImportError,
    BundleIntegrityError,
    BundleSecretsError,
    BundleTooLarge,
    BundleVersionError,
)
from assistant.bundle.export import build_bundle, dump_bundle, write_bundle
from assistant.bundle.importing import import_bundle
from assistant.bundle.model import MODES, BundleValidation, Mode, OpenedBundle
from assistant.bundle.preview import preview
from assistant.bundle.reading import read_bundle, secrets_from_store

__all__ = [
    "MODES",
    "BundleError",
    "BundleFormatError",
    "BundleImportError",
    "BundleIntegrityError",
    "BundleSecretsError",
    "BundleTooLarge",
    "BundleValidation",
    "BundleVersionError",
    "Mode",
    "OpenedBundle",
    "build_bundle",
    "dump_bundle",
    "env_text",
    "import_bundle",
    "preview",
    "read_bundle",
    "secrets_from_store",
    "write_bundle",
]
