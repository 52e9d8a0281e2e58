"""The "forgot password" step: the same answer whatever the input, mail only on a
full match, and a captcha that cannot be skipped, reused or guessed into a mail."""
import re

import pytest

from tests.pages.keycloak import ResetCredentialsPage

DYNAMIC = [
    (re.compile(r"(session_code|execution|tab_id|client_data|client_id|nonce)=[^&\"'\s]+"), r"\1=…"),
    (re.compile(r'nonce="[^"]*"'), 'nonce="…"'),
    (re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+"), "data:image/png;base64,…"),
    # per-page random values (the session state checker in the page's script)
    (re.compile(r'"[A-Za-z0-9+/=]{40,}"'), '"…"'),
]


def _normalised(html: str, typed_username: str) -> str:
    for pattern, repl in DYNAMIC:
        html = pattern.sub(repl, html)
    return html.replace(typed_username, "«typed account»")


@pytest.fixture
def open_reset(browser, screening_client):
    """A fresh browser on the "forgot password" page; returns (page, reset page)."""
    contexts = []

    def open_() -> tuple:
        context = browser.new_context(locale="zh-TW")
        contexts.append(context)
        page = context.new_page()
        page.goto(screening_client + "/login")
        page.click('a[href*="reset-credentials"]')
        page.wait_for_selector("#kc-reset-password-form")
        return page, ResetCredentialsPage(page)
    yield open_
    for c in contexts:
        c.close()


def test_same_answer_whatever_happened_and_mail_only_on_match(
        admin, make_user, mail, open_reset, captcha_answers):
    """Covers: R-LCK-2"""
    other = make_user()
    disabled = make_user()
    admin.update_user(disabled["id"], {"enabled": False})  # disabled by an administrator
    match = make_user()
    cases = {
        "no such account": ("nobody" + match["username"][1:], "nobody@clinic.example.tw"),
        "account with another e-mail": (other["username"], "someone.else@clinic.example.tw"),
        "disabled by an administrator": (disabled["username"], disabled["email"]),
        "match": (match["username"], match["email"]),
    }
    answers = {}
    for name, (username, email) in cases.items():
        page, reset = open_reset()
        with page.expect_navigation() as nav:
            page.fill("#username", username)
            page.fill("#email", email)
            page.fill("#captcha", captcha_answers.latest(reset.tab_id()))
            page.click('#kc-reset-password-form [type="submit"]')
        answers[name] = (nav.value.status, _normalised(page.content(), username))

    mail.wait_for(match["email"])
    statuses = {name: status for name, (status, _) in answers.items()}
    bodies = {body for _, body in answers.values()}
    print(statuses)
    assert len(set(statuses.values())) == 1, statuses
    assert len(bodies) == 1, "the page differs between cases"
    for user in (other, disabled):
        assert mail.messages(user["email"]) == []
    assert mail.messages("someone.else@clinic.example.tw") == []
    assert mail.messages("nobody@clinic.example.tw") == []


def test_wrong_captcha_sends_nothing_and_asks_again(make_user, mail, open_reset, captcha_answers):
    """Covers: R-LCK-2"""
    user = make_user()
    page, reset = open_reset()
    first = captcha_answers.latest(reset.tab_id())
    wrong = "WRONG" if first != "WRONG" else "WRONH"
    reset.request(user["username"], user["email"], wrong)
    assert reset.captcha_shown(), "the form is shown again with a new captcha"
    assert "驗證碼" in reset.messages()
    # The first answer was consumed by the wrong try: it no longer works.
    reset.request(user["username"], user["email"], first)
    assert reset.captcha_shown()
    # Only a fresh answer sends the mail, and it is the first mail this user ever got.
    reset.request(user["username"], user["email"], captcha_answers.latest(reset.tab_id()))
    assert len(mail.wait_for(user["email"])) == 1


def test_captcha_cannot_be_skipped(make_user, mail, open_reset, captcha_answers):
    """Covers: R-LCK-2"""
    user = make_user()
    page, reset = open_reset()
    page.evaluate("document.getElementById('captcha').remove()")
    page.fill("#username", user["username"])
    page.fill("#email", user["email"])
    page.click('#kc-reset-password-form [type="submit"]')
    page.wait_for_load_state()
    assert reset.captcha_shown()
    assert "驗證碼" in reset.messages()
    reset.request(user["username"], user["email"], captcha_answers.latest(reset.tab_id()))
    assert len(mail.wait_for(user["email"])) == 1


def test_a_used_captcha_cannot_be_replayed(make_user, mail, open_reset, captcha_answers):
    """Covers: R-LCK-2"""
    user = make_user()
    page, reset = open_reset()
    action = page.get_attribute("#kc-reset-password-form", "action")
    answer = captcha_answers.latest(reset.tab_id())
    form = {"username": user["username"], "email": user["email"], "captcha": answer}
    reset.request(**form)
    mail.wait_for(user["email"])
    # The same POST again, cookies and all, as an attacker replaying it would send it.
    page.request.post(action, form=form)
    page.request.post(action, form=form)
    assert len(mail.messages(user["email"])) == 1
