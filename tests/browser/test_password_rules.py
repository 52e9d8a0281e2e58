"""Keycloak refuses each kind of bad password with a message the person can act on."""

import secrets

import pytest

from tests.pages.keycloak import UpdatePasswordPage


@pytest.fixture
def update_password_page(make_user, screening, login_page, page):
    """A user with a temporary password, signed in and looking at the update-password page."""
    user = make_user(temporary=True, required_actions=[])
    screening.start_sign_in()
    login_page.sign_in(user["username"], user["password"])
    update = UpdatePasswordPage(page)
    assert update.is_shown()
    return user, update


def test_each_bad_password_kind_is_refused_with_its_message(update_password_page, screening):
    """Covers: R-PWD-3

    Each password breaks exactly one rule, so the message shown is that rule's."""
    user, update = update_password_page
    lower = "kq" + secrets.token_hex(5)  # letters a-f and digits, no upper case
    cases = {
        "too short": ("Kq7~xZ9b", "長度至少 12 個字元"),
        "no upper case": (lower + "~w7", "大寫字母"),
        "no lower case": (lower.upper() + "~W7", "小寫字母"),
        "no digit": ("Kqzvmwptrhsx~Wn", "數字"),
        "symbol outside ~!#^*": ("Kq" + secrets.token_hex(4) + "$Zx7", "~!#^*"),
        # Strong around the name, so only the username rule is broken, not the strength rule.
        "contains the username": ("Q7~" + user["username"].capitalize() + "Zm4#Kqw", "不可包含帳號"),
        "a recent password": (user["password"], "使用過的密碼"),
    }
    seen = {}
    for kind, (password, expected) in cases.items():
        update.set_password(password)
        assert update.is_shown(), f"{kind}: {password!r} was accepted"
        seen[kind] = update.messages()
        assert expected in seen[kind], f"{kind}: {seen[kind]}"
    print("\n".join(f"{k}: {v}" for k, v in seen.items()))


def test_password_equal_to_email_is_refused(update_password_page):
    """Covers: R-PWD-3, R-PWD-5

    An e-mail always holds '@', outside the symbol set, and is the person's own data, so
    several rules refuse it; Keycloak reports one of them (see docs/decisions/0001)."""
    user, update = update_password_page
    update.set_password(user["email"])
    assert update.is_shown()
    message = update.messages()
    assert "密碼無效" in message or "密碼強度不足" in message, message


def test_username_with_different_case_is_still_refused(update_password_page):
    """Covers: R-PWD-3"""
    user, update = update_password_page
    update.set_password(user["username"].upper() + "a~1Zm4#Kqwp")
    assert update.is_shown()
    assert "不可包含帳號" in update.messages()


def test_a_good_password_is_accepted(update_password_page, screening):
    """Covers: R-PWD-3"""
    user, update = update_password_page
    update.set_password("Mz" + secrets.token_hex(5) + "^Tq4")
    assert screening.is_signed_in_as(user["username"])


def test_personal_data_is_refused_on_the_update_password_page(make_user, screening, login_page, page):
    """Covers: R-PWD-5

    The national ID (whole and its digits), the birthday in Western and ROC forms, the mobile
    and the landline number: each refused with the message naming it."""
    from tests.support.personal_data import bad_passwords, person

    data = person()
    user = make_user(
        temporary=True,
        required_actions=[],
        nationalId=data["nationalId"],
        birthDate=data["birthDate"],
        mobile=data["mobile"],
    )
    screening.start_sign_in()
    login_page.sign_in(user["username"], user["password"])
    update = UpdatePasswordPage(page)
    words = {
        "invalidPasswordPersonalDataNationalIdMessage": "身分證字號",
        "invalidPasswordPersonalDataBirthDateMessage": "出生日期",
        "invalidPasswordPersonalDataPhoneMessage": "電話或手機號碼",
    }
    for kind, (password, key) in bad_passwords(data).items():
        update.set_password(password)
        assert update.is_shown(), f"{kind}: {password!r} was accepted"
        assert words[key] in update.messages(), f"{kind}: {update.messages()}"
    update.set_password("Mz" + secrets.token_hex(5) + "^Tq4")
    assert screening.is_signed_in_as(user["username"])
