"""What a manager does in Keycloak's own admin console (Debian chromium, through the page
object), and a lockout, reach the sync service's audit chain, though the worker was down while
they happened (issue 12 point 4, decision 0090)."""
from __future__ import annotations

import json
import threading
from collections import Counter

import policies
from sqlalchemy import select

from sync_service.adapters.tables import audit_log
from sync_service.bootstrap import bootstrap
from tests.conftest import good_password, unique
from tests.integration.admin_console.world import OWN_CAT, OWN_USER, ManagerWorld
from tests.integration.sync.conftest import sync_settings
from tests.pages.consoles import AdminConsole
from tests.support.sync import only_the_event_poll
from tests.support.tokens import token_response
from tests.support.waiting import wait_until


def test_a_managers_console_work_and_a_lockout_reach_the_chain_once_after_the_worker_returns(
        page, keycloak, admin, make_user, run_secrets, mail, tmp_path):
    """Covers: R-AUD-1"""
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    colleague = world.target(OWN_USER)  # (an empty list would show another page, without the toolbar)
    wiring = bootstrap(sync_settings(keycloak, run_secrets, mail, tmp_path))
    try:
        wiring.schedule().run_one("keycloak-events")  # the record starts here; then the worker is down
        with wiring.engine.connect() as conn:
            before = conn.execute(select(audit_log.c.seq).order_by(audit_log.c.seq.desc())).scalar() or 0

        console = AdminConsole(page, keycloak.url)
        console.sign_in(world.manager, settle=False)
        name = unique("c")
        person_id = console.create_user({"username": name, "email": f"{name}@clinic.example.tw"}, world.a, OWN_CAT)
        console.open_user(colleague["id"], settle=False)  # a colleague who forgot the password
        console.open_tab("credentials", settle=False)
        console.reset_password(good_password())
        for _ in range(policies.load().lockout.failures):
            token_response(keycloak.url, name, "Wrong~Password1")

        def about_the_person() -> list[tuple]:
            with wiring.engine.connect() as conn:
                rows = conn.execute(select(audit_log).where(audit_log.c.seq > before).order_by(audit_log.c.seq)).all()
                named = wiring.chain.named(conn, rows)  # people by name (the chain holds pseudonyms, 0095)
            return [(e.actor, e.action, e.details) for e in named
                    if person_id in json.dumps(e.details) or colleague["id"] in json.dumps(e.details)]

        worker = wiring.worker(threads=1, schedule=only_the_event_poll(wiring))  # the poll on its period
        stop = threading.Event()
        runner = threading.Thread(target=worker.run_forever, args=(stop, 0.2), daemon=True)
        runner.start()  # the worker is back
        try:
            rows = wait_until(lambda: (lambda found: found if {
                "keycloak.admin.user.create", "keycloak.admin.user.action",
                "keycloak.user_disabled_by_permanent_lockout"} <= {a for _, a, _ in found} else None)(about_the_person()),
                timeout=60, what="the console's work and the lockout in the chain")
        finally:
            stop.set()
            runner.join(timeout=30)
            worker.close()
        wiring.schedule().run_one("keycloak-events")  # once more: nothing new, nothing twice
        rows = about_the_person()
        ids = [d["event_id"] for _, _, d in rows]
        assert len(ids) == len(set(ids)), rows
        counts = Counter(a for _, a, _ in rows)
        assert counts["keycloak.admin.user.create"] == 1
        reset = next(d for _, a, d in rows if a == "keycloak.admin.user.action")
        assert reset["resource_path"] == f"users/{colleague['id']}/reset-password"
        assert reset["subject"] == colleague["username"]
        assert counts["keycloak.user_disabled_by_permanent_lockout"] == 1
        assert counts["keycloak.login_error"] == policies.load().lockout.failures
        actor, _, created = next(r for r in rows if r[1] == "keycloak.admin.user.create")
        assert actor == world.manager["username"] and created["subject"] == name
        assert created["client"] and created["ip"] and world.a in created["institutions"]
        assert f"{name}@clinic.example.tw" not in json.dumps([d for _, _, d in rows])
        with wiring.engine.connect() as conn:
            assert wiring.chain.verify(conn).ok
    finally:
        wiring.engine.dispose()
