"""Faults: Keycloak goes away in the middle of a batch, the worker is killed
in the middle of a batch. Every approval lands exactly once either way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from urllib.parse import urlparse

from sqlalchemy import func, select

from sync_service.adapters.keycloak_groups import grant_group_path
from sync_service.adapters.tables import applications, outbox
from sync_service.bootstrap import bootstrap
from sync_service.domain import Status
from sync_service.services import applications as use_cases
from tests.support.proxy import TcpProxy
from tests.support.sync import REVIEWER, new_account_name, ready_application
from tests.support.waiting import wait_until

from .conftest import sync_settings

CAT = "CRC-COL"


def approve_batch(wiring, n, institution_of):
    batch = []
    for i in range(n):
        account, institution = new_account_name("f"), institution_of(i)
        app_id = ready_application(wiring, "A", institution, account)
        use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
        batch.append((app_id, account, institution))
    return batch


def counts(wiring):
    with wiring.engine.connect() as conn:
        return dict(conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status)).all())


def retried(wiring) -> int:
    """The most attempts of any entry still pending."""
    with wiring.engine.connect() as conn:
        return conn.execute(select(func.max(outbox.c.attempts)).where(outbox.c.status == "pending")).scalar() or 0


def assert_landed_once(wiring, admin, mail, batch):
    with wiring.engine.connect() as conn:
        statuses = dict(conn.execute(select(applications.c.id, applications.c.status)).all())
        attempts = conn.execute(select(outbox.c.attempts)).scalars().all()
    assert {statuses[a] for a, _, _ in batch} == {Status.PROVISIONED.value}
    for _, account, institution in batch:
        [_user] = admin.get_users({"username": account, "exact": True})
        managers = admin.get_group_members(admin.get_group_by_path(grant_group_path(institution, CAT, "manager"))["id"])
        assert [m["username"] for m in managers] == [account]
        # One password mail per applicant (a second one would only follow a kill
        # landing exactly between the SMTP hand-over and its checkpoint).
        assert 1 <= len(mail.messages(f"{account}@clinic.example.tw")) <= 2
    with wiring.engine.connect() as conn:
        assert wiring.chain.verify(conn).ok
    return attempts


def test_keycloak_down_mid_batch_then_back(keycloak, run_secrets, mail, admin, tmp_path, institution):
    """Covers: R-MGR-1, R-MGR-2"""
    target = urlparse(keycloak.url)
    proxy = TcpProxy(target.hostname, target.port).start()
    settings = sync_settings(keycloak, run_secrets, mail, tmp_path, keycloak_url=proxy.url, keycloak_timeout_seconds=3)
    wiring = bootstrap(settings)
    batch = approve_batch(wiring, 12, lambda i: f"{institution[:8]}{i:02d}")
    worker = wiring.worker(threads=3, base_backoff_seconds=0.2, max_backoff_seconds=1.5)
    stop = threading.Event()
    runner = threading.Thread(target=worker.run_forever, args=(stop, 0.1), daemon=True)
    runner.start()
    try:
        wait_until(lambda: counts(wiring).get("done", 0) >= 2, 120, "the first entries")
        proxy.stop()  # Keycloak "goes down" mid-batch
        wait_until(lambda: retried(wiring) > 1, 60, "the worker to meet the outage and retry")
        down = counts(wiring)
        assert down.get("done", 0) < len(batch) and down.get("failed", 0) == 0
        proxy.start()  # and comes back on the same address
        wait_until(lambda: counts(wiring).get("done", 0) == len(batch), 180, "the whole batch")
    finally:
        stop.set()
        runner.join(timeout=30)
        worker.close()
        proxy.stop()
    attempts = assert_landed_once(wiring, admin, mail, batch)
    assert max(attempts) > 1  # the outage was felt, and retried
    wiring.engine.dispose()


def test_worker_killed_mid_batch_then_restarted(keycloak, run_secrets, mail, admin, tmp_path, institution):
    """Covers: R-MGR-1, R-MGR-2"""
    settings = sync_settings(keycloak, run_secrets, mail, tmp_path)
    wiring = bootstrap(settings)
    batch = approve_batch(wiring, 24, lambda i: f"{institution[:8]}{i:02d}")
    env = {
        **os.environ,
        "SYNC_DATABASE_URL": settings.database_url,
        "SYNC_DATA_KEY": settings.data_key,
        "SYNC_AUDIT_SIGNING_KEY": settings.audit_key,
        "SYNC_AUDIT_HEAD_FILE": str(settings.audit_head_file),
        "SYNC_NATIONAL_ID_DIGEST_KEY_FILE": str(settings.national_id_key_file),
        "SYNC_PUBLIC_URL": "http://127.0.0.1:5000",
        "SCREENING_SYSTEM_URL": "http://127.0.0.1:5080/",
        "KEYCLOAK_URL": keycloak.url,
        "KEYCLOAK_REALM": settings.realm,
        "SYNC_SERVICE_CLIENT_SECRET": settings.client_secret,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mail.port),
        "SYNC_WORKER_THREADS": "4",
        "SYNC_WORKER_LEASE_SECONDS": "4",
        "SYNC_WORKER_POLL_SECONDS": "0.2",
    }
    log = open(tmp_path / "worker.log", "ab")

    def start():
        return subprocess.Popen(
            [sys.executable, "-m", "sync_service", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
        )

    first = start()
    try:
        wait_until(lambda: counts(wiring).get("done", 0) >= 3, 120, "the first entries")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert counts(wiring).get("done", 0) < len(batch), "the kill came too late to mean anything"
        second = start()
        try:
            wait_until(lambda: counts(wiring).get("done", 0) == len(batch), 180, "the whole batch")
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
        log.close()
    assert counts(wiring).get("failed", 0) == 0
    assert_landed_once(wiring, admin, mail, batch)
    wiring.engine.dispose()
