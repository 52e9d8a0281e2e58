"""The sign-in page tells the holder of a locked or closed account what happened, once they have
typed its right password (issue 21 point 6; issue 18 item 5, last sentence): locked, and how to
unlock it; closed on a date, why, and whom to call. Anyone else learns nothing new: a wrong
password reads byte for byte as it does for an account that does not exist, and the password of a
locked account is looked at only for one more wrong try (policies/security.toml), so a guesser
cannot go on asking. A closed account that gets locked is not opened again by a reset."""

from __future__ import annotations

import json
import re

import policies
from stack.paths import REALM_NAME
from tests.pages.keycloak import LoginPage, ResetCredentialsPage
from tests.pages.screening_client import ScreeningClientPage
from tests.support.waiting import wait_until

from .test_reset_step import _normalised

WRONG = "Wrong~Password1"
CLOSED_ON = "2026-12-01"


def _lock(login: LoginPage, admin, user: dict) -> None:
    for _ in range(policies.load().lockout.failures):
        login.sign_in(user["username"], WRONG)
    wait_until(lambda: admin.get_user(user["id"])["enabled"] is False, what="the account locked")


def _closed_account(make_user, admin, because: str = "last-grant-ended") -> dict:
    """An account closed as H18b closes one (TEAM.md): disabled, marked with the date and the reason,
    through the realm's closing resource (the profile lets an administrator only read the marks)."""
    user = make_user()
    closed = admin.connection.raw_put(
        f"admin/realms/{REALM_NAME}/screening-closing/{user['id']}",
        data=json.dumps({"closedAt": CLOSED_ON, "because": because}),
    )
    assert closed.status_code == 200, closed.text
    return user


def _page_after(page, screening_client, username: str, password: str) -> str:
    """The sign-in page as it answers this account and password, its per-page values masked."""
    ScreeningClientPage(page, screening_client).start_sign_in()
    LoginPage(page).sign_in(username, password)
    return _normalised(page.content(), username)


def test_a_stranger_without_the_password_learns_nothing_new(page, admin, make_user, screening_client):
    """Covers: R-LCK-1"""
    ordinary, locked, closed = make_user(), make_user(), _closed_account(make_user, admin)
    ScreeningClientPage(page, screening_client).start_sign_in()
    _lock(LoginPage(page), admin, locked)

    nobody = _page_after(page, screening_client, "nobody0000x1", WRONG)
    assert "帳號或密碼無效" in page.locator("body").inner_text()
    pages = {
        "an ordinary account, wrong password": _page_after(page, screening_client, ordinary["username"], WRONG),
        "a locked account, wrong password": _page_after(page, screening_client, locked["username"], WRONG),
        "a closed account, wrong password": _page_after(page, screening_client, closed["username"], WRONG),
    }
    for case, html in pages.items():
        assert html == nobody, f"{case}: the page differs from the one for an account that does not exist"
    # The locked account's one look is spent on that wrong password: its right one is not looked at now.
    assert _page_after(page, screening_client, locked["username"], locked["password"]) == nobody


def test_the_holder_of_a_locked_account_is_told_it_is_locked_and_how_to_unlock_it(
    page, admin, make_user, screening_client
):
    """Covers: R-LCK-1, R-LCK-3"""
    person = make_user()
    login = LoginPage(page)
    ScreeningClientPage(page, screening_client).start_sign_in()
    _lock(login, admin, person)
    login.sign_in(person["username"], person["password"])
    told = page.locator("body").inner_text()
    assert "帳號已因密碼連續輸入錯誤" in told and "鎖定" in told and "忘記密碼" in told, told
    assert str(policies.load().lockout.failures) in told
    assert page.locator("#password").count() == 1, "not signed in"
    # Said again for the right password; a wrong one uses the one look, then nothing is told.
    login.sign_in(person["username"], person["password"])
    assert "而鎖定" in page.locator("body").inner_text()
    login.sign_in(person["username"], WRONG)
    login.sign_in(person["username"], person["password"])
    assert "而鎖定" not in page.locator("body").inner_text() and "帳號或密碼無效" in page.locator("body").inner_text()


def test_the_holder_of_a_closed_account_is_told_when_why_and_whom_to_call(
    page, admin, make_user, screening_client, mail, captcha_answers
):
    """Covers: R-ACC-2"""
    desk = policies.load().help_desk
    person = _closed_account(make_user, admin)
    login = LoginPage(page)
    ScreeningClientPage(page, screening_client).start_sign_in()
    login.sign_in(person["username"], person["password"])
    told = page.locator("body").inner_text()
    assert f"已於 {CLOSED_ON} 關閉" in told and "權限都已結束" in told, told
    assert desk.phone in told and "帳號管理者" in told
    assert page.locator("#password").count() == 1, "not signed in"

    # Locked on top of closed (three wrong passwords): a reset mails nothing and opens nothing.
    _lock(login, admin, person)
    login.forgot_password()
    reset = ResetCredentialsPage(page)
    reset.request(person["username"], person["email"], captcha_answers.latest(reset.tab_id()))
    ScreeningClientPage(page, screening_client).start_sign_in()
    login.sign_in(person["username"], person["password"])
    assert f"已於 {CLOSED_ON} 關閉" in page.locator("body").inner_text()
    assert mail.messages(person["email"]) == [] or all(
        "重設密碼" not in (m["Subject"] or "") for m in mail.messages(person["email"])
    ), "no reset mail for a closed account"
    assert admin.get_user(person["id"])["enabled"] is False
    assert re.search(r"\d", told)
