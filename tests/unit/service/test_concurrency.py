"""50 reviewers approve 50 managers for one seat at the same moment: one wins."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from sync_service.adapters.tables import manager_seats, outbox
from sync_service.domain import ManagerSeatRefused
from sync_service.services import applications as use_cases
from tests.support.sync import REVIEWER, new_account_name, ready_application

CODE, CAT = "0401180014", "CRC-COL"


def test_fifty_concurrent_approvals_leave_exactly_one_manager(wiring, worker, fake_keycloak):
    """Covers: R-MGR-1"""
    ids = [ready_application(wiring, "A", CODE, new_account_name()) for _ in range(50)]
    barrier = threading.Barrier(len(ids))
    results: dict[str, object] = {}

    def decide(app_id):
        barrier.wait()
        try:
            results[app_id] = use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
        except Exception as e:
            results[app_id] = e

    threads = [threading.Thread(target=decide, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    winners = [i for i, r in results.items() if isinstance(r, tuple)]
    refused = [r for r in results.values() if not isinstance(r, tuple)]
    assert len(winners) == 1 and len(refused) == 49
    assert all(isinstance(r, ManagerSeatRefused) for r in refused), Counter(type(r).__name__ for r in refused)
    seat_refusals = [r for r in refused if isinstance(r, ManagerSeatRefused)]
    assert {r.code for r in seat_refusals} == {"manager_seat.taken"} and all(r.zh and r.en for r in seat_refusals)
    with wiring.engine.connect() as conn:
        assert conn.execute(select(manager_seats.c.manager)).scalars().all() != []
        assert len(conn.execute(select(outbox)).all()) == 1
    worker.run_until_idle()
    [winner] = winners
    with wiring.uow() as uow:
        account = uow.applications.get(winner).account
    assert fake_keycloak.managers_of(CODE, CAT) == {account}
