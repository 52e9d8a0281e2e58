"""The smaller points of issue 21 point 8, as the people meet them: the review queue opens on what
waits for a reviewer, oldest first, and lists everything newest first when asked; a signed-in
person's form C starts with what the system holds of them (never the national ID); a B with less
than the agency's notice is told so on its page once filed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import policies
from sync_service.services import applications as use_cases
from tests.pages.sync_pages import ReviewQueuePage
from tests.support.sync import REVIEWER, TW, form, ready_application

pytestmark = pytest.mark.browser


def test_the_queue_opens_on_what_waits_for_a_reviewer(service, base_url, reviewer, sign_in, page, institution):
    """Covers: R-DOC-4"""
    waiting_first = ready_application(service, "A", institution, "qwait00001")
    waiting_next = use_cases.submit(service.uow(), form("A", institution, "qwait00002"), caller=None).id
    done = use_cases.submit(service.uow(), form("A", institution, "qdone00003"), caller=None).id
    use_cases.reject(service.uow(), done, caller=REVIEWER, reason="重複申請")

    sign_in(reviewer, f"/review/?institution_code={institution}")
    queue = ReviewQueuePage(page, base_url)
    assert queue.references() == [waiting_first, waiting_next], "waiting for a reviewer, oldest first"
    assert "待處理" in page.locator("#f-status option:checked").inner_text()
    queue.open(institution_code=institution, status="all")
    assert queue.references() == [done, waiting_next, waiting_first], "everything, newest first"


def test_a_signed_in_persons_form_starts_with_what_the_system_holds(
    service, base_url, sign_in, page, make_user, grant, institution
):
    """Covers: R-FORM-1, R-MGR-4"""
    person = make_user()
    grant(person, institution, "CRC-COL")  # a user of one pair, applying to become its manager (C)
    # The institution's name as an application gave it.
    use_cases.submit(service.uow(), form("A", institution, f"x{person['username'][:10]}"), caller=None)
    sign_in(person, "/apply?type=C")
    values = {
        f: page.input_value(f"#{f}") for f in ("applicant_name", "email", "phone", "department", "institution_code")
    }
    assert values == {
        "applicant_name": "陳怡君",
        "email": person["email"],
        "phone": "(02)2559-1969#116",
        "department": "檢驗科",
        "institution_code": institution,
    }, values
    assert page.input_value("#institution_name") == "國立臺灣大學醫學院附設醫院"
    assert page.input_value("#category") == "CRC-COL" and page.input_value("#national_id") == ""


def test_a_b_with_short_notice_is_told_so_when_filed(service, base_url, sign_in, page, make_user, institution):
    """Covers: R-MGR-6"""
    notice = policies.departures().notice_days
    manager = make_user()
    reference = use_cases.submit(
        service.uow(),
        form(
            "B",
            institution,
            manager["username"],
            email=manager["email"],
            national_id=manager["national_id"],  # the person on the form is the account's holder
            effective_date=(datetime.now(TW).date() + timedelta(days=5)).isoformat(),
        ),
        caller=REVIEWER,
    ).id
    sign_in(manager, f"/applications/{reference}")
    told = page.locator("#late-notice").inner_text()
    assert f"未滿規定的 {notice} 日前通知" in told and "5" in told and "days' notice" in told
