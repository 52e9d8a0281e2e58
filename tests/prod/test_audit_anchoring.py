"""The audit chain's end kept in Keycloak and mailed to the agency on the production shape too
(issue 19 item 5, decision 0136): the workers' anchor job records it in Keycloak through nginx,
the checkpoint goes out through SMTP, and `audit verify` reads both through nginx. (The test run's
stack runs no periodic jobs on its own, decision 0140: the test runs each job as a worker would.)"""

from __future__ import annotations

import policies
from stack.mailsink import read_message
from tests.prod.test_restore_from_backup import sync_command
from tests.support.sync import new_account_name, ready_application
from tests.support.waiting import wait_until


def test_the_workers_anchor_the_chain_in_keycloak_and_mail_its_checkpoint(
    prod_stack, prod_admin, prod_wiring, institution, tmp_path
):
    """Covers: R-AUD-1"""
    ready_application(prod_wiring, "A", institution, new_account_name())
    with prod_wiring.engine.connect() as conn:
        end = prod_wiring.chain.end(conn)

    def anchored() -> bool:
        events = prod_admin.connection.raw_get(
            "admin/realms/cancer-screening/admin-events",
            resourceTypes="CUSTOM",
            resourcePath="screening-audit-anchors/*",
            max=20,
        ).json()
        return any(int(e["resourcePath"].split("/")[1]) >= end.seq for e in events)

    anchor = sync_command(prod_stack, "jobs", "run", "audit-anchor")
    assert anchor.returncode == 0, anchor.stderr
    wait_until(anchored, 120, "the chain's end anchored in Keycloak")

    ran = sync_command(prod_stack, "jobs", "run", "audit-checkpoint")  # or this hour's is made already
    assert ran.returncode == 0, ran.stderr
    to = policies.audit().checkpoint_mail_to

    def mailed():
        found = [read_message(p) for p in sorted((prod_stack.home / "mail").glob("*.eml"))]
        return [m for m in found if to in str(m.get("To", ""))]

    saved = tmp_path / "checkpoint.eml"
    saved.write_bytes(wait_until(mailed, 60, "the checkpoint mail")[-1].as_bytes())
    verified = sync_command(prod_stack, "audit", "verify", "--checkpoints", str(saved))
    assert verified.returncode == 0, verified.stderr
    assert "1 mailed checkpoints" in verified.stdout and " 0 anchors in Keycloak" not in verified.stdout
