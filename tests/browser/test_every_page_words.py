"""Every page a person meets, in zh-Hant and in English, read as the person reads it: sign-in,
terms, password change with the meter, profile, the stand-in screening system, the account
console, forgot-password steps and their mails (a used link, a link finished in another browser),
the lockout mail, and the manager's console (users, new user, credentials, groups). Each page
fails the test when its visible text holds a raw message key, an unfilled placeholder, or English
with an eaten apostrophe (tests/pages/words.py). Pictures go to docs/screenshots/words/ only
when asked (--update-screenshots or UPDATE_SCREENSHOTS=1, tests/conftest.py).
"""

from __future__ import annotations

import re

import pytest

import policies
from stack.mailsink import body_text
from tests.conftest import good_password
from tests.integration.admin_console.world import OWN_CAT, OWN_USER, ManagerWorld
from tests.pages.consoles import AccountConsole, AdminConsole
from tests.pages.keycloak import LoginPage, ProfilePage, ResetCredentialsPage, TermsPage, UpdatePasswordPage
from tests.pages.screening_client import ScreeningClientPage
from tests.pages.words import Reader

LANGUAGES = {"zh-Hant": "zh-TW", "en": "en-US"}  # Keycloak locale -> the browser's language
WRONG = "Wrong~Password1"


@pytest.fixture
def context_for(browser):
    made = []

    def make(language: str):
        context = browser.new_context(locale=LANGUAGES[language], viewport={"width": 1100, "height": 900})
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    yield make
    for context in made:
        context.close()


def _mails(mail, to: str, count: int) -> list:
    return mail.wait_for(to, count=count)


def _reset_link(message) -> str:
    return re.search(r"https?://\S+action-token\S+", body_text(message)).group(0)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_first_sign_in_pages_read_as_words(
    language, make_user, grant, institution, context_for, screening_client, keycloak, screenshots_dir
):
    """Covers: R-PWD-1, R-PWD-4, R-CONF-1, R-LCK-1, R-CAT-2"""
    read = Reader(language, screenshots_dir, "1-first-sign-in")
    page = context_for(language)
    user = make_user(temporary=True, required_actions=None, locale=language, birthDate="1990-03-12")
    grant(user, institution, OWN_CAT)
    screening = ScreeningClientPage(page, screening_client)

    screening.open()
    read.page(page, "screening-signed-out")
    screening.start_sign_in()
    text = read.page(page, "sign-in")
    # The lockout rule is said before anyone tries, with the number from policies/ (R-LCK-1).
    rule = page.locator("#screening-lockout-rule").inner_text()
    assert str(policies.load().lockout.failures) in rule, rule
    LoginPage(page).sign_in(user["username"], user["password"])

    new_password = good_password()
    for _ in range(4):  # terms, password, profile: in the realm's order
        if TermsPage(page).is_shown():
            text = read.page(page, "terms")
            button = page.locator("#kc-accept").inner_text()
            if language == "zh-Hant":
                assert "按下「同意」" in text and button.strip() == "同意", button
            TermsPage(page).accept()
        elif UpdatePasswordPage(page).is_shown():
            update = UpdatePasswordPage(page)
            read.page(page, "update-password")
            for name, password in (
                ("too-short", "Kq7~xZ9b"),
                ("birthday", "Harbor~19900312Kq"),
                ("symbol", "Bamboo@Lantern7harbor"),
            ):
                update.meter_after_typing(password)
                page.wait_for_function("() => document.getElementById('password-strength').dataset.accepted")
                assert page.get_attribute("#password-strength", "data-accepted") == "false", name
                reason = page.locator("#password-strength-reason").inner_text()
                assert reason.strip(), f"{name}: the meter says why"
                line = page.locator("#password-strength-line").bounding_box()
                assert line["height"] < 2 * 24, f"the meter's verdict fits one line ({line})"
                read.page(page, f"update-password-meter-{name}")
            update.meter_after_typing(new_password)
            page.wait_for_function("() => document.getElementById('password-strength').dataset.accepted === 'true'")
            read.page(page, "update-password-meter-accepted")
            update.set_password(new_password)
        elif ProfilePage(page).is_shown():
            text = read.page(page, "profile")
            labels = page.locator("#kc-update-profile-form label").all_inner_texts()
            assert any(("姓" if language == "zh-Hant" else "Family name") in label for label in labels), labels
            ProfilePage(page).confirm()
        else:
            break
    assert screening.is_signed_in_as(user["username"]), page.url

    read.page(page, "screening-signed-in")
    assert screening.person_name() == "陳怡君"
    fn = policies.load().functions["eligibility-query"]
    assert any(fn.zh in name and fn.en in name for name in screening.function_names())
    assert screening.change_password_link().startswith(f"{keycloak.url}/realms/cancer-screening/account/")

    account = AccountConsole(page, keycloak.url)
    account.open_personal_info()
    read.page(page, "account-personal-info")
    assert "陳怡君" in account.signed_in_name()
    account.open_signing_in()
    read.page(page, "account-signing-in")
    read.assert_clean()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_forgot_password_pages_and_mails_read_as_words(
    language, make_user, mail, context_for, screening_client, captcha_answers, screenshots_dir
):
    """Covers: R-LCK-1, R-LCK-2, R-LCK-3, R-LCK-4"""
    read = Reader(language, screenshots_dir, "2-forgot-password")
    page = context_for(language)
    user = make_user(locale=language)
    screening = ScreeningClientPage(page, screening_client)
    login = LoginPage(page)

    # Three wrong passwords: the lockout mail.
    screening.start_sign_in()
    for _ in range(policies.load().lockout.failures):
        login.sign_in(user["username"], WRONG)
    read.page(page, "sign-in-after-wrong-passwords")
    [lockout] = _mails(mail, user["email"], 1)
    read.mail(page, lockout, "mail-lockout")

    # Forgot password, the mail, the new password.
    def request_reset(page, person) -> None:
        ScreeningClientPage(page, screening_client).start_sign_in()
        LoginPage(page).forgot_password()
        reset = ResetCredentialsPage(page)
        read.page(page, "forgot-password")
        reset.request(person["username"], person["email"], captcha_answers.latest(reset.tab_id()))
        read.page(page, "forgot-password-sent")

    request_reset(page, user)
    reset_mail = _mails(mail, user["email"], 2)[-1]
    text = read.mail(page, reset_mail, "mail-reset")
    english = text.split("----")[-1] if language == "zh-Hant" else text
    assert "1 hour" in english and "小時" not in english, english
    link = _reset_link(reset_mail)
    page.goto(link)
    update = UpdatePasswordPage(page)
    assert update.is_shown()
    read.page(page, "reset-update-password")
    update.set_password(good_password())

    # The used link: not a dead end.
    page.goto(link)
    read.page(page, "reset-link-used")
    assert page.locator("#screening-sign-in").count() == 1, "a used link ends with a way to sign in"

    # A link asked for here and finished in another browser: not a dead end either.
    # Another person: reset mails to one account are throttled (one per few minutes, issue 8).
    asking_person = make_user(locale=language)
    asking = context_for(language)
    request_reset(asking, asking_person)
    other = context_for(language)
    other.goto(_reset_link(_mails(mail, asking_person["email"], 1)[-1]))
    if UpdatePasswordPage(other).is_shown():
        UpdatePasswordPage(other).set_password(good_password())
    read.page(other, "reset-in-another-browser")
    other.locator("#screening-sign-in").wait_for()
    read.assert_clean()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_managers_console_reads_as_words(language, admin, make_user, keycloak, context_for, screenshots_dir):
    """Covers: R-USR-1, R-USR-4, R-PWD-3"""
    read = Reader(language, screenshots_dir, "3-manager-console")
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    target = world.target(OWN_USER)
    rep = admin.get_user(world.manager["id"])
    admin.update_user(
        world.manager["id"],
        {
            **{k: rep[k] for k in ("username", "email", "firstName", "lastName")},
            "attributes": {**rep["attributes"], "locale": [language]},
        },
    )
    page = context_for(language)
    console = AdminConsole(page, keycloak.url)

    console.sign_in(world.manager)
    read.page(page, "console-users")
    console.open_new_user_form()
    text = read.page(page, "console-new-user")
    assert ("姓" if language == "zh-Hant" else "Family name") in text

    admin.update_user(target["id"], {"requiredActions": ["UPDATE_PASSWORD"]})
    console.open_user(target["id"])
    # Required actions carry the realm's bilingual names (the console shows names untranslated).
    page.get_by_text("更新密碼 Update password").first.wait_for()
    read.page(page, "console-user-details")
    console.open_tab("credentials")
    alert = console.reset_password("Kq7~xZ9b")
    read.text(alert, "console-password-refused")
    read.picture(page, "console-password-refused")
    assert ("長度至少 12 個字元" if language == "zh-Hant" else "at least 12 characters") in alert, alert
    page.keyboard.press("Escape")
    console.open_tab("user-groups-tab")
    read.page(page, "console-user-groups")
    read.assert_clean()
