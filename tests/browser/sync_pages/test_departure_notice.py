"""A B (管理者註銷) with less notice than the agency asks is flagged to the
reviewer, on the queue and on the application's page, who may still approve it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import policies
from sync_service.services import applications as use_cases
from tests.pages.sync_pages import ReviewApplicationPage, ReviewQueuePage
from tests.support.sync import REVIEWER, TW, ready_application

from .test_review_decisions import wait_provisioned

pytestmark = pytest.mark.browser


def test_short_notice_is_flagged_to_the_reviewer_who_may_still_approve(
    shoot, service, base_url, reviewer, sign_in, page, make_user, institution
):
    """Covers: R-MGR-6"""
    notice = policies.departures().notice_days
    today = datetime.now(TW).date()
    manager = make_user()
    held = ready_application(service, "C", institution, manager["username"], email=manager["email"])
    use_cases.approve(service.uow(), held, caller=REVIEWER)
    wait_provisioned(service, held)
    short = ready_application(
        service,
        "B",
        institution,
        manager["username"],
        email=manager["email"],
        effective_date=(today + timedelta(days=3)).isoformat(),
    )
    ample = ready_application(
        service,
        "B",
        institution,
        manager["username"],
        email=manager["email"],
        effective_date=(today + timedelta(days=notice)).isoformat(),
        category="CER-COL",  # another seat: one B or D is open at a time for a seat (issue 21 point 8)
    )

    sign_in(reviewer, f"/review/?institution_code={institution}")
    queue = ReviewQueuePage(page, base_url)
    flag = queue.short_notice_flag(short)
    assert f"未滿 {notice} 日通知" in flag and "short notice" in flag
    assert queue.short_notice_flag(ample) == ""
    shoot(queue, "review-queue-short-notice")

    file = ReviewApplicationPage(page, base_url)
    file.open(ample)
    assert file.short_notice_finding() == ""
    file.open(short)
    finding = file.short_notice_finding()
    assert f"僅 3 日通知（自收文日 {today.isoformat()}起算），未滿 {notice} 日" in finding
    assert "Only 3 days' notice" in finding
    assert file.effective_date() == (today + timedelta(days=3)).isoformat()
    shoot(file, "review-short-notice")
    file.approve()  # the flag informs; it does not stop a departure from being closed on its date
    assert "已核准" in file.status()
