"""Reference numbers (申請編號): what an applicant writes down, a reviewer types
from a letter and the forms' QR code carries. They are the applications' ids.

Twelve characters of Crockford's base32 (no I, L, O, U: nothing to misread on
paper), in three groups: 60 random bits, so a reference cannot be guessed, and
a person who types o for 0 or l for 1, in either case, with or without the
dashes, still finds the application.
"""

from __future__ import annotations

import re
import secrets

from .errors import FieldError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_REFERENCE_RE = re.compile(rf"^[{ALPHABET}]{{12}}$")


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def parse_reference(value: object, field: str = "reference") -> str:
    text = re.sub(r"[\s\-‐‑–—_]", "", str(value or "")).upper().translate(_READS_AS)
    if not text:
        raise FieldError(f"{field}.required", field, "請填寫申請編號", "The reference number is required")
    if not _REFERENCE_RE.match(text):
        raise FieldError(
            f"{field}.format",
            field,
            "申請編號應為 12 個英數字，例如 K7Q3-MX9P-2F4D",
            "A reference number has 12 letters and digits, e.g. K7Q3-MX9P-2F4D",
        )
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"
