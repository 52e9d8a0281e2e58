"""Old-system exports for the import tests and the bench (kept outside tests/, which bench/
does not import): valid national IDs (checksum), realistic names, phones, institutions,
and PBKDF2 hashes in the documented format."""

from __future__ import annotations

import base64
import csv
import hashlib
import random
from pathlib import Path

from sync_service.domain.fields import LETTER_VALUES, id_check_digit
from sync_service.domain.legacy import COLUMNS

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴"
GIVEN = "怡君雅婷淑芬美玲志明家豪俊傑宗翰冠宇承恩佳穎欣怡建宏文華秀英惠美麗珍明德國華信宏子涵品妤"
CATEGORIES = ("CRC-COL", "CER-COL", "HPV-COL", "GAS-COL")


def national_id(rng: random.Random) -> str:
    """A 身分證字號 with a correct check digit (docs: /work/shared/notes/taiwan.md)."""
    stem = rng.choice(list(LETTER_VALUES)) + str(rng.choice((1, 2))) + f"{rng.randrange(10**7):07d}"
    return stem + id_check_digit(stem)


def bad_checksum(nid: str) -> str:
    return nid[:-1] + str((int(nid[-1]) + 1) % 10)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2))


def mobile(rng: random.Random) -> str:
    return f"09{rng.randrange(10**8):08d}"


def pbkdf2_hash(
    password: str,
    *,
    algorithm: str = "pbkdf2-sha256",
    iterations: int = 27500,
    salt: bytes | None = None,
    rng: random.Random | None = None,
) -> str:
    """`ALGORITHM$ITERATIONS$SALT$HASH` (base64), as docs/legacy-import.md describes."""
    salt = salt if salt is not None else (rng or random.Random()).randbytes(16)
    digest = {"pbkdf2-sha256": "sha256", "pbkdf2-sha512": "sha512"}[algorithm]
    value = hashlib.pbkdf2_hmac(digest, password.encode("utf-8"), salt, iterations)
    return f"{algorithm}${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(value).decode()}"


def row(
    account: str,
    institution: str,
    *,
    rng: random.Random,
    category: str = "CRC-COL",
    level: str = "user",
    password_hash: str = "",
    **extra,
) -> dict:
    values = {
        "account": account,
        "name": person_name(rng),
        "national_id": national_id(rng),
        "email": f"{account}@clinic{institution[-4:]}.example.tw",
        "phone": mobile(rng),
        "institution_code": institution,
        "institution_name": f"示範診所{institution[-4:]}",
        "category": category,
        "level": level,
        "department": "檢驗科",
        "password_hash": password_hash,
    }
    values.update(extra)
    return values


def write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def generated(
    count: int, institutions: int, *, seed: int = 14, password_hash: str = "", prefix: str = "lg"
) -> list[dict]:
    """`count` accounts, one grant each, over `institutions` institutions: the first account of
    each institution its CRC-COL manager, the others users of one of the four categories."""
    rng = random.Random(seed)
    codes = [f"{rng.randrange(10**10):010d}" for _ in range(institutions)]
    rows = []
    people: set[str] = set()  # one person, one account: at 100,000 random IDs some would repeat
    for i in range(count):
        code = codes[i % institutions]
        first = i < institutions
        nid = national_id(rng)
        while nid in people:
            nid = national_id(rng)
        people.add(nid)
        rows.append(
            row(
                f"{prefix}{i:07d}",
                code,
                rng=rng,
                level="manager" if first else "user",
                category="CRC-COL" if first else rng.choice(CATEGORIES),
                password_hash=password_hash,
                email=f"{prefix}{i:07d}@clinic{code}.example.tw",
                national_id=nid,
            )
        )
    return rows
