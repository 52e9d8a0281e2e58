"""The old system's export (docs/legacy-import.md): one row per grant, checked with the
same field rules as the applications (fields.py), then across rows (duplicates, two
managers for one pair), and grouped into the accounts to make.

Pure: no file, no database, no Keycloak. A refused row is a `Refusal` with its row
number and the reason in zh-Hant and English; nothing is dropped silently.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import policies

from . import fields
from .errors import FieldError
from .grants import Grant, Level

# The columns of the export, in order (docs/legacy-import.md). department and password_hash may
# be empty (or absent): the person then gives the department when confirming the profile.
COLUMNS = (
    "account",
    "name",
    "national_id",
    "email",
    "phone",
    "institution_code",
    "institution_name",
    "category",
    "level",
    "department",
    "password_hash",
)
REQUIRED_COLUMNS = COLUMNS[:-2]

_LEVEL_WORDS = {"manager": Level.MANAGER, "管理者": Level.MANAGER, "user": Level.USER, "使用者": Level.USER}


@dataclass(frozen=True)
class PasswordHash:
    """A PBKDF2 hash of the old system, as Keycloak's pbkdf2-sha256/-sha512 providers verify it."""

    algorithm: str
    iterations: int
    salt: bytes
    value: bytes


@dataclass(frozen=True)
class Refusal:
    row: int
    account: str
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class LegacyRow:
    row: int
    account: str
    name: str
    national_id: fields.PersonalId
    email: str
    phone: fields.Phone
    institution_code: str
    institution_name: str
    category: str
    level: Level
    password_hash: PasswordHash | None
    department: str | None = None
    # Why a hash given was not usable (the account then gets the set-a-password mail).
    hash_note: str | None = None

    @property
    def grant(self) -> Grant:
        return Grant(self.institution_code, self.category, self.level)

    def person(self) -> tuple[Any, ...]:
        """What must be the same on every row of one account."""
        return (
            self.national_id.value,
            self.name,
            self.email.lower(),
            self.phone.e164,
            self.password_hash,
            self.department,
        )


@dataclass
class LegacyAccount:
    """One account to make, with every grant its rows give it."""

    rows: list[LegacyRow] = field(default_factory=list)

    @property
    def first(self) -> LegacyRow:
        return self.rows[0]

    @property
    def account(self) -> str:
        return self.first.account

    @property
    def grants(self) -> tuple[Grant, ...]:
        return tuple(r.grant for r in self.rows)

    @property
    def row_numbers(self) -> tuple[int, ...]:
        return tuple(r.row for r in self.rows)


@dataclass
class Plan:
    accounts: list[LegacyAccount]
    refusals: list[Refusal]
    rows: int

    @property
    def refused_rows(self) -> set[int]:
        return {r.row for r in self.refusals}


def _refusal(row: int, account: str, code: str, zh: str, en: str) -> Refusal:
    return Refusal(row, account, code, zh, en)


def parse_password_hash(text: str, rules: policies.LegacyImport) -> tuple[PasswordHash | None, str | None]:
    """`ALGORITHM$ITERATIONS$SALT_BASE64$HASH_BASE64` -> (hash, None), or (None, why it is not usable
    by `rules`' algorithms, iterations and salt). An empty cell is (None, None): no hash, the
    account gets the set-a-password mail."""
    text = (text or "").strip()
    if not text:
        return None, None
    parts = text.split("$")
    if len(parts) != 4 or parts[0] not in rules.hash_algorithms or not parts[1].isdigit():
        return None, "password_hash.format"
    try:
        salt = base64.b64decode(parts[2], validate=True)
        value = base64.b64decode(parts[3], validate=True)
    except (binascii.Error, ValueError):
        return None, "password_hash.format"
    iterations = int(parts[1])
    if iterations < rules.min_hash_iterations:
        return None, "password_hash.weak"
    if len(salt) < rules.min_salt_bytes or len(value) < 16:
        return None, "password_hash.format"
    return PasswordHash(parts[0], iterations, salt, value), None


HASH_NOTES = {
    "password_hash.format": (
        "密碼雜湊格式不符，帳號不帶密碼匯入，將寄送設定密碼通知信",
        "The password hash is not in a format Keycloak verifies; the account is imported "
        "without a password and will be mailed a link to set one",
    ),
    "password_hash.weak": (
        "密碼雜湊的迭代次數過低，帳號不帶密碼匯入，將寄送設定密碼通知信",
        "The password hash has too few iterations; the account is imported without a "
        "password and will be mailed a link to set one",
    ),
}


def parse_level(value: object) -> Level:
    text = fields.clean(value, "level").lower()
    if text in _LEVEL_WORDS:
        return _LEVEL_WORDS[text]
    raise FieldError(
        "level.unknown",
        "level",
        "權限等級不存在，應為：管理者（manager）或使用者（user）",
        "Unknown level; expected manager (管理者) or user (使用者)",
    )


def parse_row(
    row: int, raw: Mapping[str, object], categories: Mapping[str, policies.Category], rules: policies.LegacyImport
) -> LegacyRow:
    """One row, every field by the applications' own rule; FieldError at the first bad one."""
    account = fields.parse_existing_account_name(raw.get("account"))
    name = fields.parse_person_name(raw.get("name"), "name")
    national_id = fields.parse_personal_id(raw.get("national_id"))
    email = fields.parse_email(raw.get("email"))
    phone = fields.parse_phone(raw.get("phone"))
    institution_code = fields.parse_institution_code(raw.get("institution_code"))
    institution_name = fields.parse_institution_name(raw.get("institution_name"))
    category = fields.parse_category(raw.get("category"), categories)
    level = parse_level(raw.get("level"))
    department = fields.parse_department(raw["department"]) if fields.clean(raw.get("department")) else None
    password_hash, note = parse_password_hash(str(raw.get("password_hash") or ""), rules)
    return LegacyRow(
        row,
        account,
        name,
        national_id,
        email,
        phone,
        institution_code,
        institution_name,
        category,
        level,
        password_hash,
        department,
        note,
    )


def plan(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    categories: Mapping[str, policies.Category],
    rules: policies.LegacyImport,
) -> Plan:
    """Every row checked on its own, then across the file; the accounts to make in file order.
    `categories`: the business categories a row may name (policies/categories.toml); `rules`: the
    password hashes Keycloak takes (policies/legacy_import.toml)."""
    good: list[LegacyRow] = []
    refusals: list[Refusal] = []
    count = 0
    for number, raw in rows:
        count += 1
        try:
            good.append(parse_row(number, raw, categories, rules))
        except FieldError as e:
            refusals.append(_refusal(number, _shown_account(raw), e.code, e.zh, e.en))
    kept, more = _across_rows(good)
    refusals += more
    accounts: dict[str, LegacyAccount] = {}
    for r in kept:
        accounts.setdefault(r.account, LegacyAccount()).rows.append(r)
    refusals.sort(key=lambda r: r.row)
    return Plan(list(accounts.values()), refusals, count)


def _shown_account(raw: Mapping[str, object]) -> str:
    """The account as written, for the report (only its allowed characters, so a cell of junk shows as junk)."""
    return re.sub(r"[^A-Za-z0-9._@+\-]", "?", str(raw.get("account") or ""))[:40]


def _across_rows(rows: list[LegacyRow]) -> tuple[list[LegacyRow], list[Refusal]]:
    refusals: list[Refusal] = []
    refused: set[int] = set()

    def refuse(r: LegacyRow, code: str, zh: str, en: str) -> None:
        refused.add(r.row)
        refusals.append(_refusal(r.row, r.account, code, zh, en))

    # One account is one person: a later row naming it for someone else is refused.
    first_of: dict[str, LegacyRow] = {}
    seen_grants: set[tuple[str, Grant]] = set()
    for r in rows:
        first = first_of.setdefault(r.account, r)
        if first.person() != r.person():
            refuse(
                r,
                "account.duplicate",
                f"帳號 {r.account} 已於第 {first.row} 列出現，但姓名、身分證字號、E-mail、電話或密碼雜湊不同",
                f"Account {r.account} is already on row {first.row} with another name, national ID, "
                "e-mail, phone or password hash",
            )
        elif (r.account, r.grant) in seen_grants:
            refuse(
                r,
                "row.duplicate",
                f"與前面某列重複：帳號 {r.account} 已有此機構此業務類別此等級的權限",
                f"Repeats an earlier row: account {r.account} already has this institution, category and level",
            )
        else:
            seen_grants.add((r.account, r.grant))
    # One e-mail address is one account (the realm refuses a second).
    owner_of_email: dict[str, LegacyRow] = {}
    for r in rows:
        if r.row in refused:
            continue
        owner = owner_of_email.setdefault(r.email.lower(), r)
        if owner.account != r.account:
            refuse(
                r,
                "email.duplicate",
                f"此 E-mail 已屬於第 {owner.row} 列的帳號 {owner.account}",
                f"This e-mail address belongs to account {owner.account} on row {owner.row}",
            )
    # One person is one account (R-ACC-1): two accounts of one national ID are two accounts of one
    # person. Which one the person keeps is the agency's decision, never merged here: every row of
    # each is refused, naming the others.
    accounts_of_person: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.row not in refused:
            accounts_of_person[r.national_id.value].add(r.account)
    for r in rows:
        same_person = accounts_of_person[r.national_id.value] - {r.account}
        if r.row not in refused and same_person:
            named = "、".join(sorted(same_person))
            refuse(
                r,
                "person.two_accounts",
                f"一人一帳號：帳號 {r.account} 與 {named} 屬同一人（身分證字號相同），請選定保留的帳號、更正後重新匯入",
                f"One person, one account: accounts {r.account} and {', '.join(sorted(same_person))} belong to one person "
                "(the same national ID); choose the account to keep, correct the file and import these rows again",
            )
    # One manager per institution and category (R-MGR-1): when the file names two, neither is
    # chosen for the agency; every manager row of that pair is refused.
    managers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        if r.row not in refused and r.level is Level.MANAGER:
            managers[(r.institution_code, r.category)].add(r.account)
    for r in rows:
        pair = (r.institution_code, r.category)
        if r.row not in refused and r.level is Level.MANAGER and len(managers[pair]) > 1:
            others = "、".join(sorted(managers[pair] - {r.account}))
            refuse(
                r,
                "manager_seat.two_managers",
                f"檔案中此機構此業務類別有兩位以上管理者（另有 {others}），每一業務類別僅能一位，請更正後重新匯入",
                f"The file names more than one manager for this institution and category (also {others}); "
                "there can be only one: correct the file and import these rows again",
            )
    # A manager of a pair is not also its user (R-MGR-4: the manager level replaces the user level).
    manager_rows = {
        (r.account, r.institution_code, r.category) for r in rows if r.row not in refused and r.level is Level.MANAGER
    }
    for r in rows:
        if (
            r.row not in refused
            and r.level is Level.USER
            and (r.account, r.institution_code, r.category) in manager_rows
        ):
            refuse(
                r,
                "level.both",
                "同一帳號於此機構此業務類別不可同時為管理者與使用者（保留管理者）",
                "An account cannot be both manager and user of one institution and category (manager kept)",
            )
    return [r for r in rows if r.row not in refused], refusals
