"""A reviewer pulls an institution's audit record from the page (issue 12 point 5, decision 0091):
zh-Hant first with English, a clear answer for a bad field, both downloads, no serious axe finding.
The vendor opens an audit of an institution (issue 22 point 1): the accounts and grants it holds
now, read from the real Keycloak, and its chain rows."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

from sync_service.adapters.audit_bundle_verify import load_bundle, problems
from sync_service.adapters.keycloak_groups import ensure_grant_group, grant_group_path
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


def test_the_vendor_opens_an_audit_of_an_institution_with_the_accounts_and_grants_held_now(
    service, base_url, page, vendor, sign_in, institution, admin, make_user, tmp_path
):
    """Covers: R-AUD-2, R-VEN-1"""
    for level in ("manager", "user"):
        ensure_grant_group(admin, institution, "CRC-COL", level)
    manager = make_user(groups=[grant_group_path(institution, "CRC-COL", "manager")])
    staff = make_user(groups=[grant_group_path(institution, "CRC-COL", "user")])
    sign_in(vendor, "/review/audit-export/")
    export = AuditExportPage(page, base_url)
    today = datetime.now(TAIWAN).date().isoformat()
    export.ask(institution, today, today, kind="periodic", reference="115年度第1次定期查核")
    saved = export.download("accounts", tmp_path)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    held = {r[2]: r for r in rows[1:]}
    assert held[manager["username"]][:2] == ["CRC-COL", "管理者 manager"], rows
    assert held[staff["username"]][:2] == ["CRC-COL", "使用者 user"], rows
    assert held[staff["username"]][3] == staff["email"] and "有效" in held[staff["username"]][4]
    bundle = load_bundle(export.download("bundle", tmp_path).read_bytes())
    assert problems(bundle) == []
    assert {manager["username"], staff["username"]} <= {g["username"] for g in bundle["header"]["accounts_and_grants"]}
    # The audit's opening is in the chain it exports, its actor by pseudonym as every person there.
    opened = [e for e in bundle["entries"] if e["action"] == "audit.opened" and "115年度第1次定期查核" in e["payload"]]
    assert opened and vendor["username"] not in json.dumps(opened, ensure_ascii=False), bundle["entries"]
