"""Sample data of the sync service, shared by the tests and the benches (and so kept
outside tests/, which bench/ does not import): settings for a throwaway database, callers,
a filled-in form 1, and applications walked to the point a reviewer can decide them."""

from __future__ import annotations

import base64
import secrets
import string
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import policies
from stack.paths import REALM_NAME
from sync_service.domain.fields import id_check_digit
from sync_service.services import applications as use_cases
from sync_service.services.ports import Caller, TokenInvalid
from sync_service.settings import Settings

REVIEWER = Caller(subject="rev-1", username="reviewer-lin", roles=frozenset({"hpa-reviewer"}))
# A second reviewer: files B, C and D on people's behalf, which REVIEWER then decides (four eyes).
FILER = Caller(subject="rev-2", username="reviewer-chen", roles=frozenset({"hpa-reviewer"}))
# The vendor's staff (R-VEN-1): records its processing on form 1, decides nothing.
VENDOR = Caller(subject="ven-1", username="vendor-wu", roles=frozenset({"maintenance-vendor"}))
APPLICANT = Caller(subject="app-1", username="wang1234", roles=frozenset())
TW = timezone(timedelta(hours=8))


def budgets(**changes) -> policies.Budgets:
    """policies/budgets.toml a thousand times over, but for the `changes` a test checks."""
    return replace(policies.budgets().scaled(1000), **changes)


def settings_for_tests(database_url: str, tmp_path, **overrides) -> Settings:
    values = dict(
        database_url=database_url,
        data_key=base64.b64encode(secrets.token_bytes(32)).decode(),
        data_key_file=tmp_path / "sync-data.key",
        audit_key=base64.b64encode(secrets.token_bytes(32)).decode(),
        audit_key_file=tmp_path / "audit-signing.key",
        national_id_key_file=tmp_path / "national-id-digest.key",
        audit_head_file=tmp_path / "audit-head.json",
        # Many tests share a service and an address: budgets a thousand times policies/ (a test
        # of one budget sets it with `budgets(...)`).
        budgets=budgets(),
        worker_threads=1,
        # A test's own database copies Keycloak's events from its start, not the whole run's (decision 0090).
        keycloak_events_start="now",
        worker_runs_jobs=False,  # a test runs a periodic job when it means to, with its own `now`
    )
    values.update(overrides)
    return Settings(**values)


# Every national ID handed out by this process: the tests' log check looks for each
# (tests/support/personal_data.py keeps this same set as NATIONAL_IDS).
ISSUED_NATIONAL_IDS: set[str] = set()
_PERSON_OF_ACCOUNT: dict[str, str] = {}


def national_id(letter: str | None = None, second: str = "12") -> str:
    """A valid national ID (check digit right) that nothing else of this process holds: Keycloak
    refuses a second account with one person's ID (R-ACC-1), so every sample person has their own."""
    while True:
        first = letter or secrets.choice(string.ascii_uppercase)
        stem = f"{first}{secrets.choice(second)}{secrets.randbelow(10**7):07d}"
        value = stem + id_check_digit(stem)
        if value not in ISSUED_NATIONAL_IDS:
            ISSUED_NATIONAL_IDS.add(value)
            return value


def sign_in_ready_people(admin, n: int, password: str, prefix: str) -> list[str]:
    """n accounts that sign in with this password at once (the benches' load): each its own
    person (a national ID, else the first sign-in asks for one, decision 0120), made in one
    partial import, with the change a password someone else sets must have (decision 0031)
    cleared afterwards. `admin`: stack.demo.admin_client."""
    people = [f"{prefix}{uuid.uuid4().hex[:10]}" for _ in range(n)]
    admin.partial_import_realm(
        REALM_NAME,
        {
            "ifResourceExists": "SKIP",
            "users": [
                {
                    "username": u,
                    "email": f"{u}@bench.example.tw",
                    "enabled": True,
                    "emailVerified": True,
                    "firstName": "測",
                    "lastName": "試",
                    "requiredActions": [],
                    "attributes": {
                        "department": ["檢驗科"],
                        "phone": ["(02)2559-1969#116"],
                        "nationalId": [national_id()],
                    },
                    "credentials": [{"type": "password", "value": password, "temporary": False}],
                }
                for u in people
            ],
        },
    )
    for u in people:
        admin.update_user(admin.get_user_id(u), {"requiredActions": []})
    return people


def national_id_of(account: str) -> str:
    """The national ID of the person who holds, or applies for, this account name: fresh the
    first time, the same ever after, so a user made for a test and the forms filed for that
    account name (`form`) name one person."""
    key = account.lower()
    if key not in _PERSON_OF_ACCOUNT:
        _PERSON_OF_ACCOUNT[key] = national_id()
    return _PERSON_OF_ACCOUNT[key]


def is_held_by(account: str, value: str) -> None:
    """Record that this account name's person has this national ID (a test that names its own)."""
    _PERSON_OF_ACCOUNT[account.lower()] = value
    ISSUED_NATIONAL_IDS.add(value)


def form(type_: str, institution: str, account: str, *, category: str = "CRC-COL", **extra) -> dict:
    body = {
        "type": type_,
        "category": category,
        "institution_code": institution,
        "institution_name": "國立臺灣大學醫學院附設醫院",
        "department": "家庭醫學部",
        "applicant_name": "王小明",
        "account": account,
        "phone": "(02)2559-1969#116",
        "national_id": national_id_of(account),
        "email": f"{account}@clinic.example.tw",
        "application_date": datetime.now(TW).date().isoformat(),
    }
    if type_ == "B":
        body["reason"] = "離職"
    body.update(extra)
    return body


def letter(received_on=None) -> dict:
    """The official letter that brought the originals (R-DOC-4): a number in the agency's
    format, of the year it was received, and the day received (today in Taiwan by default)."""
    day = received_on or datetime.now(TW).date()
    return {"letter_number": f"國健癌字第{day.year - 1911}0000123號", "received_on": day.isoformat()}


def receive_originals(wiring, reference: str, caller: Caller = REVIEWER, **letter_values) -> None:
    """Every original the application still misses, recorded from one letter."""
    with wiring.uow() as uow:
        missing = uow.applications.get(reference).missing_documents
    use_cases.record_originals_received(
        wiring.uow(), reference, caller=caller, documents=missing, **{**letter(), **letter_values}
    )


def ready_application(wiring, type_: str, institution: str, account: str, **extra) -> str:
    """Submitted, documents and originals in: what a reviewer approves. B, C
    and D are filed by a reviewer (FILER) on the person's behalf; REVIEWER decides them."""
    caller = None if type_ == "A" else FILER
    app = use_cases.submit(wiring.uow(), form(type_, institution, account, **extra), caller=caller)
    receive_originals(wiring, app.id)
    return app.id


def new_account_name(prefix: str = "m") -> str:
    # A digit always: the account-name rule wants letters and digits both (R-FORM-3).
    return f"{prefix}{uuid.uuid4().hex[:9]}7"


class StaticTokens:
    """A TokenVerifier for tests that do not run Keycloak: token text -> caller."""

    def __init__(self, tokens: dict[str, Caller]) -> None:
        self.tokens = tokens

    def verify(self, token: str) -> Caller:
        try:
            return self.tokens[token]
        except KeyError:
            raise TokenInvalid("unknown token") from None

    def verify_logout(self, token: str, client_id: str):
        raise TokenInvalid("no logout tokens here")


def with_captcha(wiring, body: dict) -> dict:
    """An anonymous filing's JSON body with its captcha answered, as a perfect solver would
    (the test seam; decision 0131)."""
    challenge = wiring.challenges.issue()
    return {**body, "challenge": challenge, "captcha": wiring.challenges.answer_for_tests(challenge)}
