"""Every refusal an institution manager meets in the admin console says why in the manager's
language (issue 21 point 3; decision 0150): not Keycloak's English answer inside a zh-Hant
sentence, not a bare HTTP status. Each refusal is reached as a manager reaches it, in Debian
chromium against the session's Keycloak; one test in zh-Hant, one in English."""

from __future__ import annotations

import re

from stack.legacy_export import bad_checksum
from tests.browser.test_admin_console import set_locale
from tests.integration.admin_console.world import OWN_CAT, OWN_USER
from tests.pages.consoles import AdminConsole
from tests.support.personal_data import national_id

ENGLISH_SERVER_WORDS = re.compile(r"User exists|HTTP \d{3}|Forbidden|\$t\(")


def _fresh(console: AdminConsole) -> None:
    """The users list loaded anew: no toast of an earlier step left on the page."""
    console.page.goto(f"{console.base}/users")
    console.page.reload()
    console.page.wait_for_selector("[data-testid=add-user]")


def _toast(console: AdminConsole) -> str:
    alert = console.page.locator("[data-testid=last-alert]")
    alert.wait_for()
    return alert.inner_text()


def _create_refused(console: AdminConsole, world, new: dict, with_group: bool = True) -> None:
    _fresh(console)
    console.open_new_user_form()
    console.fill_new_user({"username": f"r{world.a[-7:]}", "email": f"r{world.a}@clinic.example.tw", **new})
    if with_group:
        console.pick_group(world.a, OWN_CAT)
    console.page.click("[data-testid=user-creation-save]")


def _denied(console: AdminConsole, world) -> str:
    """The manager's grant ends (a D, a suspension) while they are signed in: the console, loaded
    again, shows its denial page in their language."""
    world.admin.group_user_remove(world.manager["id"], world.own_managers_group["id"])
    console.page.goto(f"{console.base}/users")
    console.page.reload()
    ours = console.page.locator("#screening-console-forbidden")
    ours.wait_for()
    return console.refusal()


def test_the_consoles_refusals_say_why_in_zh_hant(page, keycloak, world):
    """Covers: R-USR-4"""
    set_locale(world.admin, world.manager["id"], "zh-Hant")
    mine = world.target(OWN_USER)
    console = AdminConsole(page, keycloak.url)
    console.sign_in(world.manager)
    said = {}

    # An account name someone already has (Keycloak: "User exists with same username").
    _create_refused(console, world, {"username": mine["username"]})
    said["same account name"] = _toast(console)
    assert "此帳號名稱已有人使用" in said["same account name"]
    # No group picked (Keycloak: "HTTP 403 Forbidden").
    _create_refused(console, world, {}, with_group=False)
    said["no group"] = _toast(console)
    assert "您沒有這項權限" in said["no group"] and "加入群組" in said["no group"]
    # Our validator's refusals of a national ID, under the field (zh-Hant first, English beside it).
    _create_refused(console, world, {"nationalId": bad_checksum(national_id())})
    field = page.locator(".pf-v5-c-helper-text__item.pf-m-error").first
    field.wait_for()
    said["national ID check digit"] = field.inner_text()
    _create_refused(console, world, {"nationalId": mine["national_id"]})
    page.get_by_text("一人一帳號").first.wait_for()
    said["national ID held"] = page.locator(".pf-v5-c-helper-text__item.pf-m-error").first.inner_text()
    # A user's details saved with an e-mail address that is not one (Keycloak's own zh-Hant words).
    console.open_user(mine["id"])
    page.fill("#email", "not-an-address")
    page.click("[data-testid=user-creation-save]")
    said["invalid e-mail"] = _toast(console)
    assert "無效的電子郵件地址" in said["invalid e-mail"]
    # The manager's grant ended or suspended: the denial page says so and whom to call.
    said["denied"] = _denied(console, world)
    assert "撤銷或停權" in said["denied"] and "(02)2559-1969" in said["denied"]

    print("\n" + "\n".join(f"{k}: {v}" for k, v in said.items()))
    for what, text in said.items():
        assert not ENGLISH_SERVER_WORDS.search(text), (what, text)
        assert re.search(r"[\u4e00-\u9fff]", text.split(" One ")[0]), (what, text)


def test_the_consoles_refusals_say_why_in_english(browser, keycloak, world):
    """Covers: R-USR-4"""
    set_locale(world.admin, world.manager["id"], "en")
    mine = world.target(OWN_USER)
    context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        console = AdminConsole(page, keycloak.url)
        console.sign_in(world.manager)
        _create_refused(console, world, {"username": mine["username"]})
        taken = _toast(console)
        assert "This account name is taken" in taken and not ENGLISH_SERVER_WORDS.search(taken), taken
        denied = _denied(console, world)
        assert "suspended" in denied and "(02)2559-1969" in denied, denied
    finally:
        context.close()
