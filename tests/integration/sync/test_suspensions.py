"""Suspension (停權, R-SUS-1, decision 0163) against the run's real Keycloak: 附件2-1 九
「機關或資拓宏宇得以停權處分」. While suspended, nobody signs in for the suspended grants (sessions end
at once, the token's `grants` claim leaves them out, an account left with nothing is closed with
the key `suspended`), the institution's managers cannot undo it in the console, the chain records
both steps, and the lifting gives back exactly what was there."""

from __future__ import annotations

import requests

from stack.mailsink import body_text
from sync_service.services import suspensions
from tests.browser.test_admin_console import set_locale
from tests.integration.admin_console.world import OWN_USER, SHARED_WITH_ANOTHER_MANAGER, ManagerWorld
from tests.pages.consoles import AdminConsole
from tests.pages.keycloak import LoginPage
from tests.pages.screening_client import ScreeningClientPage
from tests.support.sync import REVIEWER, VENDOR
from tests.support.tokens import TEST_CLIENT_ID, token_response, token_url
from tests.support.waiting import wait_until

from .conftest import claims_of
from .test_keycloak_events import chain_rows
from .test_provisioning import closed_mark


def _group_paths(admin, person) -> set[str]:
    return {g["path"] for g in admin.get_user_groups(person["id"])}


def _signed_in(keycloak, person) -> dict:
    r = token_response(keycloak.url, person["username"], person["password"], scope="openid")
    assert r.status_code == 200, r.json().get("error")
    return r.json()


def _refresh(keycloak, tokens) -> int:
    return requests.post(
        token_url(keycloak.url),
        data={"grant_type": "refresh_token", "client_id": TEST_CLIENT_ID, "refresh_token": tokens["refresh_token"]},
        timeout=30,
    ).status_code


def test_an_institution_suspended_signs_nobody_in_for_it_and_lifting_gives_everything_back(
    wiring, admin, make_user, keycloak, mail, page, browser, screening_client, request
):
    """Covers: R-SUS-1, R-VEN-1, R-ACC-2

    The vendor suspends institution A: its user (nothing else held) and its manager are closed
    with the key `suspended`, their sessions end, the manager's console calls are refused; a
    person also at institution B signs in with B's grant alone. A reviewer lifts it: every group
    membership and account state is back as it was, and the chain holds both steps. The user signed
    in to the stand-in screening system is out on their next request, and in again after it; the
    manager at work in the admin console meets the console's refusal on their next step, and the
    sign-in page's word that the account is suspended; after the lifting the console is theirs again."""
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    user, shared = world.target(OWN_USER), world.target(SHARED_WITH_ANOTHER_MANAGER)
    people = [world.manager, user, shared]
    before = {p["id"]: _group_paths(admin, p) for p in people}
    held = {p["id"]: _signed_in(keycloak, p) for p in people}
    assert {g["institution"] for g in claims_of(held[shared["id"]]["access_token"])["grants"]} == {world.a, world.b}
    console = world.manager_api()
    screening = ScreeningClientPage(page, screening_client)
    screening.start_sign_in()
    LoginPage(page).sign_in(user["username"], user["password"])
    assert screening.is_signed_in_as(user["username"])
    # The manager at work in the admin console, in their own browser.
    set_locale(admin, world.manager["id"], "zh-Hant")
    managers_browser = browser.new_context(locale="zh-TW", viewport={"width": 1100, "height": 900})
    request.addfinalizer(managers_browser.close)
    desk = managers_browser.new_page()
    desk.set_default_timeout(20_000)
    managers_console = AdminConsole(desk, keycloak.url)
    managers_console.sign_in(world.manager)
    desk.locator("table").get_by_text(user["username"], exact=True).wait_for()

    s = suspensions.suspend(
        wiring.uow(),
        wiring.directory(),
        wiring.mailer,
        VENDOR,
        {"scope": "institution", "institution_code": world.a, "reason": "違反切結書第三點", "reference": "資字第1號"},
    )

    screening.reload()  # the user's next request in the screening system
    assert "登入已結束" in screening.session_ended()
    # The manager's next step in the console (opening a user from the list) meets the console's
    # refusal in zh-Hant; signing in again, the sign-in page says the account is suspended.
    managers_console.open_listed_user(user["username"])
    assert "沒有使用管理主控台的權限" in managers_console.refusal()
    managers_console.load_again()
    LoginPage(desk).sign_in(world.manager["username"], world.manager["password"])
    assert "停權" in LoginPage(desk).messages(), LoginPage(desk).messages()
    for p in people:
        assert admin.get_sessions(p["id"]) == [], p["username"]
        assert _refresh(keycloak, held[p["id"]]) == 400  # the session ended: its refresh token is refused
        assert not any(path.startswith(f"/institutions/{world.a}/") for path in _group_paths(admin, p))
    for p in (world.manager, user):
        enabled, _, because = closed_mark(admin, p["id"])
        assert (enabled, because) == (False, ["suspended"])
        assert token_response(keycloak.url, p["username"], p["password"]).status_code in (400, 401)
    # The manager's console: nothing of the institution is theirs any more, nobody is put back.
    assert console.update_user(user["id"], {"enabled": True}) in (401, 403, 404)
    assert console.add_to_group(user["id"], world.own_users_group["id"]) in (401, 403, 404)
    assert closed_mark(admin, user["id"])[0] is False
    # The person also at B signs in with B's grant only (the claim has none of A's).
    grants = claims_of(_signed_in(keycloak, shared)["access_token"])["grants"]
    assert {g["institution"] for g in grants} == {world.b}
    (notice,) = wait_until(
        lambda: [m for m in mail.messages(world.manager["email"]) if "停權通知" in m["subject"]], 30, "the notice"
    )
    assert "資字第1號" in body_text(notice)
    # The institution by its name beside its code (the name its group carries, decision 0150).
    assert f"臺北市立聯合醫院（{world.a}）" in notice["subject"] and f"臺北市立聯合醫院 ({world.a})" in body_text(
        notice
    )

    suspensions.lift(wiring.uow(), wiring.directory(), wiring.mailer, REVIEWER, s.id, "已改善並函復")

    for p in people:
        assert _group_paths(admin, p) == before[p["id"]], p["username"]
        enabled, closed_at, because = closed_mark(admin, p["id"])
        assert (enabled, closed_at, because) == (True, [], [])
    grants = claims_of(_signed_in(keycloak, user)["access_token"])["grants"]
    assert [(g["institution"], g["level"]) for g in grants] == [(world.a, "user")]
    screening.start_sign_in()
    LoginPage(page).sign_in(user["username"], user["password"])
    assert [g["institution"] for g in screening.grants()] == [world.a]
    managers_console.sign_in(world.manager)  # the console again, with the manager's users
    managers_console.open_listed_user(user["username"])
    desk.wait_for_selector("[data-testid=user-details-tab]")
    rows = [r for r in chain_rows(wiring) if r.get("suspension") == s.id]  # this one (a stack's chain holds others)
    assert [(r["action"], r["actor"]) for r in rows] == [
        ("suspension.suspended", VENDOR.username),
        ("suspension.lifted", REVIEWER.username),
    ]
    assert rows[0]["reason"] == "違反切結書第三點" and rows[1]["restored"] == 3


def test_a_person_suspended_is_out_of_every_managers_console_and_comes_back_as_they_were(
    wiring, admin, make_user, keycloak, mail
):
    """Covers: R-SUS-1, R-ACC-2

    A reviewer suspends one person: every grant is held aside and the account closed with the key
    `suspended`; their manager can neither open them in the console, enable them nor add them back,
    and is told by mail who, where and why; lifting gives back the same groups and an open account,
    and the manager is told again."""
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    person = world.target(OWN_USER)
    before = _group_paths(admin, person)
    held = _signed_in(keycloak, person)
    console = world.manager_api()
    assert console.read_user(person["id"])[0] == 200

    s = suspensions.suspend(
        wiring.uow(),
        wiring.directory(),
        wiring.mailer,
        REVIEWER,
        {"scope": "person", "account": person["username"], "reason": "帳號借他人使用", "reference": "案號115-7"},
    )

    assert admin.get_sessions(person["id"]) == [] and _refresh(keycloak, held) == 400
    assert _group_paths(admin, person) == set()
    assert closed_mark(admin, person["id"])[::2] == (False, ["suspended"])
    assert console.read_user(person["id"])[0] in (403, 404)
    assert console.update_user(person["id"], {"enabled": True}) in (403, 404)
    assert console.add_to_group(person["id"], world.own_users_group["id"]) in (403, 404)
    assert token_response(keycloak.url, person["username"], person["password"]).status_code in (400, 401)
    (notice,) = wait_until(
        lambda: [m for m in mail.messages(world.manager["email"]) if "停權通知" in m["subject"]], 30, "the notice"
    )
    assert person["username"] in notice["subject"]
    assert f"臺北市立聯合醫院（{world.a}）・大腸癌" in body_text(notice) and "案號115-7" in body_text(notice)

    suspensions.lift(wiring.uow(), wiring.directory(), wiring.mailer, REVIEWER, s.id, "已查明")

    assert _group_paths(admin, person) == before
    assert closed_mark(admin, person["id"]) == (True, [], [])
    assert {g["institution"] for g in claims_of(_signed_in(keycloak, person)["access_token"])["grants"]} == {world.a}
    assert console.read_user(person["id"])[0] == 200
    wait_until(
        lambda: [m for m in mail.messages(world.manager["email"]) if "解除停權" in m["subject"]], 30, "the lifting"
    )
