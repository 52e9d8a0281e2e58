"""Two outbox workers over one PostgreSQL database: each approval applied exactly once,
even when one worker is killed in the middle of its batch."""

from __future__ import annotations

from sqlalchemy import func, select

from sync_service.adapters.tables import applications, audit_log, outbox
from sync_service.domain import Status
from tests.support.waiting import wait_until

from .test_node_loss import approve_many, assert_applied_once

APPROVALS = 500


def done_count(wiring, ids) -> int:
    with wiring.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(outbox).where(outbox.c.application_id.in_(ids), outbox.c.status == "done")
        ).scalar_one()


def lease_owners(wiring, ids) -> set[str]:
    with wiring.engine.connect() as conn:
        return set(
            conn.execute(
                select(outbox.c.lease_owner).where(outbox.c.application_id.in_(ids), outbox.c.lease_owner.is_not(None))
            ).scalars()
        )


def test_two_workers_apply_each_approval_once_and_one_survives_the_other(
    prod_stack, prod_admin, prod_wiring, institution
):
    """Covers: R-MGR-1, R-MGR-2"""
    for name in ("sync-worker-1", "sync-worker-2"):
        prod_stack.sup.stop(name)
    batch = approve_many(prod_wiring, APPROVALS, institution[:7])
    ids = [a for a, _, _ in batch]
    for name in ("sync-worker-1", "sync-worker-2"):
        prod_stack.start_worker(name)
    # Both work at once, each on its own claimed entries (SKIP LOCKED plus the lease)...
    wait_until(
        lambda: done_count(prod_wiring, ids) >= APPROVALS // 5 and len(lease_owners(prod_wiring, ids)) == 2,
        600,
        "both workers holding entries",
    )
    # ... and one dies mid-batch: the entries it held come back to the other when their lease ends.
    prod_stack.sup.kill("sync-worker-1")
    wait_until(lambda: done_count(prod_wiring, ids) == APPROVALS, 900, "the surviving worker to finish")

    with prod_wiring.engine.connect() as conn:
        statuses = conn.execute(select(applications.c.status).where(applications.c.id.in_(ids))).scalars().all()
        provisioned_rows = conn.execute(
            select(audit_log.c.application_id, func.count())
            .where(
                audit_log.c.application_id.in_(ids),
                audit_log.c.action == "application.provisioned",
            )
            .group_by(audit_log.c.application_id)
        ).all()
        assert prod_wiring.chain.verify(conn).ok
    assert set(statuses) == {Status.PROVISIONED.value}
    assert len(provisioned_rows) == APPROVALS and {n for _, n in provisioned_rows} == {1}
    assert_applied_once(prod_admin, batch)
    prod_stack.start_worker("sync-worker-1")
