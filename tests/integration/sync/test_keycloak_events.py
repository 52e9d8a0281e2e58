"""Keycloak's own record reaches the audit chain (issue 12 point 4, decision 0090): against the
run's real Keycloak, with the poller run as the worker runs it (`jobs run keycloak-events`)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

import policies
from sync_service.adapters.tables import audit_log
from sync_service.domain.keycloak_events import ADMIN, USER
from sync_service.services.keycloak_events import JOB_NAME
from tests.conftest import good_password
from tests.integration.admin_console.world import ManagerWorld, new_user_body
from tests.support.sync import only_the_event_poll
from tests.support.tokens import token_response
from tests.support.waiting import wait_until


def chain_rows(wiring) -> list[dict]:
    with wiring.engine.connect() as conn:  # people by name (the chain holds pseudonyms, decision 0095)
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
        return [
            {"actor": e.actor, "action": e.action, "at": e.at, **(e.details or {})}
            for e in wiring.chain.named(conn, rows)
        ]


def start_polling_from_now(wiring) -> None:
    """The test's own database starts its record now (as a service deployed now would after
    its first run), rather than copying every event of the whole test run."""
    now_ms = int(time.time() * 1000)
    with wiring.uow() as uow:
        for stream in (USER, ADMIN):
            uow.keycloak_events.advance(stream, now_ms, forget_before=0)
        uow.commit()


def test_console_creation_lockout_and_reset_reach_the_chain_once_after_an_outage(wiring, admin, make_user, keycloak):
    """A manager signs in to the console and creates a person there, someone locks that person's
    account with three wrong passwords, the manager sets a new password: all while the poller is
    down. When it runs again each appears in the chain once, naming who, what,
    whom, when and from where, with no personal data; a further run adds nothing, and the
    chain verifies.

    Covers: R-AUD-1
    """
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    start_polling_from_now(wiring)
    schedule = wiring.schedule()
    schedule.run_one(JOB_NAME)  # the poller is up once, then "down" while things happen
    before = len(chain_rows(wiring))

    console = world.manager_api()  # the manager signs in to the console
    manager_id = world.manager["id"]
    body = new_user_body([world.own_users_group["path"]])
    status, person_id = console.create_user(body)
    assert status == 201
    for _ in range(policies.load().lockout.failures):
        assert token_response(keycloak.url, body["username"], "Wrong~Password1").status_code in (400, 401)
    assert console.reset_password(person_id, good_password()) == 204

    # Back up: the worker, as `python -m sync_service worker` runs it, copies what happened
    # meanwhile on its schedule (Keycloak may still be storing the last event at its first run).
    def copied() -> list[dict]:
        return [
            r
            for r in chain_rows(wiring)[before:]
            if person_id in json.dumps(r, default=str) or manager_id in json.dumps(r, default=str)
        ]

    worker = wiring.worker(threads=1, schedule=only_the_event_poll(wiring))  # the poll on its period
    stop = threading.Event()
    runner = threading.Thread(target=worker.run_forever, args=(stop, 0.2), daemon=True)
    runner.start()
    try:
        # Every event of the outage, to the last wrong password (Keycloak may store an event a
        # while after its time under load: the poll's look-back catches it on a later run).
        def all_of_the_outage() -> list[dict] | None:
            found = copied()
            actions = Counter(r["action"] for r in found)
            complete = actions["keycloak.login_error"] >= policies.load().lockout.failures and {
                "keycloak.login",
                "keycloak.user_disabled_by_permanent_lockout",
                "keycloak.admin.user.action",
                "keycloak.admin.user.create",
            } <= set(actions)
            return found if complete else None

        rows = wait_until(all_of_the_outage, timeout=120, what="the events of the outage in the chain")
    finally:
        stop.set()
        runner.join(timeout=30)
        worker.close()
    actions = Counter(r["action"] for r in rows)
    assert actions["keycloak.admin.user.create"] == 1
    assert actions["keycloak.login_error"] == policies.load().lockout.failures
    assert actions["keycloak.user_disabled_by_permanent_lockout"] == 1
    assert actions["keycloak.admin.user.action"] >= 1  # the manager's reset-password
    assert actions["keycloak.login"] == 1  # the manager's sign-in

    created = next(r for r in rows if r["action"] == "keycloak.admin.user.create")
    manager = world.manager["username"]
    assert created["actor"] == manager and created["subject"] == body["username"]
    assert created["ip"] == "127.0.0.1" and world.a in created["institutions"]
    reset = next(r for r in rows if r["action"] == "keycloak.admin.user.action")
    assert reset["resource_path"] == f"users/{person_id}/reset-password" and reset["actor"] == manager
    locked = next(r for r in rows if r["action"] == "keycloak.user_disabled_by_permanent_lockout")
    assert locked["username"] == body["username"] and locked["ip"] == "127.0.0.1"
    assert abs(locked["at"] - datetime.now(UTC)).total_seconds() < 120
    signed_in = next(r for r in rows if r["action"] == "keycloak.login")
    assert signed_in["actor"] == manager and signed_in["ip"] == "127.0.0.1"

    # Nothing twice: every Keycloak event id once, and more runs add nothing.
    ids = [r["event_id"] for r in chain_rows(wiring)[before:]]
    assert len(ids) == len(set(ids))
    count = len(chain_rows(wiring))
    schedule.run_one(JOB_NAME)
    schedule.run_one(JOB_NAME)
    assert len(chain_rows(wiring)) == count

    # Who, what, whom, when, from where; not the person's e-mail, phone or the representation.
    text = json.dumps([r for r in rows], default=str)
    assert body["email"] not in text and "2559-1969" not in text and "representation" not in text
    with wiring.engine.connect() as conn:
        assert wiring.chain.verify(conn).ok

    # And the institution's audit export carries the manager's console work, verifiably.
    from sync_service.adapters.audit_bundle_verify import load_bundle, problems
    from sync_service.services.audit_export import TAIWAN, export_request

    today = datetime.now(TAIWAN).date().isoformat()
    bundle = load_bundle(wiring.audit_export().bundle(export_request(world.a, today, today)))
    assert problems(bundle) == []
    assert {"keycloak.admin.user.create", "keycloak.admin.user.action"} <= {e["action"] for e in bundle["entries"]}


def test_the_realm_keeps_events_longer_than_any_outage_and_only_what_the_audit_needs(admin):
    """Keycloak stores the user events the audit needs and every admin event, for the time set in
    policies/events.toml, without the admin events' representation.

    Covers: R-AUD-1
    """
    from stack.paths import REALM_NAME

    rules = policies.load().events
    config = admin.connection.raw_get(f"admin/realms/{REALM_NAME}/events/config").json()
    assert config["eventsEnabled"] and config["adminEventsEnabled"]
    assert not config["adminEventsDetailsEnabled"]
    assert config["eventsExpiration"] == rules.expiry_seconds
    assert set(config["enabledEventTypes"]) == set(rules.user_event_types)
    realm = admin.connection.raw_get(f"admin/realms/{REALM_NAME}").json()
    assert realm["attributes"]["adminEventsExpiration"] == str(rules.expiry_seconds)
    assert rules.expiry_seconds >= 30 * 86_400 > 1000 * rules.poll_every_seconds


def test_a_console_change_of_a_person_reaches_the_chain_with_the_fields_it_changed(wiring, admin, make_user, keycloak):
    """Issue 18 item 7, decision 0123: Keycloak's admin event says only "user updated" (its
    representation, the whole person, is not stored: decision 0030); the chain also records which
    fields changed and by whom, an e-mail address masked, never a value.

    Covers: R-AUD-1, R-PD-1
    """
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    start_polling_from_now(wiring)
    person = world.target("own users")
    console = world.manager_api()
    _, shown = console.read_user(person["id"])
    changed = {**shown, "firstName": "雅雯", "email": f"yawen.{person['username']}@other.example.tw"}
    changed["attributes"] = {k: v for k, v in (shown.get("attributes") or {}).items() if k != "nationalIdDigests"}
    assert console.update_user(person["id"], changed) == 204
    schedule = wiring.schedule()

    def recorded() -> dict | None:
        schedule.run_one(JOB_NAME)
        rows = [r for r in chain_rows(wiring) if r["action"] == "keycloak.admin.user_fields.update"]
        return next((r for r in rows if r.get("subject") == person["username"]), None)

    row = wait_until(recorded, timeout=120, what="the changed fields in the chain")
    assert row["actor"] == world.manager["username"]
    assert row["details"]["screening_changed_fields"] == "email,firstName"
    assert row["details"]["screening_email_to"] == "y***@other.example.tw"
    recorded_text = json.dumps(row, ensure_ascii=False, default=str)
    assert "雅雯" not in recorded_text and "yawen." not in recorded_text
