"""The vendor (資拓宏宇) as its staff work (R-VEN-1, issue 22 point 1): a personal-data request
received in writing, for a person without an account, registered and closed within its deadline;
the vendor's processing recorded on an application, which HPA's reviewers see; and the vendor
refused when it tries to approve; an institution suspended and lifted on the suspensions page
(R-SUS-1)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from sync_service.adapters.keycloak_groups import ensure_grant_group, grant_group_path
from sync_service.domain import Status
from sync_service.services import applications as use_cases
from tests.pages.sync_pages import ReviewApplicationPage, ReviewPersonalDataPage, SuspensionsPage, WrittenRequestPage
from tests.support.personal_data import national_id
from tests.support.sync import REVIEWER, TW, form, new_account_name, ready_application

pytestmark = pytest.mark.browser


def test_the_vendor_registers_a_written_request_of_a_person_without_an_account_and_closes_it_in_time(
    shoot, service, base_url, vendor, sign_in, page, institution, tmp_path
):
    """Covers: R-PD-2, R-VEN-1"""
    nobody, applicant_id = national_id(), national_id()  # the rejected applicant's is kept with the application
    rejected = use_cases.submit(
        service.uow(), form("A", institution, new_account_name("w"), national_id=applicant_id), caller=None
    ).id
    use_cases.reject(service.uow(), rejected, caller=REVIEWER, reason="單位切結書未用印")
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4\n% a letter asking for a copy of my data\n")
    received = datetime.now(TW).date() - timedelta(days=3)

    sign_in(vendor, "/review/personal-data")
    queue = ReviewPersonalDataPage(page, base_url)
    page.click("#register-written")
    written = WrittenRequestPage(page, base_url)
    assert written.serious_accessibility_violations() == []
    written.register("copy", letter=letter, national_id=nobody, received_on=received.isoformat())
    assert "查無" in written.error_beside("national_id") and "Nothing is held" in written.error_beside("national_id")
    written.register(
        "copy", letter=letter, national_id=applicant_id.lower(), received_on=received.isoformat(), fee="50"
    )
    assert "書面" in written.fact("channel") and vendor["username"] in written.fact("channel")
    assert written.fact("received-on") == received.isoformat() and "50" in written.fact("fee")
    deadline = (received + timedelta(days=15)).isoformat()
    assert queue.deadline().startswith(deadline)
    shoot(written, "review-written-request")

    queue.approve()
    assert queue.status() == "approved"
    closed = written.fact("closed")
    assert f"於期限 {deadline} 內" in closed and "within the deadline" in closed
    copy = json.loads(written.download_copy(tmp_path).read_text(encoding="utf-8"))
    assert [a["reference"] for a in copy["applications"]] == [rejected]
    assert copy["applications"][0]["national_id"] == applicant_id


def test_the_vendor_records_its_processing_and_is_refused_on_approve(
    shoot, service, base_url, vendor, reviewer, sign_in, page, institution
):
    """Covers: R-VEN-1, R-FORM-6"""
    reference = ready_application(service, "A", institution, new_account_name("v"))
    sign_in(vendor, f"/review/{reference}")
    file = ReviewApplicationPage(page, base_url)
    assert page.locator("#approve").count() == 0 and page.locator("#reject").count() == 0
    today = datetime.now(TW).date().isoformat()
    file.record_vendor("吳工程師", today, "已核對帳號名稱")
    assert "吳工程師" in page.locator("#vendor-record").inner_text()
    token = page.locator('#vendor-form input[name="csrf_token"]').get_attribute("value")
    # A browser's own POST carries its page as the referrer; over TLS (the production shape) the
    # CSRF check asks for it, and without it the refusal would be the CSRF's 400, not the role's.
    refused = page.request.post(
        f"{base_url}/review/{reference}/approve", form={"csrf_token": token}, headers={"Referer": page.url}
    )
    assert refused.status == 403 and "限國健署審核人員" in refused.text()
    with service.uow() as uow:
        assert uow.applications.get(reference).status is Status.ORIGINALS_RECEIVED

    sign_in(reviewer, f"/review/{reference}")  # HPA sees the vendor's step on the application
    assert "吳工程師" in page.locator("#vendor-record").inner_text()
    assert any(vendor["username"] in row and "維護廠商登錄" in row for row in file.audit_actions())
    assert page.locator("#vendor-form").count() == 0
    shoot(file, "review-vendor-record")
    file.approve()
    assert "已核准" in file.status()


def test_the_vendor_suspends_an_institution_on_the_page_and_a_reviewer_lifts_it(
    shoot, base_url, vendor, reviewer, sign_in, page, institution, make_user, admin
):
    """Covers: R-SUS-1, R-VEN-1"""
    for level in ("manager", "user"):
        ensure_grant_group(admin, institution, "CRC-COL", level)
    manager = make_user(required_actions=[], groups=[grant_group_path(institution, "CRC-COL", "manager")])
    before = {g["path"] for g in admin.get_user_groups(manager["id"])}
    sign_in(vendor, "/review/suspensions/")
    suspending = SuspensionsPage(page, base_url)
    assert suspending.serious_accessibility_violations() == []
    suspending.suspend_institution(institution, reason=" ", reference="")
    assert "停權原因" in suspending.error_beside("reason") and "Reason" in suspending.error_beside("reason")
    assert suspending.error_beside("reference")
    suspending.suspend_institution(institution, reason="違反切結書第三點", reference="資字第115001號")
    assert "已停權" in suspending.done() and "Suspended" in suspending.done()
    row = suspending.row(institution)
    assert row.get_attribute("data-active") == "yes" and "資字第115001號" in row.inner_text()
    assert admin.get_user_groups(manager["id"]) == []
    assert admin.get_user(manager["id"])["enabled"] is False
    shoot(suspending, "suspensions")

    sign_in(reviewer, "/review/suspensions/")
    lifting = SuspensionsPage(page, base_url)
    lifting.lift(institution, "")
    assert "解除原因" in lifting.row(institution).inner_text()  # the note beside the field
    assert lifting.row(institution).get_attribute("data-active") == "yes"
    lifting.lift(institution, "已改善並函復")
    assert "已解除停權" in lifting.done()
    assert lifting.row(institution).get_attribute("data-active") == "no"
    assert {g["path"] for g in admin.get_user_groups(manager["id"])} == before
    assert admin.get_user(manager["id"])["enabled"] is True
