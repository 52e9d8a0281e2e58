"""Keyed digests of a national ID, as Keycloak keeps it (docs/decisions/0030).

Keycloak stores no national ID: it keeps `HMAC-SHA256(key, fragment)` (lower-case hex) of the
fragments its no-personal-data password policy refuses - the whole ID lower-cased, its digits,
and every run of 6 to 8 of them - in the user attribute `nationalIdDigests`. The key is one file,
Keycloak's vault secret `<realm>_national-id-digest-key` (base64); the service reads the same file.

Same rules as the Java side (`NationalId.fragments`, `NationalIdDigest`); keep them in step.
To ask "does this Keycloak account hold this ID?": `national_id_digest(id, key)` is among the
account's `nationalIdDigests`.
"""

from __future__ import annotations

import hashlib
import hmac
import re

ATTRIBUTE = "nationalIdDigests"
MIN_DIGIT_RUN = 6


def fragments(national_id: str) -> list[str]:
    normalized = re.sub(r"\s", "", national_id).lower()
    digits = re.sub(r"\D", "", normalized)
    if len(digits) < MIN_DIGIT_RUN:
        return []
    out = [normalized, digits]
    for length in range(len(digits) - 1, MIN_DIGIT_RUN - 1, -1):
        out += [digits[i : i + length] for i in range(len(digits) - length + 1)]
    return list(dict.fromkeys(out))


def digest(fragment: str, key: bytes) -> str:
    return hmac.new(key, fragment.encode("utf-8"), hashlib.sha256).hexdigest()


def national_id_digest(national_id: str, key: bytes) -> str:
    """The digest that names the whole ID."""
    return digest(re.sub(r"\s", "", national_id).lower(), key)


def national_id_digests(national_id: str, key: bytes) -> list[str]:
    """Everything Keycloak keeps for one ID."""
    return [digest(f, key) for f in fragments(national_id)]


def holds(attributes: dict[str, list[str]], national_id: str, key: bytes | None) -> bool:
    """Does an account with these attributes hold this ID? (A clear `nationalId` counts too:
    an account written before the digests, or while Keycloak had no key.)"""
    if national_id in attributes.get("nationalId", []):
        return True
    return key is not None and national_id_digest(national_id, key) in attributes.get(ATTRIBUTE, [])
