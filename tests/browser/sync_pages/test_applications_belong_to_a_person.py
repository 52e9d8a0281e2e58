"""An application, its printed forms and its scans belong to the person on the form (their
national ID), not to whoever holds an account of the name the form names; and a B, C or D filed
signed in is checked against the account at filing (issue 18 item 2)."""

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


def test_a_c_or_d_filed_signed_in_is_checked_against_the_account_at_once(
    service, apply_page, application_page, sign_in, make_user, grant, institution
):
    """A person signed in with their own account files a C on form 1 with a national ID that is
    not theirs (someone else's, valid): the form comes back at once with the refusal beside the
    field, in zh-Hant with English beside it, and nothing is filed. With their own national ID the
    same form is filed. A D with another person's national ID and e-mail is refused the same way,
    both fields named (decision 0125, "checked at filing").

    Covers: R-ACC-1
    """
    person, someone_else = make_user(), make_user()
    grant(person, institution, CAT)  # a user of one pair, applying to become its manager (C)
    values = {
        "type": "C",
        "category": CAT,
        "institution_name": "國立臺灣大學醫學院附設醫院",
        "institution_code": institution,
        "department": "家庭醫學部",
        "applicant_name": "林美玲",
        "phone": "02-2559-1969轉117",
        "national_id": someone_else["national_id"],
        "email": person["email"],
    }

    def filed() -> list[str]:
        with service.uow() as uow:
            return [a.id for a in uow.applications.list(institution_code=institution)]

    sign_in(person, "/apply?type=C")
    apply_page.fill(values)
    apply_page.send()
    refusal = apply_page.error_beside("national_id")
    assert f"身分證字號與您登入的帳號（{person['username']}）的持有人不符" in refusal, refusal
    assert "is not that of the holder of the account you signed in with" in refusal, refusal
    assert apply_page.error_beside("email") == ""
    assert apply_page.value("national_id") == someone_else["national_id"]  # the form as typed, to correct
    assert filed() == []

    apply_page.fill({"national_id": person["national_id"]})
    apply_page.send()
    reference = application_page.reference()
    assert "已送件" in application_page.status()
    assert filed() == [reference]

    apply_page.open("D")
    apply_page.fill({**values, "type": "D", "email": someone_else["email"]})
    apply_page.send()
    assert "持有人不符" in apply_page.error_beside("national_id")
    assert "E-mail 與帳號" in apply_page.error_beside("email") and "differs" in apply_page.error_beside("email")
    assert filed() == [reference]
