"""Personal data at rest (R-PD-1): AES-GCM for the value, HMAC-SHA256 for look-ups.

One master key; two subkeys derived from it with HKDF, so the look-up hash
never reveals anything about the encryption key and vice versa.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12
_VERSION = b"\x01"  # lets a later key rotation tell old ciphertexts apart


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class PersonalDataCipher:
    def __init__(self, master_key: bytes) -> None:
        self._aead = AESGCM(_derive(master_key, b"sync-service personal data encryption"))
        self._mac_key = _derive(master_key, b"sync-service personal data lookup")

    def encrypt(self, plaintext: str, context: str) -> bytes:
        """`context` (e.g. the application id) is bound as associated data: a
        ciphertext copied onto another row does not decrypt there."""
        nonce = secrets.token_bytes(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), context.encode())

    def decrypt(self, blob: bytes, context: str) -> str:
        if blob[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        nonce, body = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
        return self._aead.decrypt(nonce, body, context.encode()).decode()

    def encrypt_bytes(self, data: bytes, context: str) -> bytes:
        """A scanned document, bound to its application and scan id."""
        nonce = secrets.token_bytes(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, data, context.encode())

    def decrypt_bytes(self, blob: bytes, context: str) -> bytes:
        if blob[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        return self._aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], context.encode())

    def lookup_hash(self, value: str) -> str:
        """Deterministic, keyed: equal values find each other, and without the
        key a table of all national IDs (only ~10^9) cannot be matched against it."""
        return hmac.new(self._mac_key, value.strip().upper().encode(), hashlib.sha256).hexdigest()
