"""A person's personal data for the R-PWD-5 tests, and passwords that hide one piece of it
in an otherwise acceptable password (so only the personal-data rule can refuse it)."""

from __future__ import annotations

import secrets

from stack.samples import ISSUED_NATIONAL_IDS, is_held_by, national_id, national_id_of

__all__ = [
    "NATIONAL_IDS",
    "PHONES",
    "bad_passwords",
    "hidden",
    "is_held_by",
    "national_id",
    "national_id_of",
    "person",
    "remember",
]


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
# The same set as stack/samples.py's, so the IDs the samples hand out are looked for too.
NATIONAL_IDS: set[str] = ISSUED_NATIONAL_IDS
NATIONAL_IDS.update({"A123456789", "F126543217", "D120000000", "D220000002"})  # the last two: stack/demo.py
PHONES: set[str] = {"(02)2559-1969#116", "(02)2559-1969#117", "(02)2312-3456#116", "(02)2522-0888"}


def remember(attributes: dict) -> None:
    """Record the personal data of a user a test makes."""
    for key, values in attributes.items():
        for v in values if isinstance(values, (list, tuple)) else [values]:
            if key == "nationalId":
                NATIONAL_IDS.add(str(v))
            elif key in ("phone", "mobile"):
                PHONES.add(str(v))
