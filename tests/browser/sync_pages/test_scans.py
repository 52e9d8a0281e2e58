"""Scans of the signed forms: uploaded beside the application, type and size
limited, read back only by the applicant and reviewers."""

from __future__ import annotations

import pytest
import requests

from tests.pages.sync_pages import ReviewApplicationPage
from tests.support.sync import new_account_name

from .test_applicant_to_approval import file_type_a

pytestmark = pytest.mark.browser

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_an_applicant_uploads_a_scan_that_only_they_and_reviewers_can_read(
    service, apply_page, application_page, page, base_url, reviewer, sign_in, institution, tmp_path
):
    """Covers: R-PD-1, R-DOC-4"""
    file_type_a(apply_page, service, institution, new_account_name("s"))
    reference = application_page.reference()
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a scan")
    application_page.upload_scan("form-1", wrong)
    message = application_page.error_beside("file")
    assert "PDF、PNG 或 JPEG" in message and "PDF, PNG or JPEG" in message
    scan = tmp_path / "form-1-signed.png"
    scan.write_bytes(PNG)
    application_page.upload_scan("form-1", scan)
    [listed] = application_page.scans()
    assert "form-1-signed.png" in listed
    link = base_url + page.locator("#scans a").get_attribute("href")
    # Stored encrypted: the bytes are nowhere in the database in clear.
    with service.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT ciphertext FROM scans").all()
    assert stored and all(PNG not in row[0] for row in stored)
    # Someone else, with the link but not the application: nothing.
    assert requests.get(link, timeout=20).status_code == 404
    # The applicant and the reviewer read it back.
    assert page.request.get(link).body() == PNG
    sign_in(reviewer, f"/review/{reference}")
    assert "form-1-signed.png" in ReviewApplicationPage(page, base_url).page.locator("#scans").inner_text()
    assert page.request.get(link).body() == PNG
