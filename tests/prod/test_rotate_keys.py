"""Rotating the personal-data key and the audit signing key on the running stack:
`python -m sync_service keys rotate`, then a rolling restart."""

from __future__ import annotations

from sqlalchemy import select

from sync_service.adapters.tables import audit_log
from sync_service.bootstrap import bootstrap
from tests.support.sync import new_account_name, ready_application

from .conftest import prod_settings
from .test_restore_from_backup import sync_command


def test_old_records_verify_and_decrypt_after_both_keys_rotate(prod_stack, prod_wiring, institution):
    """Covers: R-PD-1, R-AUD-1"""
    old_app = ready_application(prod_wiring, "A", institution, new_account_name(), national_id="A123456789")
    for which in ("data", "audit"):
        rotated = sync_command(prod_stack, "keys", "rotate", which)
        assert rotated.returncode == 0, rotated.stderr
    for name in ("sync-web", "sync-worker-1", "sync-worker-2"):
        prod_stack.sup.stop(name)
    prod_stack.start_web()
    for name in ("sync-worker-1", "sync-worker-2"):
        prod_stack.start_worker(name)

    after = bootstrap(prod_settings(prod_stack))
    try:
        assert after.chain.key_id != prod_wiring.chain.key_id
        assert after.cipher.key_id != prod_wiring.cipher.key_id
        new_app = ready_application(after, "A", institution[:9] + "9", new_account_name(), national_id="A123456789")
        with after.uow() as uow:
            assert uow.applications.get(old_app).form.national_id.value == "A123456789"
            assert uow.applications.get(new_app).form.national_id.value == "A123456789"
        with after.engine.connect() as conn:
            newest = conn.execute(select(audit_log.c.signature).order_by(audit_log.c.seq.desc()).limit(1)).scalar()
        assert newest.startswith(after.chain.key_id + ":")
        verified = sync_command(prod_stack, "audit", "verify")
        assert verified.returncode == 0, verified.stderr
    finally:
        after.engine.dispose()
