"""The copy of Keycloak's stored events into the chain, against a stand-in of the admin API that
answers as Keycloak 26.7.3 does (inclusive millisecond bounds, ordered by time only, ties in any
order each time): nothing lost, nothing twice (decision 0090). The real server: tests/integration/sync."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from sync_service.adapters.tables import audit_log
from sync_service.domain.keycloak_events import ADMIN, USER, People, Person
from sync_service.services.keycloak_events import KeycloakEventPoll

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
T0 = int(NOW.timestamp() * 1000)


class StoredEvents:
    """Keycloak's event store behind its admin API, as the JPA query answers."""

    def __init__(self, seed: int = 7) -> None:
        self.stored: dict[str, list[dict[str, Any]]] = {USER: [], ADMIN: []}
        self.random = random.Random(seed)
        self.calls = 0

    def add(self, stream: str, time_ms: int, **fields) -> dict:
        event = {"id": f"{stream}-{len(self.stored[stream])}", "time": time_ms, **fields}
        if stream == USER:
            event.setdefault("type", "LOGIN")
            event.setdefault("userId", "u1")
        else:
            event.setdefault("operationType", "CREATE")
            event.setdefault("resourceType", "USER")
            event.setdefault("resourcePath", "users/u2")
            event.setdefault("authDetails", {"userId": "u1", "ipAddress": "127.0.0.1"})
        self.stored[stream].append(event)
        return event

    def events(self, stream, date_from_ms, date_to_ms, first, max_results):
        self.calls += 1
        found = [
            e
            for e in self.stored[stream]
            if e["time"] >= date_from_ms and (date_to_ms is None or e["time"] <= date_to_ms)
        ]
        self.random.shuffle(found)  # ties come in any order, a new one each query
        found.sort(key=lambda e: e["time"])
        return found[first : first + max_results]

    def people(self, user_ids, group_ids):
        return People({u: Person(f"name-{u}", ("0401180014",)) for u in user_ids}, {})


def poll(wiring, source, page_size=5, max_pages=100):
    return KeycloakEventPoll(
        wiring.uow,
        lambda: source,
        every=timedelta(seconds=5),
        overlap=timedelta(seconds=10),
        page_size=page_size,
        max_pages=max_pages,
    )


def recorded_ids(wiring) -> list[str]:
    with wiring.engine.connect() as conn:
        return [json.loads(r.payload)["event_id"] for r in conn.execute(select(audit_log).order_by(audit_log.c.seq))]


def test_ties_in_one_millisecond_across_pages_are_neither_lost_nor_doubled(wiring):
    """Covers: R-AUD-1"""
    source = StoredEvents()
    for i in range(40):  # bursts: many events in few milliseconds, pages of 5
        source.add(USER, T0 + i // 7)
    for _ in range(12):  # a whole page and more all in one millisecond
        source.add(ADMIN, T0 + 3)
    poll(wiring, source).run(NOW)
    ids = recorded_ids(wiring)
    assert sorted(ids) == sorted(e["id"] for s in (USER, ADMIN) for e in source.stored[s])
    assert len(ids) == len(set(ids)) == 52


def test_a_later_run_takes_only_what_is_new_and_an_event_stored_late_within_the_overlap(wiring):
    """Covers: R-AUD-1"""
    source = StoredEvents()
    for i in range(6):
        source.add(USER, T0 + i * 1000)
    job = poll(wiring, source)
    job.run(NOW)
    assert len(recorded_ids(wiring)) == 6
    job.run(NOW)
    assert len(recorded_ids(wiring)) == 6  # the overlap read again, nothing recorded twice
    # An event stamped before the newest one recorded, stored only now (its request committed late).
    late = source.add(USER, T0 + 4500)
    newer = source.add(USER, T0 + 9000)
    job.run(NOW)
    ids = recorded_ids(wiring)
    assert ids[-2:] == [late["id"], newer["id"]] and len(ids) == 8


def test_two_workers_at_once_record_each_event_once(wiring):
    """Covers: R-AUD-1"""
    source = StoredEvents()
    for i in range(30):
        source.add(USER, T0 + i)
    first, second = poll(wiring, source), poll(wiring, source)
    # The second reads the same page the first is about to record: it finds them recorded under the lock.
    pages_first = first._pages(source, USER, 0)
    pages_second = second._pages(source, USER, 0)
    page_a, page_b = next(pages_first), next(pages_second)
    assert first._record(source, USER, page_a) == 5
    assert second._record(source, USER, page_b) == 0
    first.run(NOW)
    second.run(NOW)
    ids = recorded_ids(wiring)
    assert len(ids) == len(set(ids)) == 30


def test_a_long_catch_up_goes_on_over_several_runs(wiring):
    """Covers: R-AUD-1"""
    source = StoredEvents()
    for i in range(60):
        source.add(ADMIN, T0 + i * 10)
    job = poll(wiring, source, page_size=5, max_pages=4)
    job.run(NOW)
    assert 15 <= len(recorded_ids(wiring)) < 60
    for _ in range(10):
        job.run(NOW)
    ids = recorded_ids(wiring)
    assert len(ids) == len(set(ids)) == 60


def test_the_chain_keeps_who_what_whom_and_where_not_the_representation(wiring):
    """Covers: R-AUD-1, R-PD-1"""
    source = StoredEvents()
    source.add(
        ADMIN,
        T0,
        representation=json.dumps({"email": "wang@clinic.example.tw", "nationalId": "A123456789"}),
        resourcePath="users/u2/groups/g1",
    )
    source.add(
        USER,
        T0 + 1,
        type="LOGIN_ERROR",
        userId=None,
        error="user_not_found",
        details={"username": "A123456789", "auth_method": "openid-connect"},
    )
    poll(wiring, source).run(NOW)
    with wiring.engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
        named = wiring.chain.named(conn, rows)  # people by name again (the chain holds pseudonyms, 0095)
    by_action = {e.action: e for e in named}
    console, failed = by_action["keycloak.admin.user.create"], by_action["keycloak.login_error"]
    admin_row = console.details
    assert console.actor == "name-u1" and admin_row["subject"] == "name-u2" and admin_row["ip"] == "127.0.0.1"
    assert admin_row["institutions"] == ["0401180014"] and admin_row["groups"] == ["group:g1"]
    assert failed.actor == "unknown-account" and failed.details["error"] == "user_not_found"
    assert "A123456789" not in str([r.payload for r in rows]) and "wang@" not in str([r.payload for r in rows])


def test_an_event_committed_long_after_its_stamp_is_found_by_the_next_sweep(wiring):
    """An overloaded Keycloak may store an event tens of seconds after stamping it, after newer
    ones were recorded: beyond the overlap of a run, within the sweep made every minute.

    Covers: R-AUD-1
    """
    source = StoredEvents()
    source.add(USER, T0)
    source.add(USER, T0 + 60_000)
    job = KeycloakEventPoll(
        wiring.uow,
        lambda: source,
        every=timedelta(seconds=3),
        overlap=timedelta(seconds=10),
        page_size=5,
        sweep=timedelta(minutes=3),
        sweep_every=timedelta(minutes=1),
    )
    job.run(NOW)
    straggler = source.add(USER, T0 + 20_000)  # 40 s older than the newest recorded
    job.run(NOW + timedelta(seconds=3))
    assert straggler["id"] not in recorded_ids(wiring)  # a plain run reads only its overlap
    job.run(NOW + timedelta(seconds=61))
    assert straggler["id"] in recorded_ids(wiring) and len(recorded_ids(wiring)) == 3


def test_a_reset_that_unlocked_keeps_what_it_cleared_not_the_email():
    """Covers: R-AUD-1"""
    from sync_service.domain.keycloak_events import audit_fields, stored_event

    raw = {
        "id": "e1",
        "time": 1_700_000_000_000,
        "type": "RESET_PASSWORD",
        "userId": "u1",
        "clientId": "screening-system",
        "ipAddress": "10.0.0.8",
        "details": {"username": "chen", "email": "chen@clinic.example.tw", "screening_unlock": "permanentLockout"},
    }
    row = audit_fields(stored_event(USER, raw), People(users={"u1": Person("chen", ("0123456789",))}))
    assert row["action"] == "keycloak.reset_password" and row["actor"] == "chen"
    assert row["details"]["details"] == {"screening_unlock": "permanentLockout"}
    assert "chen@clinic.example.tw" not in json.dumps(row, default=str)


def test_a_grant_removed_in_the_console_asks_whether_the_account_closes(wiring):
    """Only removals from a grant group, by someone other than the service itself (its own
    removals close where they are made); each once, however often the events are read.

    Covers: R-ACC-2"""

    class WithGroups(StoredEvents):
        def people(self, user_ids, group_ids):
            paths = {"g-users": "/institutions/0401180014/CRC-COL/users", "g-other": "/reviewers"}
            return People({u: Person(f"name-{u}") for u in user_ids}, {g: paths[g] for g in group_ids})

    source = WithGroups()
    removal = {"resourceType": "GROUP_MEMBERSHIP", "operationType": "DELETE"}
    console = {"userId": "mgr", "clientId": "security-admin-console"}
    source.add(ADMIN, T0 + 1, resourcePath="users/closes/groups/g-users", authDetails=console, **removal)
    source.add(ADMIN, T0 + 2, resourcePath="users/keeps/groups/g-users", authDetails=console, **removal)
    source.add(ADMIN, T0 + 3, resourcePath="users/any/groups/g-other", authDetails=console, **removal)
    own = {"userId": "svc", "clientId": "sync-service"}
    source.add(ADMIN, T0 + 4, resourcePath="users/ours/groups/g-users", authDetails=own, **removal)
    asked = []

    def grant_removed(account_id, at):
        asked.append(account_id)
        return account_id == "closes"

    job = KeycloakEventPoll(
        wiring.uow,
        lambda: source,
        every=timedelta(seconds=5),
        overlap=timedelta(seconds=10),
        page_size=5,
        grant_removed=grant_removed,
        own_client="sync-service",
    )
    job.run(NOW)
    job.run(NOW + timedelta(seconds=5))
    assert asked == ["closes", "keeps"]
    with wiring.engine.connect() as conn:
        closed = [
            json.loads(r.payload) for r in conn.execute(select(audit_log).where(audit_log.c.action == "account.closed"))
        ]
    assert [(c["after"], c["because"]) for c in closed] == [("grant-removed", "last-grant-ended")]
