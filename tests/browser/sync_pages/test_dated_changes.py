"""Dated changes (R-MGR-6, issue 22 point 4), as people meet them: a manager files a D dated
tomorrow and it takes effect at 00:00 Taipei time (the worker's clock injected: no test waits
for midnight); a reviewer files a B from the institution's letter, and another reviewer decides it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import requests

import policies
from stack.paths import REALM_NAME
from sync_service.domain import Status
from sync_service.services import applications as use_cases
from tests.pages.sync_pages import FileLetterPage, ReviewApplicationPage
from tests.support.sync import REVIEWER, TW, letter, ready_application
from tests.support.tokens import token_response

from .test_review_decisions import wait_provisioned

pytestmark = pytest.mark.browser


def _provisioned_manager(service, make_user, institution) -> dict:
    manager = make_user()
    held = ready_application(service, "C", institution, manager["username"], email=manager["email"])
    use_cases.approve(service.uow(), held, caller=REVIEWER)
    wait_provisioned(service, held)
    return manager


def _form_of(manager: dict, institution: str, **extra) -> dict:
    return {
        "category": "CRC-COL",
        "institution_name": "國立臺灣大學醫學院附設醫院",
        "institution_code": institution,
        "department": "家庭醫學部",
        "applicant_name": "王小明",
        "phone": "(02)2559-1969#116",
        "national_id": manager["national_id"],
        "email": manager["email"],
        **extra,
    }


def _members(admin, institution: str, group: str) -> set[str]:
    found = admin.get_group_by_path(f"/institutions/{institution}/CRC-COL/{group}")
    return {m["username"] for m in admin.get_group_members(found["id"])} if found else set()


def test_a_dated_d_takes_effect_at_midnight(
    shoot, service, base_url, reviewer, sign_in, page, make_user, admin, keycloak, institution, apply_page
):
    """Covers: R-MGR-5, R-MGR-6"""
    manager = _provisioned_manager(service, make_user, institution)
    today = datetime.now(TW).date()
    tomorrow = today + timedelta(days=1)

    sign_in(manager, "/apply?type=D")
    apply_page.fill({"type": "D", **_form_of(manager, institution, effective_date=tomorrow.isoformat())})
    apply_page.send()
    reference = page.locator("#app-reference").inner_text().strip()

    sign_in(reviewer, f"/review/{reference}")
    file = ReviewApplicationPage(page, base_url)
    sent = letter()
    file.record_originals(sent["received_on"], sent["letter_number"])
    assert "僅 1 日通知" in file.short_notice_finding()  # counted from the letter's day
    file.approve()
    assert "已核准" in file.status()
    assert file.effective_date() == tomorrow.isoformat() and "00:00" in file.effective_date_text()
    shoot(file, "review-dated-d")

    r = token_response(keycloak.url, manager["username"], manager["password"], scope="openid")
    held = r.json()["access_token"]
    userinfo = f"{keycloak.url}/realms/{REALM_NAME}/protocol/openid-connect/userinfo"
    midnight = datetime.combine(tomorrow, time(0), TW)
    clock = [midnight - timedelta(seconds=1)]
    # The outbox alone at the injected clock (no periodic job at a pretended hour): on the production
    # shape this worker runs beside the stack's own, which leave the dated change to its day.
    on_time = service.worker(threads=1, clock=lambda: clock[0], schedule=None)
    try:
        on_time.run_until_idle()  # 23:59:59: still the manager
        assert manager["username"] in _members(admin, institution, "managers")
        assert requests.get(userinfo, headers={"Authorization": f"Bearer {held}"}, timeout=20).status_code == 200
        clock[0] = midnight
        on_time.run_until_idle()  # 00:00 Taipei: a user, and the sessions ended
    finally:
        on_time.close()
    with service.uow() as uow:
        assert uow.applications.get(reference).status is Status.PROVISIONED
    assert manager["username"] not in _members(admin, institution, "managers")
    assert manager["username"] in _members(admin, institution, "users")
    assert requests.get(userinfo, headers={"Authorization": f"Bearer {held}"}, timeout=20).status_code == 401
    file.open(reference)
    assert "已開通" in file.status()


def test_a_b_filed_from_the_institutions_letter_is_decided_by_another_reviewer(
    shoot, service, base_url, reviewer, sign_in, page, make_user, admin, institution
):
    """Covers: R-MGR-3, R-MGR-6, R-DOC-4"""
    manager = _provisioned_manager(service, make_user, institution)
    colleague = make_user()
    admin.assign_realm_roles(colleague["id"], [admin.get_realm_role("hpa-reviewer")])
    today = datetime.now(TW).date()
    effective = today + timedelta(days=10)

    sign_in(reviewer, "/review/file-letter")
    filing = FileLetterPage(page, base_url)
    sent = letter()
    filing.fill(
        {
            **sent,
            "type": "B",
            **_form_of(
                manager,
                institution,
                account=manager["username"],
                application_date=today.isoformat(),
                reason="離職",
                effective_date=effective.isoformat(),
            ),
        }
    )
    assert filing.serious_accessibility_violations() == []
    filing.send()
    reference = page.url.rsplit("/", 1)[-1]  # the application's file, where the filing leads
    file = ReviewApplicationPage(page, base_url)
    assert "代機構提出" in file.filed_for() and reviewer["username"] in file.filed_for()
    assert "已收正本" in file.status()
    notice = policies.departures().notice_days
    assert f"僅 10 日通知（自收文日 {today.isoformat()}起算），未滿 {notice} 日" in file.short_notice_finding()
    shoot(file, "review-filed-from-letter")
    file.approve()
    assert "須由其他審核人員決定" in file.decision_error() and "another reviewer" in file.decision_error()

    sign_in(colleague, f"/review/{reference}")
    file.approve()
    assert "已核准" in file.status()
    assert effective.isoformat() in file.effective_date()
    assert manager["username"] in _members(admin, institution, "managers")  # until its day
