"""An applicant files type A without an account, prints the forms; a reviewer
records the originals by the QR reference and approves; the password mail
arrives; the new manager signs in and the screening system shows the grant."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta, timezone

import pytest

from stack.mailsink import body_text
from stack.paths import REALM_NAME
from tests.conftest import good_password
from tests.pages.keycloak import LoginPage, ProfilePage, TermsPage, UpdatePasswordPage
from tests.pages.screening_client import ScreeningClientPage
from tests.pages.sync_pages import ReviewApplicationPage, ReviewQueuePage
from tests.support.sync import form, letter, new_account_name

TW = timezone(timedelta(hours=8))
pytestmark = pytest.mark.browser


def pdf_text(path) -> str:
    """The PDF's text as poppler (Debian poppler-utils) extracts it: what a reader's copy-paste gets."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def file_type_a(apply_page, service, institution, account, **extra) -> dict:
    values = form("A", institution, account, **extra)
    apply_page.open("A")
    apply_page.fill(values)
    apply_page.answer_captcha(service.challenges.answer_for_tests(apply_page.captcha_challenge()))
    apply_page.send()
    return values


def test_type_a_from_the_form_to_the_managers_first_sign_in(
    shoot,
    screenshots_dir,
    service,
    apply_page,
    application_page,
    page,
    browser,
    base_url,
    reviewer,
    mail,
    institution,
    screening_client,
    csp_violations,
    tmp_path,
):
    """Covers: R-MGR-2, R-DOC-1, R-DOC-4, R-PD-3, R-PWD-1, R-CONF-1

    R-PD-3: no page of the journey loads from or sends to another origin (no CSP complaint)."""
    account = new_account_name("p")
    apply_page.open("A")
    assert apply_page.help_desk() == {
        "phone": "(02)2559-1969#116、117",
        "fax": "(02)2559-0586",
        "email": "cancer_integrate@iisigroup.com",
    }
    assert apply_page.serious_accessibility_violations() == []
    shoot(apply_page, "apply")
    # The one test of the run that makes an account for A123456789 (the printed forms' example).
    values = file_type_a(apply_page, service, institution, account, national_id="A123456789")
    reference = application_page.reference()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert "已送件" in application_page.status() and "submitted" in application_page.status()
    assert application_page.serious_accessibility_violations() == []
    shoot(application_page, "submitted")

    # The three forms, prefilled, with the reference (and its QR code) on every page.
    texts = {}
    for document in ("form-1", "unit-affidavit", "confidentiality-consent"):
        path = application_page.download_form(document, tmp_path)
        texts[document] = pdf_text(path)
        assert reference in texts[document]
        assert values["institution_name"] in texts[document]
        # Each page of the PDF as a picture, beside the pages' screenshots.
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(path), str(screenshots_dir / f"pdf-{document}")], check=True
        )
    assert "帳號/權限異動表" in texts["form-1"] and account in texts["form-1"]
    assert "A123456789" in texts["form-1"] and "王小明" in texts["form-1"]
    assert "單位切結書" in texts["unit-affidavit"] and "本單位授權使用人員一覽表" in texts["unit-affidavit"]
    assert "保密同意暨個人資料提供同意書" in texts["confidentiality-consent"]
    assert "王小明" in texts["confidentiality-consent"]

    # The reviewer, in another browser, opens it by the reference printed under the QR code.
    reviewer_context = browser.new_context(locale="zh-TW")
    review = reviewer_context.new_page()
    review.set_default_timeout(20_000)
    review.goto(f"{base_url}/sign-in?next=/review/")
    LoginPage(review).sign_in(reviewer["username"], reviewer["password"])
    queue = ReviewQueuePage(review, base_url)
    assert reference in queue.references()
    assert queue.serious_accessibility_violations() == []
    shoot(queue, "review-queue")
    queue.open_reference(reference.lower().replace("-", " "))  # as typed from the paper, loosely
    file = ReviewApplicationPage(review, base_url)
    assert file.shown_national_id() == "A12****789"
    sent = letter()
    file.record_originals(sent["received_on"], sent["letter_number"])
    assert "已收正本" in file.status()
    assert any(sent["letter_number"] in row for row in file.audit_actions())
    assert file.serious_accessibility_violations() == []
    shoot(file, "review-application")
    file.approve()

    # The worker makes the account; the password mail reaches the sink.
    [message] = mail.wait_for(values["email"], timeout=60)
    text = body_text(message)
    password = re.search(r"預設密碼：(\S+)", text).group(1)
    # Where to sign in, and the category in words (not its code).
    assert f"{screening_client}/" in text or screening_client in text
    assert f"/admin/{REALM_NAME}/console/" in text and "/admin/master" not in text
    assert "業務類別：大腸癌—採檢機構" in text and "Colorectal cancer — specimen collection" in text
    reviewer_context.close()

    # The applicant's first sign-in, through the screening system.
    screening = ScreeningClientPage(page, screening_client)
    screening.start_sign_in()
    LoginPage(page).sign_in(account, password)
    terms = TermsPage(page)
    assert terms.is_shown()
    terms.accept()
    UpdatePasswordPage(page).set_password(good_password())
    profile = ProfilePage(page)
    assert profile.is_shown()
    profile.confirm()
    assert screening.is_signed_in_as(account)
    assert {
        "institution": institution,
        "category": "CRC-COL",
        "level": "manager",
        "functions": ["correction-query", "eligibility-query"],
    } in screening.grants()
    assert csp_violations == []
