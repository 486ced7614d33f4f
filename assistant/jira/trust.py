"""The operating system's trust store as an `ssl.SSLContext`, built once per session.

On macOS and Windows `truststore` hands verification to the platform's own verifier, which is what makes a
company CA installed by IT work without a CA file. On Linux there is no platform verifier: `truststore`
loads OpenSSL's default CA locations (or, when those are empty, a distribution's bundle) — but again for every
connection, which costs ~17 ms per TLS handshake. Here the same locations are loaded once, when the context
is made, so the trust is identical and the cost is paid once per session.
"""

from __future__ import annotations

import os
import re
import ssl
import sys

import truststore

# The bundles distributions ship, for Pythons whose OpenSSL looks elsewhere (the same list truststore uses).
_DISTRIBUTION_BUNDLES = (
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/ca-bundle.pem",
)
_HASHED_NAME = re.compile(r"^[0-9a-fA-F]{8}\.[0-9]$")


def os_trust_context() -> ssl.SSLContext:
    """A client context that verifies certificates and host names against the OS store, and nothing else."""
    if sys.platform in ("darwin", "win32"):
        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    defaults = ssl.get_default_verify_paths()
    if defaults.cafile or (defaults.capath and _holds_certificates(defaults.capath)):
        context.set_default_verify_paths()
        return context
    for bundle in _DISTRIBUTION_BUNDLES:
        if os.path.isfile(bundle):
            context.load_verify_locations(cafile=bundle)
            break
    return context


def _holds_certificates(directory: str) -> bool:
    return os.path.isdir(directory) and any(_HASHED_NAME.match(name) for name in os.listdir(directory))
