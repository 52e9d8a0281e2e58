"""Bad input on every form: the message stands beside the field, in zh-Hant and
English, as the person types and again from the server; nothing typed is lost."""

from __future__ import annotations

import pytest

from tests.pages.sync_pages import ReviewApplicationPage, ReviewQueuePage, StatusPage
from tests.support.sync import form, new_account_name

from .test_applicant_to_approval import file_type_a

pytestmark = pytest.mark.browser


def test_form_1_answers_each_rule_inline_and_on_the_server_with_the_same_words(
    shoot, service, apply_page, institution, csp_violations
):
    """Covers: R-FORM-1, R-FORM-2, R-FORM-3, R-FORM-4, R-DOC-1, R-DOC-2, R-DOC-3, R-PD-3"""
    apply_page.open("A")
    apply_page.fill({"type": "A", "category": "GAS-LAB"})
    # GAS-LAB's manager application asks for the two licences as well.
    assert set(apply_page.documents_listed()) == {
        "form-1",
        "unit-affidavit",
        "confidentiality-consent",
        "lab-opening-licence",
        "technologist-licence",
    }
    apply_page.fill({"category": "CRC-COL"})
    assert "lab-opening-licence" not in apply_page.documents_listed()

    bad = {
        "applicant_name": "臺大醫院",
        "account": "ADMclinic01",
        "national_id": "A123456788",
        "phone": "12345",
        "email": "wang@",
        "institution_code": "12345",
    }
    inline = {}
    for field, value in bad.items():
        apply_page.type_and_leave(field, value)
        inline[field] = apply_page.error_beside(field)
    assert "人名" in inline["applicant_name"] and "person's name" in inline["applicant_name"]
    assert "ADM" in inline["account"]
    assert "檢查碼" in inline["national_id"] and "check digit" in inline["national_id"]
    assert "10 位數字" in inline["institution_code"] and "10 digits" in inline["institution_code"]
    assert all(
        any("\u4e00" <= ch <= "\u9fff" for ch in m) and any(ch.isascii() and ch.isalpha() for ch in m)
        for m in inline.values()
    ), inline

    good = form("A", institution, new_account_name("b"))
    apply_page.fill({k: v for k, v in good.items() if k not in bad and k not in ("type", "category")})
    apply_page.answer_captcha("WRONG")
    apply_page.send()
    # The server says the same beside each field, keeps every value, and asks the captcha again.
    for field, value in bad.items():
        assert apply_page.error_beside(field) == inline[field], field
        assert apply_page.value(field) == value
    assert apply_page.value("department") == good["department"]
    assert "驗證碼" in apply_page.error_beside("captcha") and "verification code" in apply_page.error_beside("captcha")
    assert apply_page.page.is_checked("#type-A")
    assert apply_page.page.input_value("#category") == "CRC-COL"
    assert apply_page.serious_accessibility_violations() == []
    shoot(apply_page, "apply-bad-input")
    assert csp_violations == []


def test_status_and_reviewer_forms_keep_what_was_typed(
    shoot, service, apply_page, application_page, page, base_url, reviewer, vendor, sign_in, institution
):
    """Covers: R-DOC-4, R-FORM-1, R-FORM-6"""
    status = StatusPage(page, base_url)
    status.open()
    status.look_up("K7Q3-MX9P", "wang@")
    assert "12 個英數字" in status.error_beside("reference") and "12 letters" in status.error_beside("reference")
    assert "E-mail" in status.error_beside("email")
    assert status.value("reference") == "K7Q3-MX9P" and status.value("email") == "wang@"
    status.look_up("K7Q3-MX9P-2F4D", "nobody@clinic.example.tw")
    assert "查無" in status.error_beside("reference") and "No application" in status.error_beside("reference")

    file_type_a(apply_page, service, institution, new_account_name("q"))
    reference = application_page.reference()
    sign_in(reviewer, "/review/")
    queue = ReviewQueuePage(page, base_url)
    queue.open_reference("not-a-reference")
    assert "12 個英數字" in queue.error_beside("reference")
    file = ReviewApplicationPage(page, base_url)
    file.open(reference)
    file.record_originals("2999-01-01", "")
    assert "收文日期不可晚於今天" in file.error_beside("received_on")
    assert "cannot be later than today" in file.error_beside("received_on")
    assert "公文文號" in file.error_beside("letter_number") and "Letter number" in file.error_beside("letter_number")
    assert file.value("received_on") == "2999-01-01"
    file.reject("   ")
    assert "退件必須說明原因" in file.error_beside("reason") and "needs a reason" in file.error_beside("reason")
    sign_in(vendor, f"/review/{reference}")  # 維護廠商登錄 is the vendor's (由系統廠商填寫)
    file.record_vendor("", "114/13/01", "已建檔")
    assert "請填寫維護廠商姓名" in file.error_beside("vendor_name") and "required" in file.error_beside("vendor_name")
    assert "處理日期格式不符" in file.error_beside("processed_on")
    assert file.value("processed_on") == "114/13/01" and file.value("notes") == "已建檔"
    file.record_vendor("陳建宏", "114/11/28", "已建檔")
    assert "陳建宏" in file.page.locator("#vendor-record").inner_text()
    assert file.serious_accessibility_violations() == []
