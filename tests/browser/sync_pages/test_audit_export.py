"""A reviewer pulls an institution's audit record from the page (issue 12 point 5, decision 0091):
zh-Hant first with English, a clear answer for a bad field, both downloads, no serious axe finding."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest

from sync_service.adapters.audit_bundle_verify import load_bundle, problems
from sync_service.services.audit_export import TAIWAN
from sync_service.services.ports import AuditEntry
from tests.pages.sync_pages import AuditExportPage

pytestmark = pytest.mark.browser


def test_a_reviewer_downloads_the_csv_and_the_signed_bundle(
    service, base_url, page, reviewer, sign_in, institution, tmp_path, shoot, csp_violations
):
    """Covers: R-AUD-1"""
    with service.uow() as uow:  # a manager's console action, as the Keycloak event poll records it
        uow.record(
            AuditEntry(
                actor="mgr0401",
                action="keycloak.admin.user.create",
                at=datetime.now(UTC),
                details={"subject": "staff0401", "institutions": [institution], "ip": "127.0.0.1"},
            )
        )
        uow.commit()
    sign_in(reviewer, "/review/audit-export/")
    export = AuditExportPage(page, base_url)
    assert export.heading() == "稽核紀錄匯出 Audit export"
    assert export.serious_accessibility_violations() == []
    shoot(export, "audit-export")

    export.ask("12345", "2026-11-30", "2026-11-01")
    export.send_expecting_errors()
    assert export.error_beside("institution").startswith("請輸入 10 位數字的機構代碼")
    assert "Enter the institution's 10-digit code" in export.error_beside("institution")
    assert "結束日不可早於開始日" in export.error_beside("to")
    assert export.serious_accessibility_violations() == []

    today = datetime.now(TAIWAN).date().isoformat()
    export.ask(institution, today, today)
    saved = export.download("csv", tmp_path)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "序號 Seq" and any(r[2] == "mgr0401" and r[5] == "staff0401" for r in rows[1:])
    saved = export.download("bundle", tmp_path)
    assert saved.suffix == ".zip" and "verify_bundle.py" in zipfile.ZipFile(saved).namelist()
    assert problems(load_bundle(saved.read_bytes())) == []
    assert csp_violations == []
