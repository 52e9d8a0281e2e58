"""An account closes when its holder's last grant ends (R-ACC-2, decision 0126): here the end
that happens outside the sync service, a manager's removal in the admin console, found by the
worker's copy of Keycloak's events. (B, a departure date and a lapsed access review close in
test_provisioning, test_departures and test_reminders, where each is made.)"""

from __future__ import annotations

from sync_service.services.keycloak_events import JOB_NAME
from tests.integration.admin_console.world import OWN_USER, ManagerWorld

from .test_keycloak_events import chain_rows, start_polling_from_now
from .test_provisioning import closed_mark


def test_a_managers_removal_in_the_console_closes_an_account_with_nothing_left(wiring, admin, make_user, keycloak):
    """Covers: R-USR-2, R-ACC-2, R-AUD-1

    The manager removes their user from the pair's users group with their own rights (what the
    console's 'leave group' sends). At the next copy of Keycloak's events the account, with no
    grant left, is disabled and marked, its sessions end, and the chain names the manager."""
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    start_polling_from_now(wiring)
    schedule = wiring.schedule()
    leaving = world.target(OWN_USER)
    world.api_as(leaving)  # signed in: a session the closing must end
    assert admin.get_sessions(leaving["id"])

    assert world.manager_api().remove_from_group(leaving["id"], world.own_users_group["id"]) == 204
    schedule.run_one(JOB_NAME)

    enabled, closed_at, because = closed_mark(admin, leaving["id"])
    assert (enabled, because) == (False, ["last-grant-ended"]) and len(closed_at) == 1
    assert admin.get_sessions(leaving["id"]) == []
    [row] = closings_of(wiring, leaving["username"])
    assert row["actor"] == world.manager["username"] and row["after"] == "grant-removed"
    schedule.run_one(JOB_NAME)  # read again (the overlap): closed once, recorded once
    assert len(closings_of(wiring, leaving["username"])) == 1


def closings_of(wiring, username: str) -> list[dict]:
    """The chain's account.closed rows of this one account. The poller's first run reads a while
    back (its sweep), so a removal another test made in the console just before is closed and
    recorded here too, rightly: the chain holds more closings than this test's."""
    return [r for r in chain_rows(wiring) if r["action"] == "account.closed" and r["account"] == username]
