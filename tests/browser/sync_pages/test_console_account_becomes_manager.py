"""The usual way a user becomes a manager (issue 18 item 1): the institution's manager makes the
person's account in Keycloak's admin console, national ID included, and later a C names that
account; HPA approves it and the account holds the manager grant, with no password mail."""

from __future__ import annotations

import pytest

from stack.mailsink import body_text
from sync_service.adapters.keycloak_groups import grant_group_path
from tests.conftest import unique
from tests.integration.admin_console.world import OWN_CAT, OWN_USER
from tests.pages.consoles import AdminConsole
from tests.support.personal_data import national_id
from tests.support.sync import ready_application

from .test_review_decisions import wait_provisioned

pytestmark = pytest.mark.browser


def test_a_c_for_an_account_a_manager_made_in_the_console(
    service, browser, keycloak, world, admin, mail, reviewer, sign_in, review_page
):
    """The manager creates the user in the console's create form (the national ID is required
    there, decision 0120) into their users group. A C for that account, with the national ID and
    e-mail the manager typed, is approved by a reviewer on the review page: the worker finds the
    form's person in the account and replaces the user grant with the manager grant; no password
    is mailed (before issue 18 such accounts held no national ID and every such C failed
    「身分證字號與申請書不符」).

    Covers: R-ACC-1, R-USR-1, R-MGR-4
    """
    world.target(OWN_USER)  # the console's user list shows its toolbar only when it lists someone
    name = unique("c")
    new = {"username": name, "email": f"{name}@clinic.example.tw", "nationalId": national_id()}
    managers_browser = browser.new_context(locale="zh-TW", viewport={"width": 1100, "height": 900})
    try:
        console_page = managers_browser.new_page()
        console_page.set_default_timeout(60_000)  # a loaded machine: the console takes its time (decision 0005)
        console = AdminConsole(console_page, keycloak.url)
        console.sign_in(world.manager)
        made = console.create_user(new, world.a, OWN_CAT)
    finally:
        managers_browser.close()  # the console keeps polling while open
    assert {g["path"] for g in admin.get_user_groups(made)} == {grant_group_path(world.a, OWN_CAT, "user")}
    assert "nationalId" not in (admin.get_user(made).get("attributes") or {})  # the digest only, decision 0030

    reference = ready_application(
        service,
        "C",
        world.a,
        name,
        email=new["email"],
        national_id=new["nationalId"],
        applicant_name="林雅婷",  # as the manager typed the names (family 林, given 雅婷)
    )
    sign_in(reviewer, f"/review/{reference}")
    review_page.approve()
    wait_provisioned(service, reference)

    assert {g["path"] for g in admin.get_user_groups(made)} == {grant_group_path(world.a, OWN_CAT, "manager")}
    # Provisioning sends a password mail, if any, before it is done: none was sent.
    assert [m for m in mail.messages(new["email"]) if "預設密碼" in body_text(m)] == []
