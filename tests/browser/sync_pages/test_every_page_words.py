"""The sync service's pages and mails, read as a person reads them (issue 21 points 1, 3, 4, 9):
the applicant's form, application and scan (one just under the documented size uploads), the
reviewer's queue and the application's file with its provisioning and audit trail, a person's
/my-data, and the mails the service sends. A page fails on raw keys, ids that are not names
(category codes, document ids, event names), Python reprs, epoch numbers, times in UTC or
unlabelled, and English outside the English beside it (tests/pages/words.py). The pages are
zh-Hant with English beside in one page, so one walk reads both languages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from sync_service.services import applications as use_cases
from sync_service.services import personal_data
from sync_service.services.ports import Caller
from sync_service.services.scans import MAX_SCAN_BYTES
from tests.pages.sync_pages import ReviewApplicationPage, ReviewQueuePage
from tests.pages.words import Reader
from tests.support.sync import TW, form, new_account_name

from .test_applicant_to_approval import file_type_a
from .test_review_decisions import wait_provisioned
from .test_scans import _scan_of

pytestmark = pytest.mark.browser


def _taipei_now_shown(text: str) -> bool:
    """Something made in the last minutes shows at Taipei's hour (UTC would be 8 hours off)."""
    now = datetime.now(TW)
    return any((now - timedelta(minutes=m)).strftime("%Y-%m-%d %H:") in text for m in (0, 5))


def test_the_service_pages_read_as_words(
    service, apply_page, application_page, page, base_url, reviewer, sign_in, mail, institution, make_user,
    grant, tmp_path, screenshots_dir
):  # fmt: skip
    """Covers: R-DOC-4, R-AUD-1, R-PD-2"""
    read = Reader("zh-Hant", screenshots_dir, "4-service-pages")
    account = new_account_name("w")
    read.allow(account, institution, reviewer["username"], "signed-form.pdf")

    apply_page.open("A")
    read.page(page, "apply", bilingual_page=True)
    values = file_type_a(apply_page, service, institution, account)
    reference = application_page.reference()
    read.allow(reference, values["email"])
    read.page(page, "application-sent", bilingual_page=True)
    # The receipt (issue 21 point 5): the reference, by mail, soon after (the worker's job).
    service.schedule().run_one("application-receipts")
    [receipt] = mail.wait_for(values["email"], count=1)
    text = read.mail(page, receipt, "mail-receipt")
    assert reference in receipt["Subject"] and reference in text and _taipei_now_shown(text)
    application_page.upload_scan("form-1", _scan_of(tmp_path / "signed-form.pdf", MAX_SCAN_BYTES - 1024))
    assert [s for s in application_page.scans() if "signed-form.pdf" in s], "a scan under the documented size"
    read.page(page, "application-with-scan", bilingual_page=True)

    sign_in(reviewer, "/review/")
    queue = ReviewQueuePage(page, base_url)
    assert reference in queue.references()
    text = read.page(page, "review-queue", bilingual_page=True)
    assert _taipei_now_shown(text), "the queue's times in Taipei"
    review = ReviewApplicationPage(page, base_url)
    review.open(reference)
    read.page(page, "review-file", bilingual_page=True)
    review.record_originals(datetime.now(TW).date().isoformat(), "國健癌字第1140000123號")
    read.page(page, "review-file-originals", bilingual_page=True)
    review.approve()
    wait_provisioned(service, reference)
    review.open(reference)
    text = read.page(page, "review-file-provisioned", bilingual_page=True)
    assert _taipei_now_shown(text), "the audit trail's times in Taipei"
    password_mail = mail.wait_for(values["email"], count=2, timeout=60)[-1]
    read.mail(page, password_mail, "mail-new-manager")

    # A person's own data: profile attributes Keycloak keeps as epoch numbers, a grant, an
    # application, a request.
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    person = make_user(**{"screening.passwordSetByOther": str(now_ms)})
    grant(person, institution, "CRC-COL")
    read.allow(person["username"], person["email"])
    caller = Caller(subject=person["id"], username=person["username"])
    use_cases.submit(service.uow(), form("C", institution, person["username"]), caller=caller)
    personal_data.file_request(service.uow(), caller, {"kind": "copy"})
    sign_in(person, "/my-data")
    text = read.page(page, "my-data", bilingual_page=True)
    read.assert_clean()
    set_by_other = page.locator('dd[data-item="screening.passwordSetByOther"]').inner_text()
    assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} 臺北時間", set_by_other), "a time, not epoch milliseconds"
    assert _taipei_now_shown(text)
