"""The audit export (issue 12 point 5, decision 0091): one institution's changes as CSV and as
a signed bundle; any entry changed, removed, moved or added fails the offline check, named."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from sync_service.adapters.audit_bundle_verify import BUNDLE_NAME, load_bundle, problems
from sync_service.domain.errors import FormInvalid
from sync_service.services import applications as use_cases
from sync_service.services.audit_export import TAIWAN, export_request
from sync_service.services.ports import AuditEntry
from tests.support.sync import REVIEWER, VENDOR, new_account_name, ready_application

CODE, OTHER = "0401180014", "0501110514"


def provisioned(wiring, worker, code: str) -> str:
    app_id = ready_application(wiring, "A", code, new_account_name())
    use_cases.record_vendor_processing(
        wiring.uow(), app_id, caller=VENDOR, vendor_name="林工程師", processed_on="2025-05-03"
    )
    use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
    worker.run_until_idle()
    return app_id


def console_event(wiring, code: str, action: str = "keycloak.admin.user.create", at=None) -> None:
    """A row as the Keycloak event poll writes it (decision 0090)."""
    with wiring.uow() as uow:
        uow.record(
            AuditEntry(
                actor="mgr0401",
                action=action,
                at=at or datetime.now(UTC),
                details={"subject": "staff0401", "ip": "203.0.113.9", "institutions": [code]},
            )
        )
        uow.commit()


@pytest.fixture
def today():
    return datetime.now(TAIWAN).date().isoformat()


@pytest.fixture
def exported(wiring, worker, today):
    """Two applications and two console actions of the institution, one of another, one sign-in."""
    provisioned(wiring, worker, CODE)
    provisioned(wiring, worker, OTHER)
    console_event(wiring, CODE)
    console_event(wiring, CODE, "keycloak.login")
    console_event(wiring, CODE, "keycloak.custom_required_action")  # e.g. the national ID at first sign-in
    console_event(wiring, OTHER)
    console_event(wiring, CODE, '=HYPERLINK("http://evil.example")')
    return wiring.audit_export(), export_request(CODE, today, today)


def bundle_of(exported) -> dict:
    export, request = exported
    return load_bundle(export.bundle(request))


def test_the_csv_names_who_what_whom_and_whose_approval_for_one_institution_only(exported):
    """Covers: R-AUD-1"""
    export, request = exported
    text = export.csv(request)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["序號 Seq", "時間（臺灣） Time (Taiwan)", "執行者 Made by", "動作 Action"]
    actions = [r[3] for r in body]
    assert "application.approved" in actions and "keycloak.grant" in actions
    assert "keycloak.admin.user.create" in actions and "keycloak.login" not in actions
    approved = body[actions.index("application.approved")]
    assert approved[2] == "reviewer-lin" and approved[6] == "reviewer-lin"
    assert all(CODE in r[8].split() for r in body) and not any(OTHER in r[8] for r in body)
    console = body[actions.index("keycloak.admin.user.create")]
    assert console[2] == "mgr0401" and console[5] == "staff0401" and console[9] == "203.0.113.9"
    assert console[4] == "管理主控台：新增使用者帳號 / admin console: user account made"
    step = body[actions.index("keycloak.custom_required_action")]
    assert step[4] == "完成登入前的必要步驟 / required step done", "the pages' words for every Keycloak event"
    assert any(r[3].startswith("'=") for r in body), "a formula is shown, never run"
    assert "A123456789" not in text


def test_a_bad_request_is_answered_field_by_field_in_both_languages():
    """Covers: R-AUD-1"""
    with pytest.raises(FormInvalid) as caught:
        export_request("12345", "2026-13-01", "")
    fields = {e.field: (e.zh, e.en) for e in caught.value.errors}
    assert set(fields) == {"institution", "from", "to"}
    with pytest.raises(FormInvalid) as caught:  # every mistake at once
        export_request("12", "2026-11-30", "2026-11-01")
    texts = {e.field: e.zh for e in caught.value.errors}
    assert set(texts) == {"institution", "to"} and "早於" in texts["to"]


def test_an_untouched_bundle_verifies_and_holds_the_institutions_changes(exported):
    """Covers: R-AUD-1"""
    bundle = bundle_of(exported)
    assert problems(bundle) == []
    assert bundle["header"]["count"] == len(bundle["entries"]) >= 5
    assert {e["action"] for e in bundle["entries"]} >= {"application.approved", "keycloak.admin.user.create"}


def first_problem(bundle: dict) -> str:
    found = problems(bundle)
    assert found, "the tampered bundle must fail"
    return found[0]


def test_changing_any_entry_fails_naming_it(exported):
    """Covers: R-AUD-1"""
    original = bundle_of(exported)
    for place in range(1, len(original["entries"]) + 1):
        bundle = json.loads(json.dumps(original))
        entry = bundle["entries"][place - 1]
        payload = json.loads(entry["payload"])
        payload["ip"] = "198.51.100.1"
        entry["payload"] = json.dumps(payload)
        assert first_problem(bundle).startswith(f"entry {place} ")
    bundle = json.loads(json.dumps(original))
    bundle["entries"][1]["approved_by"] = "someone-else"
    assert first_problem(bundle).startswith("entry 2 ")
    bundle = json.loads(json.dumps(original))
    bundle["header"]["institution"] = OTHER
    assert "header" in first_problem(bundle)


def test_removing_reordering_or_adding_an_entry_fails_naming_it(exported, wiring):
    """Covers: R-AUD-1"""
    original = bundle_of(exported)
    n = len(original["entries"])
    for place in range(1, n + 1):  # remove each in turn
        bundle = json.loads(json.dumps(original))
        del bundle["entries"][place - 1]
        assert first_problem(bundle).startswith(f"entry {place}")
    bundle = json.loads(json.dumps(original))
    bundle["entries"][1], bundle["entries"][3] = bundle["entries"][3], bundle["entries"][1]
    assert first_problem(bundle).startswith("entry 2 ")
    # Added: a genuine, validly signed chain row of another institution, slipped in at place 3.
    other = load_bundle(wiring.audit_export().bundle(export_request(OTHER, *[original["header"]["from"]] * 2)))
    bundle = json.loads(json.dumps(original))
    bundle["entries"].insert(2, other["entries"][0])
    assert first_problem(bundle).startswith("entry 3 ")
    bundle = json.loads(json.dumps(original))
    bundle["entries"].append(bundle["entries"][0])  # a copy added at the end
    assert first_problem(bundle).startswith(f"entry {n + 1}")


def test_the_shipped_verifier_and_the_command_check_the_bundle_with_nothing_else(exported, tmp_path):
    """The zip carries its own verifier: run alone (isolated Python, in a folder without our code,
    with or without the cryptography package) it accepts the bundle with the agency's key, refuses
    another key, and names a tampered entry;
    `python -m sync_service audit verify-bundle FILE` answers the same without settings or database.

    Covers: R-AUD-1
    """
    export, request = exported
    data = export.bundle(request)
    folder = tmp_path / "auditor"
    folder.mkdir()
    (folder / "bundle.zip").write_bytes(data)
    with zipfile.ZipFile(folder / "bundle.zip") as z:
        z.extract("verify_bundle.py", folder)
        key = z.read("public-key.pem").decode()
        assert {"README.txt", BUNDLE_NAME} <= set(z.namelist())
    (folder / "agency.pem").write_text(key)

    def verify(*args, module=False, standard_library_only=False):
        # -S: no site-packages, so not even the cryptography package: the script's own RFC 8032 check.
        command = (
            [sys.executable, "-m", "sync_service", "audit", "verify-bundle"]
            if module
            else [sys.executable, "-I", *(["-S"] if standard_library_only else []), "verify_bundle.py"]
        )
        env = {"PATH": "/usr/bin:/bin", "SYNC_DATABASE_URL": "sqlite:////nonexistent/none.db"}
        cwd = None if module else folder
        return subprocess.run(
            command + list(args), cwd=cwd, capture_output=True, text=True, timeout=60, env=env if not module else None
        )

    for alone in (False, True):
        ok = verify("bundle.zip", "--public-key", "agency.pem", standard_library_only=alone)
        assert ok.returncode == 0, ok.stderr
        assert "匯出檔完整" in ok.stdout and "bundle intact" in ok.stdout

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    stranger = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    assert verify("bundle.zip", "--public-key", stranger).returncode == 1
    assert verify("bundle.zip", "--public-key", stranger, standard_library_only=True).returncode == 1

    from sync_service.adapters.audit_bundle_verify import chain_digest

    forged = load_bundle(data)  # content changed and its hash made anew: only a signature can tell
    forged["entries"][1]["actor"] = "nobody"
    forged["entries"][1]["hash"] = chain_digest(forged["entries"][1])
    (folder / "forged.json").write_text(json.dumps(forged, ensure_ascii=False))
    result = verify("forged.json", standard_library_only=True)
    assert result.returncode == 1 and "entry 2 " in result.stderr and "signature" in result.stderr

    bundle = load_bundle(data)
    bundle["entries"][2]["actor"] = "nobody"
    (folder / "tampered.json").write_text(json.dumps(bundle, ensure_ascii=False))
    for result in (
        verify("tampered.json"),
        verify("tampered.json", standard_library_only=True),
        verify(str(folder / "tampered.json"), module=True),
    ):
        assert result.returncode == 1
        assert "entry 3 " in result.stderr and "第 3 筆" in result.stderr


def test_the_range_is_in_taiwan_days(wiring, worker):
    """An event at 23:30 Taiwan time belongs to that day, though it is the previous day in UTC.

    Covers: R-AUD-1
    """
    late = datetime(2026, 11, 20, 23, 30, tzinfo=TAIWAN)
    console_event(wiring, CODE, at=late)
    export = wiring.audit_export()
    inside = load_bundle(export.bundle(export_request(CODE, "2026-11-20", "2026-11-20")))
    after = load_bundle(export.bundle(export_request(CODE, "2026-11-21", "2026-11-21")))
    assert len(inside["entries"]) == 1 and after["entries"] == []
    assert datetime.fromisoformat(inside["entries"][0]["at"]) == late.astimezone(UTC)


def test_the_bundle_prints_the_checkpoints_mailed_since_the_range_began(exported, wiring, mailer, tmp_path):
    """The chain's checkpoints mailed to the agency (decision 0136) are in the signed header and
    listed in README.txt, the shipped verifier checks their signatures and prints them to compare
    with the mails, and a checkpoint changed in the bundle fails it.

    Covers: R-AUD-1
    """
    from sync_service.services.audit_anchoring import AuditCheckpointJob

    AuditCheckpointJob(wiring.uow, mailer, "audit@hpa.example", every=timedelta(hours=1)).run(datetime.now(UTC))
    (mail,) = mailer.to("audit@hpa.example")
    line = next(x for x in mail.body.splitlines() if x.startswith("audit-checkpoint "))
    export, request = exported
    data = export.bundle(request)
    bundle = load_bundle(data)
    assert [c["seq"] for c in bundle["header"]["checkpoints"]] == [int(line.split()[1].removeprefix("seq="))]
    assert problems(bundle) == []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert line in z.read("README.txt").decode()
    (tmp_path / "bundle.zip").write_bytes(data)
    shown = subprocess.run(
        [sys.executable, "-m", "sync_service", "audit", "verify-bundle", str(tmp_path / "bundle.zip")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0 and line in shown.stdout

    bundle["header"]["checkpoints"][0]["hash"] = "0" * 64
    assert problems(bundle)  # the header's signature covers them
