"""A lockout stays in Keycloak's database until the person sets a new password
(R-LCK-3): asking for a reset link does not open the account, whatever happens
before the link is used - never used, expired, a restart of Keycloak (losing its
brute-force cache), more wrong passwords."""

import re
import time

from stack.mailsink import body_text
from stack.paths import REALM_NAME
from tests.conftest import good_password
from tests.pages.keycloak import ResetCredentialsPage, UpdatePasswordPage
from tests.pages.screening_client import sign_in_from_fresh_browser as _sign_in
from tests.support.waiting import wait_until

WRONG = "Wrong~Password1"
LIFESPAN = "actionTokenGeneratedByUserLifespan.reset-credentials"


def _locked(admin, user) -> dict:
    return wait_until(
        lambda: (u := admin.get_user(user["id"]))["enabled"] is False and u, what="the account disabled by the lockout"
    )


def _lock_and_ask_for_link(admin, user, mail, screening, login_page, page, captcha_answers) -> str:
    screening.start_sign_in()
    for _ in range(3):
        login_page.sign_in(user["username"], WRONG)
    _locked(admin, user)
    login_page.forgot_password()
    reset = ResetCredentialsPage(page)
    reset.request(user["username"], user["email"], captcha_answers.latest(reset.tab_id()))
    [reset_mail] = [m for m in mail.wait_for(user["email"], count=2) if "重設密碼" in m["Subject"]]
    return re.search(r"https?://\S+action-token\S+", body_text(reset_mail)).group(0)


def _assert_locked_in_database(admin, user) -> None:
    stored = admin.get_user(user["id"])
    assert stored["enabled"] is False, "the account must stay disabled until the new password is set"
    assert stored["attributes"].get("disabledReason") == ["permanentLockout"]


def _reset_with_link(browser, link: str) -> str:
    """Open the link in a fresh browser and set a new password; returns it."""
    context = browser.new_context(locale="zh-TW")
    try:
        page = context.new_page()
        page.goto(link)
        update = UpdatePasswordPage(page)
        assert update.is_shown(), page.inner_text("body")
        new_password = good_password()
        update.set_password(new_password)
        return new_password
    finally:
        context.close()


def test_link_never_used_leaves_the_account_locked(
    admin, make_user, mail, screening, login_page, page, captcha_answers, browser, screening_client
):
    """Covers: R-LCK-3"""
    user = make_user()
    _lock_and_ask_for_link(admin, user, mail, screening, login_page, page, captcha_answers)
    _assert_locked_in_database(admin, user)
    assert _sign_in(browser, screening_client, user["username"], user["password"]) != "signed in"


def test_wrong_password_meanwhile_keeps_the_lock_and_the_link_still_unlocks(
    admin, make_user, mail, screening, login_page, page, captcha_answers, browser, screening_client
):
    """Covers: R-LCK-1, R-LCK-3"""
    user = make_user()
    link = _lock_and_ask_for_link(admin, user, mail, screening, login_page, page, captcha_answers)
    assert _sign_in(browser, screening_client, user["username"], WRONG) != "signed in"
    assert _sign_in(browser, screening_client, user["username"], user["password"]) != "signed in"
    _assert_locked_in_database(admin, user)

    new_password = _reset_with_link(browser, link)
    unlocked = admin.get_user(user["id"])
    assert unlocked["enabled"] is True
    assert "disabledReason" not in unlocked.get("attributes", {})
    assert _sign_in(browser, screening_client, user["username"], new_password) == "signed in"


def test_expired_link_leaves_the_account_locked(
    admin, make_user, mail, screening, login_page, page, captcha_answers, browser, screening_client
):
    """Covers: R-LCK-3, R-LCK-4"""
    user = make_user()
    realm = admin.get_realm(REALM_NAME)
    kept = dict(realm["attributes"])
    admin.update_realm(REALM_NAME, {"attributes": {**kept, LIFESPAN: "2"}})
    try:
        link = _lock_and_ask_for_link(admin, user, mail, screening, login_page, page, captcha_answers)
    finally:
        admin.update_realm(REALM_NAME, {"attributes": kept})
    _assert_locked_in_database(admin, user)
    # The link's own expiry is the state waited for (Keycloak refuses it once now > exp).
    expires_at = _expiry(link)
    wait_until(lambda: time.time() > expires_at + 1, timeout=30, what="the link to expire")

    context = browser.new_context(locale="zh-TW")
    try:
        expired = context.new_page()
        expired.goto(link)
        assert not UpdatePasswordPage(expired).is_shown()
    finally:
        context.close()
    _assert_locked_in_database(admin, user)
    assert _sign_in(browser, screening_client, user["username"], user["password"]) != "signed in"


def _expiry(link: str) -> int:
    import base64
    import json

    key = re.search(r"key=([^&\s]+)", link).group(1)
    payload = key.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["exp"]


def test_restart_between_mail_and_link_keeps_the_lock(
    keycloak, admin, make_user, mail, screening, login_page, page, captcha_answers, browser, screening_client
):
    """Covers: R-LCK-3"""
    user = make_user()
    link = _lock_and_ask_for_link(admin, user, mail, screening, login_page, page, captcha_answers)

    # A restart loses Keycloak's brute-force cache (as a cluster losing the entry would).
    keycloak.stop()
    keycloak.start()
    keycloak.wait_ready(timeout=600)

    _assert_locked_in_database(admin, user)
    assert _sign_in(browser, screening_client, user["username"], user["password"]) != "signed in"
    new_password = _reset_with_link(browser, link)
    assert admin.get_user(user["id"])["enabled"] is True
    assert _sign_in(browser, screening_client, user["username"], new_password) == "signed in"
