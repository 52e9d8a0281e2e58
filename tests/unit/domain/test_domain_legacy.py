"""The old system's export, checked row by row and across rows (domain/legacy.py)."""

from __future__ import annotations

import random

import pytest

import policies
from stack import legacy_export as export
from sync_service.domain.grants import Level
from sync_service.domain.legacy import parse_password_hash, plan

CATEGORIES = policies.load().categories
RULES = policies.legacy_import()
A, B = "0401180014", "1101020018"


def rows_of(*rows: dict) -> list[tuple[int, dict]]:
    return list(enumerate(rows, start=2))


def test_good_rows_of_one_account_become_one_account_with_every_grant():
    rng = random.Random(1)
    first = export.row("wang1234", A, rng=rng, level="管理者")
    second = {**first, "category": "CER-COL", "level": "user"}
    checked = plan(rows_of(first, second), CATEGORIES, RULES)
    assert checked.refusals == []
    [account] = checked.accounts
    assert account.account == "wang1234" and account.row_numbers == (2, 3)
    assert [g.level for g in account.grants] == [Level.MANAGER, Level.USER]


@pytest.mark.parametrize(
    "change, code",
    [
        ({"national_id": "A123456788"}, "national_id.checksum"),
        ({"account": "ADM0001"}, "account.adm_account"),
        ({"account": "adm_clinic"}, "account.adm_account"),
        ({"category": "LUNG-COL"}, "category.unknown"),
        ({"level": "owner"}, "level.unknown"),
        ({"email": "wang@@clinic"}, "email.format"),
        ({"phone": "02-123"}, "phone.invalid"),
        ({"name": "臺大醫院"}, "name.institution_name"),
        ({"institution_code": "12345"}, "institution_code.format"),
    ],
)
def test_a_bad_field_refuses_the_row_with_the_applications_rule(change, code):
    """Covers: R-FORM-4"""
    row = {**export.row("wang1234", A, rng=random.Random(2)), **change}
    checked = plan(rows_of(row), CATEGORIES, RULES)
    [refusal] = checked.refusals
    assert (refusal.row, refusal.code) == (2, code)
    assert refusal.zh and refusal.en and checked.accounts == []


def test_across_rows_duplicates_and_two_managers_are_refused():
    """Covers: R-MGR-1"""
    rng = random.Random(3)
    wang = export.row("wang1234", A, rng=rng)
    someone_else = export.row("wang1234", B, rng=rng)  # same name, another person
    again = dict(wang)  # the same grant twice
    chen = export.row("chen5678", B, rng=rng, level="manager")
    lin = export.row("lin9012", B, rng=rng, level="manager")  # a second manager of (B, CRC-COL)
    same_mail = export.row("huang345", A, rng=rng, email=wang["email"])
    both = {**wang, "level": "manager", "category": "HPV-COL"}
    user_too = {**wang, "level": "user", "category": "HPV-COL"}
    checked = plan(rows_of(wang, someone_else, again, chen, lin, same_mail, both, user_too), CATEGORIES, RULES)
    assert {(r.row, r.code) for r in checked.refusals} == {
        (3, "account.duplicate"),
        (4, "row.duplicate"),
        (5, "manager_seat.two_managers"),
        (6, "manager_seat.two_managers"),
        (7, "email.duplicate"),
        (9, "level.both"),
    }
    assert [a.account for a in checked.accounts] == ["wang1234"]


def test_two_old_accounts_of_one_person_are_refused_naming_both_never_merged():
    """Covers: R-ACC-1"""
    rng = random.Random(4)
    wang = export.row("wang1234", A, rng=rng)
    second = export.row("wangxm88", B, rng=rng, national_id=wang["national_id"])  # the same person
    second_grant = {**second, "category": "HPV-COL"}
    chen = export.row("chen5678", B, rng=rng)
    checked = plan(rows_of(wang, second, second_grant, chen), CATEGORIES, RULES)
    assert {(r.row, r.code) for r in checked.refusals} == {
        (2, "person.two_accounts"),
        (3, "person.two_accounts"),
        (4, "person.two_accounts"),
    }
    for refusal in checked.refusals:
        assert "wang1234" in refusal.zh and "wangxm88" in refusal.zh
        assert "wang1234" in refusal.en and "wangxm88" in refusal.en and "One person, one account" in refusal.en
    assert [a.account for a in checked.accounts] == ["chen5678"]


def test_a_password_hash_is_usable_only_in_a_format_keycloak_verifies():
    good = export.pbkdf2_hash("x", algorithm="pbkdf2-sha512", iterations=210000)
    parsed, note = parse_password_hash(good, RULES)
    assert note is None and parsed.algorithm == "pbkdf2-sha512" and parsed.iterations == 210000
    assert parse_password_hash("", RULES) == (None, None)
    assert parse_password_hash(export.pbkdf2_hash("x", iterations=1000), RULES) == (None, "password_hash.weak")
    for bad in (
        "md5$1$abc$def",
        "pbkdf2-sha256$many$c2FsdA==$aGFzaA==",
        "bcrypt:$2a$10$abc",
        "pbkdf2-sha256$27500$not base64$aGFzaA==",
    ):
        assert parse_password_hash(bad, RULES) == (None, "password_hash.format")
