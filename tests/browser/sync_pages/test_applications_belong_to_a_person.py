"""An application, its printed forms and its scans belong to the person on the form (their
national ID), not to whoever holds an account of the name the form names (issue 18 item 2)."""

from __future__ import annotations

import pytest

from sync_service.adapters.keycloak_groups import ensure_grant_group, grant_group_path
from sync_service.adapters.keycloak_permissions import ensure_manager_permissions
from tests.conftest import good_password
from tests.integration.admin_console.manager_api import AdminApiAs
from tests.integration.admin_console.world import fresh_code, new_user_body
from tests.pages.keycloak import FirstSignInSteps, LoginPage
from tests.support.sync import new_account_name
from tests.support.tokens import password_token

from .test_applicant_to_approval import file_type_a
from .test_scans import PNG

pytestmark = pytest.mark.browser
CAT = "CRC-COL"


def manager_elsewhere(admin, make_user) -> dict:
    """The manager of a pair at another institution, with the console rights decision 0005 gives."""
    code = fresh_code()
    for level in ("manager", "user"):
        ensure_grant_group(admin, code, CAT, level)
    ensure_manager_permissions(admin, code, CAT)
    person = make_user(groups=[grant_group_path(code, CAT, "manager")])
    return {**person, "institution": code}


def sign_in_first_time(page, base_url, username: str, password: str, then: str) -> None:
    page.goto(f"{base_url}/sign-in?next={then}")
    LoginPage(page).sign_in(username, password)
    FirstSignInSteps(page).complete(good_password())
    page.wait_for_url(f"{base_url}{then}*")


def test_an_account_of_the_same_name_does_not_make_its_holder_the_applicant(
    service, apply_page, application_page, page, browser, base_url, admin, make_user, keycloak, institution, tmp_path
):
    """The issue's attack: a type A is filed for a new account name; the manager of another
    institution creates a user of that very name, signs in as them and asks for the
    application, its printed forms and its scan, and uploads a forged scan. Each is refused
    as if there were no such application (404); the applicant's own browser still sees it.

    Covers: R-ACC-1, R-PD-1
    """
    account = new_account_name("v")
    file_type_a(apply_page, service, institution, account)
    reference = application_page.reference()
    scan = tmp_path / "form-1-signed.png"
    scan.write_bytes(PNG)
    application_page.upload_scan("form-1", scan)
    with service.uow() as uow:
        [stored] = uow.scans.of_application(reference)

    manager = manager_elsewhere(admin, make_user)
    api = AdminApiAs(keycloak.url, password_token(keycloak.url, manager["username"], manager["password"]))
    squatter = new_user_body([grant_group_path(manager["institution"], CAT, "user")], username=account)
    assert api.create_user(squatter)[0] == 409, "the pending A holds its name in Keycloak (decision 0121)"
    # Should the name be taken all the same (the reservation removed by hand), the pages still hold.
    [held] = admin.get_users({"username": account, "exact": True})
    admin.delete_user(held["id"])
    status, squatter_id = api.create_user(squatter)
    assert status == 201
    first_password = good_password()
    assert api.reset_password(squatter_id, first_password, temporary=True) == 204

    # The squatter, in a browser of their own.
    context = browser.new_context(locale="zh-TW")
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in_first_time(page, base_url, account, first_password, "/mine")
    seen = {"listed in /mine": reference in page.content()}
    own = f"{base_url}/applications/{reference}"
    seen["application"] = page.goto(own).status
    seen["form 1 (PDF)"] = page.request.get(f"{own}/forms/form-1.pdf").status
    seen["consent (page)"] = page.request.get(f"{own}/forms/confidentiality-consent").status
    seen["scan"] = page.request.get(f"{own}/scans/{stored.id}").status
    page.goto(f"{base_url}/apply?type=C")
    csrf = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    seen["forged upload"] = page.request.post(
        f"{own}/scans",
        multipart={
            "csrf_token": csrf,
            "document": "form-1",
            "file": {"name": "forged.png", "mimeType": "image/png", "buffer": PNG},
        },
        max_redirects=0,
    ).status
    page.goto(f"{base_url}/my-data")
    seen["listed in /my-data"] = reference in page.content()
    assert seen == {
        "listed in /mine": False,
        "application": 404,
        "form 1 (PDF)": 404,
        "consent (page)": 404,
        "scan": 404,
        "forged upload": 404,
        "listed in /my-data": False,
    }
    with service.uow() as uow:
        assert [s.id for s in uow.scans.of_application(reference)] == [stored.id]
    context.close()
    # The applicant, in the browser that filed it, still has it.
    assert application_page.page.goto(own).status == 200
