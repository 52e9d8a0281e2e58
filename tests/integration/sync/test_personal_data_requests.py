"""Personal-data requests end to end against the run's real Keycloak (R-PD-2):
each kind filed by the person, decided by a reviewer, carried out in Keycloak and
in the service, recorded in the audit chain. Viewing and correcting the profile
through Keycloak's own account API is tests/integration/test_personal_data_rights.py;
here is what goes through the sync service."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import select

from sync_service.adapters.keycloak_groups import ensure_grant_group
from sync_service.adapters.tables import applications, audit_log, scans
from sync_service.services import applications as use_cases
from sync_service.services import personal_data
from sync_service.services import scans as use_scans
from sync_service.services.errors import Conflict
from sync_service.services.lookup import Viewer
from sync_service.services.ports import Caller
from tests.support.sync import REVIEWER, form, receive_originals
from tests.support.tokens import token_response

PDF = b"%PDF-1.4\n% the signed affidavit of "


def _caller(user: dict) -> Caller:
    return Caller(subject=user["id"], username=user["username"])


@pytest.fixture
def two_people(wiring, make_user, admin, institution):
    """Two people side by side, each with a grant, an application (with a scan) and audit entries."""
    people = []
    for _ in range(2):
        user = make_user()
        national_id = user["national_id"]
        admin.group_user_add(user["id"], ensure_grant_group(admin, institution, "CRC-COL", "user")["id"])
        app = use_cases.submit(
            wiring.uow(), form("C", institution, user["username"], national_id=national_id), caller=_caller(user)
        )
        use_scans.upload(
            wiring.uow(),
            app.id,
            document="unit-affidavit",
            filename="affidavit.pdf",
            data=PDF + user["username"].encode(),
            viewer=Viewer(_caller(user), holder=wiring.directory().account(user["id"])),
        )
        receive_originals(wiring, app.id)
        people.append({**user, "application": app.id, "national_id": national_id})
    return people


def _ask(wiring, person: dict, kind: str, **form_fields) -> str:
    return personal_data.file_request(wiring.uow(), _caller(person), {"kind": kind, **form_fields}).id


def test_a_copy_holds_everything_about_the_person_and_nothing_about_anyone_else(wiring, two_people):
    """Covers: R-PD-2, R-PD-1"""
    me, other = two_people
    request_id = _ask(wiring, me, "copy")
    with pytest.raises(Exception):
        personal_data.copy_of(wiring.uow(), wiring.directory(), _caller(me))  # not before a reviewer approves
    personal_data.extend(wiring.uow(), request_id, REVIEWER, "需向機構調閱紙本")
    personal_data.approve(wiring.uow(), wiring.directory(), request_id, REVIEWER)

    copy = personal_data.copy_of(wiring.uow(), wiring.directory(), _caller(me))
    text = json.dumps(copy, ensure_ascii=False)
    assert copy["profile"]["username"] == me["username"] and copy["profile"]["email"] == me["email"]
    assert copy["profile"]["attributes"]["phone"] == ["(02)2559-1969#116"]
    assert [g["category"] for g in copy["grants"]] == ["CRC-COL"]
    [app] = copy["applications"]
    assert app["reference"] == me["application"] and app["national_id"] == me["national_id"]
    [scan] = copy["scans"]
    assert base64.b64decode(scan["content_base64"]) == PDF + me["username"].encode()
    actions = [e["action"] for e in copy["audit"]]
    assert {
        "application.submitted",
        "application.originals_received",
        "personal_data.requested",
        "personal_data.extended",
        "personal_data.approved",
    } <= set(actions)
    [asked] = copy["requests"]
    assert asked["extension_reason"] == "需向機構調閱紙本" and asked["status"] == "approved"
    # Nobody else: not the other person planted beside, not the reviewer who acted.
    for theirs in (
        other["username"],
        other["email"],
        other["application"],
        other["national_id"],
        base64.b64encode(PDF + other["username"].encode()).decode(),
        REVIEWER.username,
    ):
        assert theirs not in text, theirs
    assert "其他人員 / another person" in text


def test_a_correction_is_made_in_keycloak_and_in_the_applications(wiring, two_people, admin):
    """Covers: R-PD-2"""
    me, other = two_people
    request_id = _ask(wiring, me, "correct", field="phone", value="(02)2559-1969#117")
    personal_data.approve(wiring.uow(), wiring.directory(), request_id, REVIEWER)
    assert (
        admin.get_user(me["id"])["attributes"]["phone"] == ["(02) 2559 1969#117"]
        or "117" in admin.get_user(me["id"])["attributes"]["phone"][0]
    )
    with wiring.uow() as uow:
        assert "117" in uow.applications.get(me["application"]).form.phone.national
        assert "116" in uow.applications.get(other["application"]).form.phone.national
    assert admin.get_user(other["id"])["attributes"]["phone"] == ["(02)2559-1969#116"]
    with wiring.engine.connect() as conn:
        [approved] = [r for r in conn.execute(select(audit_log)) if r.action == "personal_data.approved"]
        assert "117" not in approved.payload and me["username"] not in approved.payload


def test_stopping_processing_disables_the_account_and_refuses_new_applications(
    wiring, two_people, admin, keycloak, institution
):
    """Covers: R-PD-2"""
    me, other = two_people
    assert token_response(keycloak.url, me["username"], me["password"]).status_code == 200
    request_id = _ask(wiring, me, "stop", reason="已離職")
    personal_data.approve(wiring.uow(), wiring.directory(), request_id, REVIEWER)
    assert admin.get_user(me["id"])["enabled"] is False
    assert token_response(keycloak.url, me["username"], me["password"]).status_code in (400, 401)
    with pytest.raises(Conflict) as refused:
        use_cases.submit(wiring.uow(), form("D", institution, me["username"]), caller=REVIEWER)
    assert refused.value.code == "application.processing_stopped"
    assert admin.get_user(other["id"])["enabled"] is True


def test_deletion_keeps_only_the_pseudonymised_audit_entries_and_the_chain_verifies(wiring, two_people, admin):
    """Covers: R-PD-2, R-AUD-1"""
    me, other = two_people
    request_id = _ask(wiring, me, "delete")
    with pytest.raises(Exception):
        personal_data.approve(wiring.uow(), wiring.directory(), request_id, _caller(me))  # not by oneself
    applied = personal_data.approve(wiring.uow(), wiring.directory(), request_id, REVIEWER)
    assert applied["keycloak"] == "deleted" and applied["applications"] == 1 and applied["scans"] == 1
    assert wiring.directory().find_account(me["username"]) is None
    with wiring.engine.connect() as conn:
        assert wiring.chain.verify(conn).ok
        row = conn.execute(select(applications).where(applications.c.id == me["application"])).one()
        assert row.account.startswith("person:") and row.email == "" and row.applicant_name == ""
        assert conn.execute(select(scans).where(scans.c.application_id == me["application"])).all() == []
        trail = wiring.chain.entries_of(conn, me["application"])
        kept = json.dumps([(e.actor, e.details) for e in trail], ensure_ascii=False)
        assert me["username"] not in kept and me["email"] not in kept and "erased person" in kept
        their_row = conn.execute(select(applications).where(applications.c.id == other["application"])).one()
        assert their_row.account == other["username"]
    with wiring.uow() as uow:
        assert uow.applications.get(me["application"]).form.national_id.value == ""
        assert [
            r.account.startswith("person:")
            for r in uow.personal_requests.queue(status="approved")
            if r.id == request_id
        ] == [True]
    assert wiring.directory().find_account(other["username"]) is not None
