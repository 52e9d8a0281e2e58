"""Personal data at rest (R-PD-1): AES-GCM for the value, HMAC-SHA256 for look-ups.

One master key; two subkeys derived from it with HKDF, so the look-up hash
never reveals anything about the encryption key and vice versa.

Key rotation: a ciphertext names the key that made it (version 2: a key id,
derived from the key, not secret). New values use the current key; older
ones decrypt with the retired key they name, kept for that. Version 1
ciphertexts (before key ids) are tried with each key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12
_KID = 8
_V1 = b"\x01"  # nonce + ciphertext, key unnamed
_V2 = b"\x02"  # key id + nonce + ciphertext


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


def data_key_id(master: bytes) -> bytes:
    """Names a key without revealing it (a derived value, not the key's own hash)."""
    return _derive(master, b"sync-service personal data key id")[:_KID]


class _Subkeys:
    def __init__(self, master: bytes) -> None:
        self.aead = AESGCM(_derive(master, b"sync-service personal data encryption"))
        self.mac = _derive(master, b"sync-service personal data lookup")


class PersonalDataCipher:
    def __init__(self, master_key: bytes, retired: Sequence[bytes] = ()) -> None:
        self._current = data_key_id(master_key)
        self._keys = {data_key_id(k): _Subkeys(k) for k in retired}
        self._keys[self._current] = _Subkeys(master_key)

    @property
    def key_id(self) -> str:
        return self._current.hex()

    def encrypt(self, plaintext: str, context: str) -> bytes:
        """`context` (e.g. the application id) is bound as associated data: a
        ciphertext copied onto another row does not decrypt there."""
        return self.encrypt_bytes(plaintext.encode(), context)

    def decrypt(self, blob: bytes, context: str) -> str:
        return self.decrypt_bytes(blob, context).decode()

    def encrypt_bytes(self, data: bytes, context: str) -> bytes:
        """Text or a scanned document (bound to its application and scan id), under the current key."""
        nonce = secrets.token_bytes(_NONCE)
        sealed = self._keys[self._current].aead.encrypt(nonce, data, context.encode())
        return _V2 + self._current + nonce + sealed

    def decrypt_bytes(self, blob: bytes, context: str) -> bytes:
        if blob[:1] == _V2:
            kid, nonce, body = blob[1 : 1 + _KID], blob[1 + _KID : 1 + _KID + _NONCE], blob[1 + _KID + _NONCE :]
            keys = self._keys.get(kid)
            if keys is None:
                raise ValueError(f"ciphertext made with key {kid.hex()}, which this service does not hold")
            return keys.aead.decrypt(nonce, body, context.encode())
        if blob[:1] != _V1:
            raise ValueError("unknown ciphertext version")
        nonce, body = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
        for kid in [self._current, *(k for k in self._keys if k != self._current)]:
            try:
                return self._keys[kid].aead.decrypt(nonce, body, context.encode())
            except InvalidTag:
                continue
        raise InvalidTag()

    def lookup_hash(self, value: str) -> str:
        """Deterministic, keyed: equal values find each other, and without the
        key a table of all national IDs (only ~10^9) cannot be matched against it."""
        return self._mac(self._keys[self._current].mac, value)

    def lookup_hashes(self, value: str) -> list[str]:
        """The value's look-up hash under every key held: rows written before a
        rotation are still found."""
        return [self._mac(k.mac, value) for k in self._keys.values()]

    @staticmethod
    def _mac(key: bytes, value: str) -> str:
        return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()
