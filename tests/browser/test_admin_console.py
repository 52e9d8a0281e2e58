"""An institution manager in Keycloak's own admin console (Debian chromium): signs in,
sees only their own users, creates one into their `users` group; in zh-Hant.
Screenshots for docs/manager-guide.zh-Hant.md go to docs/screenshots/ when asked
(`--update-screenshots`, see tests/conftest.py).
"""

from __future__ import annotations

import re

from tests.integration.admin_console.world import (
    OTHER_INSTITUTION,
    OTHER_MANAGER,
    OWN_CAT,
    OWN_USER,
    SAME_INSTITUTION_OTHER_CATEGORY,
)
from tests.support.personal_data import national_id

REALM = "cancer-screening"


def set_locale(admin, user_id: str, locale: str) -> None:
    rep = admin.get_user(user_id)
    admin.update_user(
        user_id,
        {
            **{k: rep[k] for k in ("username", "email", "firstName", "lastName")},
            "attributes": {**rep["attributes"], "locale": [locale]},
        },
    )


def sign_in_to_console(page, keycloak, person: dict, route: str = "users") -> None:
    page.goto(f"{keycloak.url}/admin/{REALM}/console/#/{REALM}/{route}")
    page.fill("#username", person["username"])
    page.fill("#password", person["password"])
    page.click("#kc-login")


def shot(page, folder, name: str) -> None:
    # The console fades its parts in: the picture is taken with animations run to their end
    # (the console keeps polling, so "network idle" never comes).
    page.screenshot(path=str(folder / name), animations="disabled")


def test_a_manager_sees_only_their_users_and_creates_one(page, keycloak, world, screenshots_dir):
    """Covers: R-USR-1, R-USR-4"""
    admin = world.admin
    mine = [world.target(OWN_USER) for _ in range(2)]
    others = [world.target(k) for k in (SAME_INSTITUTION_OTHER_CATEGORY, OTHER_INSTITUTION, OTHER_MANAGER)]
    set_locale(admin, world.manager["id"], "zh-Hant")

    sign_in_to_console(page, keycloak, world.manager)
    page.wait_for_selector("[data-testid=add-user]")
    table = page.locator("table")
    for person in mine:
        table.get_by_text(person["username"], exact=True).wait_for()
    listed = table.inner_text()
    for person in others + [world.manager]:
        assert person["username"] not in listed
    assert "使用者列表" in page.content()  # the console speaks zh-Hant
    shot(page, screenshots_dir, "manager-01-users.png")

    page.click("[data-testid=add-user]")
    page.wait_for_selector("#kc-join-groups-button")
    new = {"username": f"n{world.a[-6:]}x1", "email": f"n{world.a}@clinic.example.tw"}
    page.fill("#username", new["username"])
    page.fill("#email", new["email"])
    page.fill("#lastName", "林")
    page.fill("#firstName", "雅婷")
    page.locator('[name="attributes.phone"]').fill("(02)2559-1969#117")
    page.locator('[name="attributes.department"]').fill("檢驗科")

    page.click("#kc-join-groups-button")
    dialog = page.locator("[role=dialog]")
    for step in ("institutions", world.a, OWN_CAT):
        dialog.locator(f'[data-testid="{step}"]').click()
    dialog.locator('[data-testid="users-check"]').check()
    # The picker names what the codes stand for (the theme, decision 0150): institution, category, level.
    dialog.get_by_text(world.names[world.a]).first.wait_for()
    assert "大腸癌—採檢機構" in dialog.inner_text() and "使用者" in dialog.inner_text()
    shot(page, screenshots_dir, "manager-02-group-picker.png")
    dialog.get_by_role("button", name="加入").click()
    page.locator("form").get_by_text(f"/{OWN_CAT}/users").first.wait_for()
    page.locator("form").get_by_text(world.names[world.a]).first.wait_for()
    shot(page, screenshots_dir, "manager-03-new-user.png")
    # Without the person's national ID the account is not made, and the form says why (R-ACC-1).
    page.click("[data-testid=user-creation-save]")
    refusal = page.get_by_text("請填寫身分證字號")
    refusal.first.wait_for()
    assert "The national ID is required" in page.content() and admin.get_user_id(new["username"]) is None
    shot(page, screenshots_dir, "manager-03-national-id-required.png")
    page.locator('[name="attributes.nationalId"]').fill(national_id())
    page.click("[data-testid=user-creation-save]")

    page.wait_for_url(re.compile(r"/users/[0-9a-f-]{36}/settings"))
    page.get_by_text(new["username"]).first.wait_for()
    shot(page, screenshots_dir, "manager-04-created.png")

    new_id = admin.get_user_id(new["username"])
    assert new_id
    assert {g["id"] for g in admin.get_user_groups(new_id)} == {world.own_users_group["id"]}
    assert {"UPDATE_PROFILE", "TERMS_AND_CONDITIONS"} <= set(admin.get_user(new_id)["requiredActions"])

    page.get_by_role("tab", name=re.compile("憑證")).click()
    # The console keeps polling, so "network idle" never comes: wait for the tab itself.
    page.get_by_role("tab", name=re.compile("憑證"), selected=True).wait_for()
    shot(page, screenshots_dir, "manager-05-credentials.png")
    # The set-password dialog with the realm's rules in it (the theme, decision 0150), and the
    # set-up mail dialog, for the guide.
    # A new user has no password yet: the tab offers both as its empty state's actions.
    page.locator(".pf-v5-c-empty-state .pf-m-primary").first.click()
    page.wait_for_selector("#screening-password-rules li")
    shot(page, screenshots_dir, "manager-06-password-dialog.png")
    page.keyboard.press("Escape")
    page.wait_for_selector("#screening-password-rules", state="detached")
    page.locator(".pf-v5-c-empty-state .pf-m-link").first.click()
    page.wait_for_selector("[data-testid=credential-reset-modal]")
    shot(page, screenshots_dir, "manager-07-setup-mail-dialog.png")


def test_the_console_follows_the_managers_zh_hant_locale(browser, keycloak, world):
    """keycloak#41452 (26.3): the console ignored zh-TW. In 26.7.3 a manager whose locale
    is zh-Hant gets the console in zh-Hant, even from an English browser.

    Covers: R-USR-4
    """
    set_locale(world.admin, world.manager["id"], "zh-Hant")
    world.target(OWN_USER)  # an empty list shows another page, without the toolbar
    context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    served = []
    page.on("response", lambda r: served.append(r.url) if "/admin/" in r.url and "resources" in r.url else None)
    try:
        sign_in_to_console(page, keycloak, world.manager)
        page.wait_for_selector("[data-testid=add-user]")
        assert page.locator("[data-testid=add-user]").inner_text().strip() == "新增使用者"
        assert any(u.endswith(f"/resources/{REALM}/admin/zh-Hant") for u in served)
    finally:
        context.close()
