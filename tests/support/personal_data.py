"""A person's personal data for the R-PWD-5 tests, and passwords that hide one piece of it
in an otherwise acceptable password (so only the personal-data rule can refuse it)."""

from __future__ import annotations

import secrets
import string

from sync_service.domain.fields import id_check_digit

_ISSUED: set[str] = set()


def national_id(letter: str | None = None, second: str = "12") -> str:
    """A valid national ID (check digit right) that no other test of this run holds: Keycloak
    refuses a second account with the same person's ID (R-ACC-1), so every test user has its own."""
    while True:
        first = letter or secrets.choice(string.ascii_uppercase)
        stem = f"{first}{secrets.choice(second)}{secrets.randbelow(10**7):07d}"
        value = stem + id_check_digit(stem)
        if value not in _ISSUED:
            _ISSUED.add(value)
            NATIONAL_IDS.add(value)
            return value


_BY_ACCOUNT: dict[str, str] = {}


def national_id_of(account: str) -> str:
    """The national ID of the person who holds, or applies for, this account name in this run:
    fresh the first time, the same ever after, so a user `make_user` made and the forms filed
    for that account name (`tests/support/sync.py` `form`) name one person."""
    key = account.lower()
    if key not in _BY_ACCOUNT:
        _BY_ACCOUNT[key] = national_id()
    return _BY_ACCOUNT[key]


def is_held_by(account: str, value: str) -> None:
    """Record that this account name's person has this national ID (a test that names its own)."""
    _BY_ACCOUNT[account.lower()] = value
    NATIONAL_IDS.add(value)


def person() -> dict:
    """Fresh data: a national ID, a birth date and a mobile number no other test uses."""
    mobile = f"{secrets.randbelow(10**6):06d}"
    data = {
        "nationalId": national_id("F", "2"),
        "birthDate": "1978-04-23",
        "mobile": f"0933-{mobile[:3]}-{mobile[3:]}",
        "landline": "25591969",
    }  # make_user's phone is (02)2559-1969#116
    remember(data)
    return data


def hidden(fragment: str) -> str:
    return f"Qv^Tz{fragment}Lm#"


def bad_passwords(p: dict) -> dict[str, tuple[str, str]]:
    """kind -> (password, the message key Keycloak answers with)."""
    nid, mobile = p["nationalId"], p["mobile"].replace("-", "")
    return {
        "national ID": (hidden(nid), "invalidPasswordPersonalDataNationalIdMessage"),
        "national ID digits": (hidden("x" + nid[1:]), "invalidPasswordPersonalDataNationalIdMessage"),
        "birthday, Western": (hidden("19780423"), "invalidPasswordPersonalDataBirthDateMessage"),
        "birthday, ROC": (hidden("0670423"), "invalidPasswordPersonalDataBirthDateMessage"),
        "birthday, ROC unpadded": (hidden("670423"), "invalidPasswordPersonalDataBirthDateMessage"),
        "mobile": (hidden(mobile), "invalidPasswordPersonalDataPhoneMessage"),
        "landline": (hidden(p["landline"]), "invalidPasswordPersonalDataPhoneMessage"),
    }


# Every national ID and phone number the tests hand to the stack; the log check of the run
# (tests/support/log_check.py) looks for each of them in every log.
NATIONAL_IDS: set[str] = {"A123456789", "F126543217", "D120000000", "D220000002"}  # the last two: stack/demo.py
PHONES: set[str] = {"(02)2559-1969#116", "(02)2559-1969#117", "(02)2312-3456#116", "(02)2522-0888"}


def remember(attributes: dict) -> None:
    """Record the personal data of a user a test makes."""
    for key, values in attributes.items():
        for v in values if isinstance(values, (list, tuple)) else [values]:
            if key == "nationalId":
                NATIONAL_IDS.add(str(v))
            elif key in ("phone", "mobile"):
                PHONES.add(str(v))
