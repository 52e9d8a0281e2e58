"""The managers' page (issue 18 items 3 and 4, decision 0127) in the browser against the real
stack: a person who works for two institutions, each manager ending only their own grant; an
existing account added with the person's national ID (either wrong: the answer no account gets);
the account closing with its last grant and opening again when a manager adds the person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sync_service.services.clock import utcnow
from tests.integration.admin_console.world import OWN_CAT, ManagerWorld
from tests.integration.admin_console.world import SHARED_WITH_ANOTHER_MANAGER as SHARED
from tests.integration.sync.test_keycloak_events import chain_rows
from tests.integration.sync.test_provisioning import closed_mark
from tests.pages.sync_pages import ManagersPage

from .test_applicant_to_approval import pdf_text

pytestmark = pytest.mark.browser


def test_two_managers_of_one_person_each_end_only_their_own_grant_and_add_by_national_id(
    service, page, base_url, sign_in, admin, make_user, keycloak, shoot, tmp_path, csp_violations
):
    """Covers: R-USR-1, R-USR-2, R-USR-3, R-USR-4, R-ACC-1, R-ACC-2, R-AUD-1"""
    # Taipei's day when the test starts, not when the module was imported: a run that crosses
    # 00:00 Taipei (16:00 UTC) took a module constant's "tomorrow" for today.
    tw_today = (datetime.now(UTC) + timedelta(hours=8)).date()
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    a, b = world.a, world.b
    manager_a, manager_b = world.manager, world.person_in(b, OWN_CAT, "manager")
    # A user at both institutions, one of A's only, an account with no access here: each with
    # a national ID of their own (make_user), so no account left from another run holds it.
    shared = make_user(groups=[g["path"] for g in world.grant_groups_of(SHARED)])
    only = make_user(groups=[world.own_users_group["path"]])
    newcomer = make_user()
    manage = ManagersPage(page, base_url)

    # Manager A sees both their users; the console cannot open the shared one, the page can end its grant.
    sign_in(manager_a, "/manage")
    rows = manage.people(a, OWN_CAT)
    assert set(rows) == {shared["username"], only["username"]}
    assert "另有其他機構或類別權限" in rows[shared["username"]] and "elsewhere" in rows[shared["username"]]
    assert "另有其他機構" not in rows[only["username"]]
    assert manage.serious_accessibility_violations() == []
    shoot(manage, "manage-people")
    assert world.api_as(manager_a).read_user(shared["id"])[0] == 403  # the console: read-only is not even possible

    # Adding by account name and national ID: either wrong gets the answer no account gets.
    refusals = []
    for account, national_id in (
        (newcomer["username"], only["national_id"]),  # the right account, someone else's number
        ("nobody" + newcomer["username"][1:], newcomer["national_id"]),  # no such account, the right number
    ):
        manage.find(account, national_id)
        refusals.append(manage.error_beside("account"))
        assert manage.found() == ""
    assert refusals[0] == refusals[1] and "查無帳號與身分證字號相符" in refusals[0]
    manage.find(newcomer["username"], newcomer["national_id"])
    assert "陳怡君" in manage.found() and newcomer["username"] in manage.found()
    shoot(manage, "manage-add-found")
    consent = pdf_text(manage.download_consent(tmp_path))
    assert "保密同意暨個人資料提供同意書" in consent and "陳怡君" in consent
    manage.confirm((tw_today - timedelta(days=1)).isoformat())
    assert newcomer["username"] in manage.notice()
    assert newcomer["username"] in manage.people(a, OWN_CAT)
    assert {g["path"] for g in admin.get_user_groups(newcomer["id"])} == {world.own_users_group["path"]}

    # Manager A ends the shared person's grant at once: only A's grant goes; the account stays open.
    manage.end(a, OWN_CAT, shared["username"])
    assert shared["username"] not in manage.people(a, OWN_CAT)
    assert [g["path"] for g in admin.get_user_groups(shared["id"])] == [world.group(b, OWN_CAT, "user")["path"]]
    assert closed_mark(admin, shared["id"])[0] is True

    # Manager B ends their grant from a date; on that day the account, with nothing left, closes.
    sign_in(manager_b, "/manage")
    tomorrow = (tw_today + timedelta(days=1)).isoformat()
    manage.end(b, OWN_CAT, shared["username"], on=tomorrow)
    assert tomorrow in manage.people(b, OWN_CAT)[shared["username"]]
    shoot(manage, "manage-ending-set")
    job = service.grant_endings()
    job.run(utcnow())
    assert closed_mark(admin, shared["id"])[0] is True  # not before its day
    job.run(datetime.combine(tw_today + timedelta(days=1), datetime.min.time(), tzinfo=UTC) - timedelta(hours=8))
    assert admin.get_user_groups(shared["id"]) == []
    assert closed_mark(admin, shared["id"]) == (False, [tomorrow], ["last-grant-ended"])

    # A later grant opens it again: manager A adds the person back (their account and national ID).
    sign_in(manager_a, "/manage")
    manage.find(shared["username"], shared["national_id"])
    manage.confirm(tw_today.isoformat())
    assert closed_mark(admin, shared["id"]) == (True, [], [])
    assert csp_violations == []

    # The chain names who did what: the managers, and the service for the dated ending.
    done = {
        (r["actor"], r["action"])
        for r in chain_rows(service)
        if r.get("account") in (shared["username"], newcomer["username"], "nobody" + newcomer["username"][1:])
    }
    assert {
        (manager_a["username"], "grant.add_refused"),
        (manager_a["username"], "grant.added"),
        (manager_a["username"], "grant.ended"),
        (manager_b["username"], "grant.ending_set"),
        ("sync-service", "grant.ended"),
        ("sync-service", "account.closed"),
        (manager_a["username"], "account.reopened"),
    } <= done
