"""Reviewers' decisions as applicants see them: a rejection's reason on the
status page; a manager replaced in one decision; C and D filed signed in."""

from __future__ import annotations

import unicodedata

import pytest

from sync_service.domain import Status
from sync_service.services import applications as use_cases
from tests.pages.sync_pages import ApplicationPage, ReviewApplicationPage, StatusPage
from tests.support.sync import REVIEWER, letter, new_account_name, ready_application
from tests.support.waiting import wait_until

from .test_applicant_to_approval import file_type_a

pytestmark = pytest.mark.browser


def wait_provisioned(service, reference: str, timeout: float = 60) -> None:
    def provisioned() -> bool:
        with service.uow() as uow:
            app = uow.applications.get(reference)
        assert app.status is not Status.FAILED, (app.status, app.failure_reason)
        return app.status is Status.PROVISIONED

    wait_until(provisioned, timeout, f"application {reference} provisioned")


def test_a_rejected_application_shows_its_reason_on_the_status_page(
    shoot, service, apply_page, application_page, browser, base_url, reviewer, sign_in, page, institution
):
    """Covers: R-MGR-2, R-FORM-1"""
    values = file_type_a(apply_page, service, institution, new_account_name("r"))
    reference = application_page.reference()

    sign_in(reviewer, "/review/")  # the same browser, now the reviewer's: a fresh session at sign-in
    file = ReviewApplicationPage(page, base_url)
    file.open(reference)
    file.reject("單位切結書未用印，請補正後重新申請")
    assert "已退件" in file.status()

    applicant = browser.new_context(locale="zh-TW").new_page()
    status = StatusPage(applicant, base_url)
    status.open()
    assert status.serious_accessibility_violations() == []
    status.look_up(reference, values["email"].upper())  # the address as typed, in any case
    seen = ApplicationPage(applicant, base_url)
    assert "已退件" in seen.status() and "rejected" in seen.status()
    # Stored as typed, in NFKC like every field (the full-width comma becomes ",").
    assert seen.rejection_reason() == unicodedata.normalize("NFKC", "單位切結書未用印，請補正後重新申請")
    shoot(seen, "status-rejected")
    applicant.context.close()


def test_c_and_d_filed_signed_in_and_a_manager_replaced_in_one_decision(
    shoot, service, apply_page, application_page, base_url, reviewer, sign_in, page, make_user, admin, institution
):
    """Covers: R-MGR-1, R-MGR-4, R-MGR-5"""
    # The seat is held: an earlier manager, approved and provisioned.
    # C and D are provisioned only for the person on the form (same e-mail and national ID).
    current = make_user()
    held = ready_application(service, "C", institution, current["username"], email=current["email"])
    use_cases.approve(service.uow(), held, caller=REVIEWER)
    wait_provisioned(service, held)

    # Another person at the institution files C for their own account, signed in.
    person = make_user()
    sign_in(person, "/apply?type=C")
    assert apply_page.value("account") == person["username"]
    apply_page.fill(
        {
            "type": "C",
            "category": "CRC-COL",
            "institution_name": "國立臺灣大學醫學院附設醫院",
            "institution_code": institution,
            "department": "家庭醫學部",
            "applicant_name": "林美玲",
            "phone": "02-2559-1969轉117",
            "national_id": person["national_id"],
            "email": person["email"],
        }
    )
    apply_page.send()
    replacement = application_page.reference()
    assert "已送件" in application_page.status()

    # The reviewer replaces the manager: one decision, both changes.
    sign_in(reviewer, f"/review/{replacement}")
    file = ReviewApplicationPage(page, base_url)
    file.record_originals(letter()["received_on"], letter()["letter_number"])
    assert page.locator("#seat-taken").is_visible()
    file.approve()  # without naming the replaced manager the seat refuses
    assert "已有管理者" in file.decision_error() or "manager" in file.decision_error()
    file.approve(replacing=True)
    assert "已核准" in file.status() or "已開通" in file.status()
    wait_provisioned(service, replacement)
    managers = {
        m["username"]
        for m in admin.get_group_members(admin.get_group_by_path(f"/institutions/{institution}/CRC-COL/managers")["id"])
    }
    assert managers == {person["username"].lower()}

    # The new manager steps down to user (D), signed in.
    sign_in(person, "/apply?type=D")
    apply_page.fill(
        {
            "type": "D",
            "category": "CRC-COL",
            "institution_name": "國立臺灣大學醫學院附設醫院",
            "institution_code": institution,
            "department": "家庭醫學部",
            "applicant_name": "林美玲",
            "phone": "02-2559-1969轉117",
            "national_id": person["national_id"],
            "email": person["email"],
        }
    )
    apply_page.send()
    assert "已送件" in application_page.status()
    page.goto(f"{base_url}/mine")
    assert application_page.page.locator("#my-applications tbody tr").count() == 2
