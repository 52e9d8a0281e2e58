"""Originals that are really received (R-DOC-4, issue 22 point 3), as a reviewer records them:
what the applicant declared is shown as declared, apart from what came on paper; each original
is ticked by hand against its letter (number and date), never pre-ticked; a date in the future
is refused beside the field and records nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sync_service.services import applications as use_cases
from tests.pages.sync_pages import ReviewApplicationPage
from tests.support.sync import TW, form, letter, new_account_name

pytestmark = pytest.mark.browser


def test_originals_recorded_letter_by_letter_and_a_future_date_refused(
    shoot, service, base_url, reviewer, sign_in, page, institution
):
    """Covers: R-DOC-4"""
    # Filed anonymously, declaring every document (the API's `documents`).
    declared = ["form-1", "unit-affidavit", "confidentiality-consent"]
    reference = use_cases.submit(
        service.uow(), form("A", institution, new_account_name("o")), caller=None, documents=declared
    ).id

    sign_in(reviewer, f"/review/{reference}")
    file = ReviewApplicationPage(page, base_url)
    assert "文件齊全" not in page.content()
    finding = file.originals_finding()
    assert "尚未收到正本" in finding and "Originals not received yet" in finding
    shown = file.documents()
    assert all(d["declared"].startswith("已聲明") and not d["is_received"] for d in shown.values())
    assert file.originals_boxes_ticked() == []  # never pre-ticked

    today = datetime.now(TW).date()
    first = letter()
    file.record_originals((today + timedelta(days=1)).isoformat(), first["letter_number"], ["form-1"])
    assert "收文日期不可晚於今天" in file.error_beside("received_on")
    assert "cannot be later than today" in file.error_beside("received_on")
    assert file.originals_boxes_ticked() == ["form-1"]  # what was ticked stays ticked
    assert not any(d["is_received"] for d in file.documents().values())

    file.record_originals(first["received_on"], "x", ["form-1"])
    assert "公文文號格式" in file.error_beside("letter_number")

    file.record_originals(first["received_on"], first["letter_number"], ["form-1", "unit-affidavit"])
    shown = file.documents()
    assert shown["form-1"]["is_received"] and first["letter_number"] in shown["form-1"]["received"]
    assert not shown["confidentiality-consent"]["is_received"]
    assert "已送件" in file.status()  # one original still to come
    assert "保密同意" in file.originals_finding()

    later = {"letter_number": f"國健癌字第{today.year - 1911}0000999號", "received_on": today.isoformat()}
    file.record_originals(later["received_on"], later["letter_number"])
    assert "已收正本" in file.status()
    assert "正本均已收到" in file.originals_finding()
    assert later["letter_number"] in file.documents()["confidentiality-consent"]["received"]
    assert sum(later["letter_number"] in row or first["letter_number"] in row for row in file.audit_actions()) == 2
    assert file.serious_accessibility_violations() == []
    shoot(file, "review-originals-received")
