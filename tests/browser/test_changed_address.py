"""A manager changes a person's e-mail address: no mail goes to the new address until the person,
signed in with their own password, confirms it (issue 18 item 7, R-CONF-2, decision 0123).

Against the session's Keycloak, mail through the run's SMTP sink. The manager acts with their own
token on the Admin REST API the console calls (and, once, in the console itself, to read what it
says); the person signs in and confirms in the browser.
"""

from __future__ import annotations

import pytest

from stack.mailsink import body_text
from tests.conftest import good_password
from tests.integration.admin_console.world import OWN_USER, ManagerWorld
from tests.pages.consoles import AccountConsole, AdminConsole
from tests.pages.keycloak import LoginPage, ResetCredentialsPage, UpdatePasswordPage, mailed_link
from tests.support.waiting import wait_until

WITHHELD_ZH = "尚未經本人確認"
WITHHELD_EN = "has not confirmed it yet"


@pytest.fixture
def world(admin, make_user, keycloak) -> ManagerWorld:
    w = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    w.provision()
    return w


def change_address(world: ManagerWorld, person: dict) -> str:
    """The manager gives the person a new address, as the console's save sends it; returns it."""
    shown = world.admin.get_user(person["id"])
    new = f"moved.{person['username']}@other-clinic.example.tw"
    body = {k: shown.get(k) for k in ("username", "firstName", "lastName", "enabled", "emailVerified")}
    body["attributes"] = {k: v for k, v in (shown.get("attributes") or {}).items() if k != "nationalIdDigests"}
    # The console sends "email verified" as it was shown (on): a manager cannot vouch for the new one.
    body.update(email=new, emailVerified=True, requiredActions=[])
    assert world.manager_api().update_user(person["id"], body) == 204
    return new


def sent_to(mail, address: str) -> list:
    return mail.messages(to=address)


def test_a_changed_address_gets_no_mail_until_the_person_confirms_it(page, browser, keycloak, world, mail):
    """The set-password mail goes to an address the person confirmed is theirs and in use.

    Covers: R-CONF-2, R-FORM-5"""
    person = world.target(OWN_USER)
    old = person["email"]
    new = change_address(world, person)

    shown = world.admin.get_user(person["id"])
    assert shown["email"] == new and shown["emailVerified"] is False
    assert "VERIFY_EMAIL" in shown["requiredActions"]
    # The old address is told, with the new one masked (what banks do).
    [notice] = mail.wait_for(old)
    assert person["username"] in body_text(notice) and new not in body_text(notice)
    assert "m***@other-clinic.example.tw" in body_text(notice)

    # The set-password mail a manager sends: refused, and the answer says why in both languages.
    answer = world.manager_api().actions_mail(person["id"], ["UPDATE_PASSWORD"])
    assert answer.status_code == 409, answer.text
    assert WITHHELD_ZH in answer.text and WITHHELD_EN in answer.text
    # Nor can the manager send Keycloak's verification mail, which anyone holding the mailbox could confirm.
    assert world.manager_api().verify_mail(person["id"]).status_code == 409
    # The console shows the same reason under its own title.
    manager_page = browser.new_page()
    try:
        console = AdminConsole(manager_page, keycloak.url)
        console.sign_in(world.manager, settle=False)
        console.open_user(person["id"], settle=False)
        alert = console.send_actions_mail("Update password")
        assert WITHHELD_ZH in alert and WITHHELD_EN in alert, alert
    finally:
        manager_page.close()
    assert sent_to(mail, new) == []

    # The person signs in with their own password and confirms the new address.
    AccountConsole(page, keycloak.url).sign_in(person)
    # Their password was set by an administrator (the test's account), so it is replaced first
    # (decision 0031); then Keycloak's VERIFY_EMAIL step mails the link to the new address.
    UpdatePasswordPage(page).set_password(good_password())
    [verification] = mail.wait_for(new)
    assert "action-token" in body_text(verification)
    page.goto(mailed_link(verification))
    page.wait_for_selector("#firstName")
    confirmed = world.admin.get_user(person["id"])
    assert confirmed["emailVerified"] is True and "VERIFY_EMAIL" not in confirmed["requiredActions"]

    # Now the manager's mail goes to it.
    assert world.manager_api().actions_mail(person["id"], ["UPDATE_PASSWORD"]).status_code == 204
    mail.wait_for(new, count=2)


def test_the_forgot_password_mail_waits_for_a_confirmed_address(page, keycloak, world, mail, captcha_answers):
    """The person's own "forgot password" with the changed address: the same page as always, and no
    link to the address nobody confirmed; the event says why.

    Covers: R-CONF-2"""
    person = world.target(OWN_USER)
    new = change_address(world, person)

    AccountConsole(page, keycloak.url).open_sign_in_page()
    LoginPage(page).forgot_password()
    reset = ResetCredentialsPage(page)
    reset.request(person["username"], new, captcha_answers.latest(reset.tab_id()))
    # The same page as for any request (whether a mail went or not is never told, R-LCK-2).
    page.wait_for_selector("#kc-login")
    assert "您稍後將收到包含進一步指令的郵件" in LoginPage(page).messages()

    def withheld() -> list:
        events = world.admin.get_events({"user": person["id"], "type": "SEND_RESET_PASSWORD_ERROR"})
        return [e for e in events if e.get("error") == "address_not_confirmed"]

    wait_until(withheld, 120, "the reset request carried out and withheld")
    assert sent_to(mail, new) == []
