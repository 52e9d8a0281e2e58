"""Losing a Keycloak node: SIGKILL one of the two while people sign in through nginx
and the workers apply approvals. The other node carries on; nothing is lost."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from sync_service.adapters.keycloak_groups import grant_group_path
from sync_service.adapters.tables import applications
from sync_service.domain import Status
from sync_service.services import applications as use_cases
from tests.support.sync import REVIEWER, new_account_name, ready_application
from tests.support.waiting import wait_until

CAT = "CRC-COL"


def approve_many(wiring, n: int, institution_prefix: str) -> list[tuple[str, str, str]]:
    batch = []
    for i in range(n):
        account, institution = new_account_name("f"), f"{institution_prefix}{i:03d}"
        app_id = ready_application(wiring, "A", institution, account)
        use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
        batch.append((app_id, account, institution))
    return batch


def provisioned(wiring, batch) -> bool:
    ids = [a for a, _, _ in batch]
    with wiring.engine.connect() as conn:
        statuses = conn.execute(select(applications.c.status).where(applications.c.id.in_(ids))).scalars().all()
    return len(statuses) == len(ids) and set(statuses) == {Status.PROVISIONED.value}


def assert_applied_once(admin, batch) -> None:
    for _, account, institution in batch:
        assert len(admin.get_users({"username": account, "exact": True})) == 1, account
        group = admin.get_group_by_path(grant_group_path(institution, CAT, "manager"))
        assert [m["username"] for m in admin.get_group_members(group["id"])] == [account]


@pytest.fixture
def node_back(prod_stack):
    """The killed node started again after the test, passed or failed, and the cluster whole: the
    tests after this one (the guess bound, the operators' view scraping both nodes) find the stack
    as it was."""
    yield
    prod_stack.ensure_cluster()


def test_a_node_dies_during_sign_in_load(
    prod_stack, prod_admin, prod_wiring, sign_in, make_people, institution, node_back
):
    """Covers: R-MGR-1"""
    prod_stack.ensure_cluster()  # both nodes up and in one view (a test before may have stopped one)
    signed_in = make_people(6)
    loaders = make_people(4)
    refresh_tokens = []
    for username, password in signed_in:
        r = sign_in.token(username, password)
        assert r.status_code == 200, r.text
        refresh_tokens.append(r.json()["refresh_token"])

    results: list[tuple[float, int]] = []  # (when the request started, status)
    stop = threading.Event()

    def load(username: str, password: str) -> None:
        import requests

        with requests.Session() as session:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    status = sign_in.token(username, password, session).status_code
                except requests.RequestException:
                    status = 0
                results.append((started, status))

    threads = [threading.Thread(target=load, args=person) for person in loaders]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: sum(s == 200 for _, s in results) >= 10, 120, "sign-ins before the kill")
        # Approvals in flight: the workers are applying them through nginx when the node dies.
        batch = approve_many(prod_wiring, 16, institution[:7])
        killed_at = time.monotonic()
        prod_stack.sup.kill("kc1")
        wait_until(
            lambda: sum(s == 200 and t > killed_at for t, s in results) >= 30,
            180,
            "sign-ins through the surviving node",
        )
    finally:
        stop.set()
        for t in threads:
            t.join()

    failed = [(t - killed_at, s) for t, s in results if s != 200]
    # At most the requests in flight at the moment of the kill may fail; nginx sends the rest
    # (and retries those it can) to the surviving node.
    assert len(failed) <= len(loaders), failed
    assert not prod_stack.node_ready("kc1")
    # The survivor's readiness includes the cluster check, which settles once the view has changed.
    wait_until(lambda: prod_stack.node_ready("kc2"), 180, "the surviving node to report ready")

    # People signed in before the kill stay signed in: their refresh works on the surviving node.
    for token in refresh_tokens:
        r = sign_in.refresh(token)
        assert r.status_code == 200, r.text

    # Every approval in flight lands, once.
    wait_until(lambda: provisioned(prod_wiring, batch), 240, "the approvals to be provisioned")
    assert_applied_once(prod_admin, batch)
    with prod_wiring.engine.connect() as conn:
        assert prod_wiring.chain.verify(conn).ok
