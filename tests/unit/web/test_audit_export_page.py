"""The reviewers' audit export page in-process (SQLite, fake Keycloak): reviewers only, a clear
answer for each bad field, the CSV and the signed bundle as downloads (decision 0091)."""

from __future__ import annotations

from datetime import UTC, datetime

from sync_service.adapters.audit_bundle_verify import load_bundle, problems
from sync_service.services.audit_export import TAIWAN
from sync_service.services.ports import AuditEntry
from tests.support.sync import APPLICANT, REVIEWER

from .conftest import make_app, sign_in

CODE = "0401180014"


def test_reviewers_download_the_csv_and_the_bundle_and_others_are_refused(tmp_path):
    """Covers: R-AUD-1"""
    app = make_app(tmp_path)
    wiring = app.extensions["sync"]
    with wiring.uow() as uow:
        uow.record(
            AuditEntry(
                actor="mgr0401",
                action="keycloak.admin.user.create",
                at=datetime.now(UTC),
                details={"subject": "staff0401", "institutions": [CODE], "ip": "127.0.0.1"},
            )
        )
        uow.commit()
    client = app.test_client()
    assert client.get("/review/audit-export/").status_code == 302  # sign in first
    sign_in(client, app, APPLICANT)
    assert client.get("/review/audit-export/").status_code == 403
    sign_in(client, app, REVIEWER)
    page = client.get("/review/audit-export/").get_data(as_text=True)
    assert "稽核紀錄匯出" in page and "Audit export" in page and 'id="export-bundle"' in page

    bad = client.get("/review/audit-export/?format=csv&institution=12&from=2026-11-30&to=2026-11-01")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "10 位數字" in text and "10-digit" in text
    assert 'value="12"' in text  # what was typed stays

    today = datetime.now(TAIWAN).date().isoformat()
    query = f"institution={CODE}&from={today}&to={today}"
    got = client.get(f"/review/audit-export/?format=csv&{query}")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert f"audit-{CODE}-" in got.headers["Content-Disposition"] and got.headers["Cache-Control"] == "no-store"
    assert "mgr0401" in got.get_data(as_text=True)
    got = client.get(f"/review/audit-export/?format=bundle&{query}")
    assert got.status_code == 200 and got.mimetype == "application/zip"
    bundle = load_bundle(got.get_data())
    # The manager's change, and the two downloads before this one: who audited, when (R-AUD-2).
    assert problems(bundle) == [] and bundle["header"]["count"] == 3
    opened = [e for e in bundle["entries"] if e["action"] == "audit.opened"]
    assert len(opened) == 2 and '"kind":"unannounced"' in opened[0]["payload"].replace(" ", "")
    assert bundle["header"]["accounts_and_grants"] == []  # nobody holds a grant there (fake Keycloak)
    wiring.engine.dispose()


def test_the_vendor_opens_an_audit_with_the_accounts_and_grants_held_now(tmp_path):
    """Covers: R-AUD-2, R-VEN-1"""
    from sync_service.domain import Grant, Level
    from tests.support.sync import VENDOR

    app = make_app(tmp_path)
    wiring = app.extensions["sync"]
    directory = wiring.directory()
    kc = directory.kc
    kc.add_account("id-1", "manager0401", "manager@clinic.example.tw", "A123456789")
    kc.add_member("id-1", Grant(CODE, "CRC-COL", Level.MANAGER))
    kc.add_account("id-2", "staff0401", "staff@clinic.example.tw", "B120863158")
    kc.add_member("id-2", Grant(CODE, "CRC-COL", Level.USER))
    client = app.test_client()
    sign_in(client, app, VENDOR)
    today = datetime.now(TAIWAN).date().isoformat()
    query = f"institution={CODE}&from={today}&to={today}&kind=periodic&reference=113年度第2次查核"
    got = client.get(f"/review/audit-export/?format=accounts&{query}")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    lines = got.get_data(as_text=True).splitlines()
    assert lines[1:] == [
        "CRC-COL,管理者 manager,manager0401,manager@clinic.example.tw,有效 active",
        "CRC-COL,使用者 user,staff0401,staff@clinic.example.tw,有效 active",
    ]
    bundle = load_bundle(client.get(f"/review/audit-export/?format=bundle&{query}").get_data())
    assert problems(bundle) == []
    assert [g["username"] for g in bundle["header"]["accounts_and_grants"]] == ["manager0401", "staff0401"]
    [first, _second] = [e for e in bundle["entries"] if e["action"] == "audit.opened"]
    assert "113年度第2次查核" in first["payload"] and '"export":"accounts"' in first["payload"].replace(" ", "")
    bad = client.get(f"/review/audit-export/?format=csv&institution={CODE}&from={today}&to={today}&kind=whenever")
    assert bad.status_code == 422 and "定期或不定期" in bad.get_data(as_text=True)
    wiring.engine.dispose()
