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


def _scan_of(path, size: int, magic: bytes = b"%PDF-1.7\n"):
    """A file of `size` bytes that the scan rules recognise by its first bytes."""
    path.write_bytes(magic + b"0" * (size - len(magic)))
    return path


def test_scans_up_to_the_documented_size_upload_and_a_refusal_leads_back(
    service, apply_page, application_page, page, institution, tmp_path
):
    """Issue 21 point 1: the page promises PDF, PNG or JPEG up to 5 MB; a 348 KB JPEG was refused
    as 上傳的檔案過大 by the app-wide 64 KB form limit, on a page with no way back.

    Covers: R-DOC-4"""
    from sync_service.services.scans import MAX_SCAN_BYTES

    file_type_a(apply_page, service, institution, new_account_name("s"))
    reference = application_page.reference()
    assert f"{MAX_SCAN_BYTES // 1024 // 1024} MB" in page.locator("#hint-file").inner_text()
    # A phone's photo of a page, and a PDF just under the documented limit.
    application_page.upload_scan("form-1", _scan_of(tmp_path / "photo.jpg", 348 * 1024, b"\xff\xd8\xff\xe0"))
    application_page.upload_scan("form-1", _scan_of(tmp_path / "form-1.pdf", MAX_SCAN_BYTES - 1024))
    assert [s for s in application_page.scans() if "photo.jpg" in s], application_page.scans()
    assert [s for s in application_page.scans() if "form-1.pdf" in s], application_page.scans()

    # Over the limit: said beside the field, on the application's own page.
    for name, size in (("a-bit-over.pdf", MAX_SCAN_BYTES + 1024), ("far-over.pdf", 2 * MAX_SCAN_BYTES)):
        application_page.upload_scan("form-1", _scan_of(tmp_path / name, size))
        message = application_page.error_beside("file")
        assert "5 MB" in message and "at most 5 MB" in message, (name, message)
        assert application_page.reference() == reference, name
        assert page.locator("#upload-form").count() == 1, f"{name}: the form is there to try again"
    assert len(application_page.scans()) == 2
