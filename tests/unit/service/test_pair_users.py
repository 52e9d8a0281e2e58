"""The managers' page's use cases (decision 0127) on the fake directory and real SQL storage:
who may act (the live manager grant), the one refusal for any mismatch, ending one grant and
nothing else, dated endings applied once, the account closed or opened with them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sync_service.domain import FormInvalid, Grant, Level
from sync_service.services import pair_users
from sync_service.services.errors import Conflict, Forbidden, NotFound
from sync_service.services.ports import Caller

from .test_users_leaving import FakeDates

CODE, OTHER, CAT = "0401180014", "0501110514", "CRC-COL"
PAIR = (CODE, CAT)
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Taipei
USER, THERE = Grant(CODE, CAT, Level.USER), Grant(OTHER, CAT, Level.USER)


@pytest.fixture
def world(fake_keycloak):
    kc = fake_keycloak
    kc.add_account("mgr", "mgr01x", "mgr@clinic.example.tw", "A123456789")
    kc.add_member("mgr", Grant(CODE, CAT, Level.MANAGER))
    kc.add_account("only", "only01x", "only@clinic.example.tw", "B120863158")
    kc.add_member("only", USER)
    kc.add_account("shared", "shared01x", "shared@clinic.example.tw", "A223456781")
    kc.add_member("shared", USER)
    kc.add_member("shared", THERE)
    kc.add_account("outside", "outside01x", "outside@clinic.example.tw", "F126458799")
    return kc


def manager() -> Caller:
    return Caller(subject="mgr", username="mgr01x")


def actions(wiring) -> list[str]:
    with wiring.engine.connect() as conn:
        from sqlalchemy import select

        from sync_service.adapters.tables import audit_log

        return [r.action for r in conn.execute(select(audit_log.c.action).order_by(audit_log.c.seq))]


def test_the_page_lists_everyone_of_the_pair_and_who_holds_access_elsewhere(wiring, world):
    """Covers: R-USR-4, R-ACC-1"""
    [page] = pair_users.pages_of(wiring.uow, world.directory(), manager())
    assert (page.institution_code, page.category) == PAIR
    assert [(p.holder.username, p.elsewhere) for p in page.people] == [("only01x", False), ("shared01x", True)]
    stranger = Caller(subject="outside", username="outside01x")
    assert pair_users.pages_of(wiring.uow, world.directory(), stranger) == []
    with pytest.raises(Forbidden):
        pair_users.end_grant(wiring.uow, world.directory(), stranger, PAIR, account_id="only", on="", now=NOW)


def test_a_wrong_name_or_national_id_gets_the_answer_no_account_gets(wiring, world):
    """Covers: R-USR-1, R-ACC-1"""
    d = world.directory()
    refusals = []
    for account, national_id in (("outside01x", "A123456789"), ("nobody01x", "F126458799"), ("only01x", "F126458799")):
        with pytest.raises(NotFound) as refused:
            pair_users.find_person(wiring.uow, d, manager(), PAIR, account=account, national_id=national_id, now=NOW)
        refusals.append((refused.value.code, refused.value.zh, refused.value.en))
    assert len(set(refusals)) == 1 and refusals[0][0] == "pair_users.no_match"
    assert actions(wiring).count("grant.add_refused") == 3
    with pytest.raises(FormInvalid):  # a number that is no national ID is a typing error, said beside the field
        pair_users.find_person(wiring.uow, d, manager(), PAIR, account="outside01x", national_id="F12", now=NOW)
    with pytest.raises(Conflict):
        pair_users.find_person(wiring.uow, d, manager(), PAIR, account="only01x", national_id="B120863158", now=NOW)
    found = pair_users.find_person(
        wiring.uow, d, manager(), PAIR, account="OUTSIDE01X", national_id="F126458799", now=NOW
    )
    assert (found.account_id, found.username, found.name) == ("outside", "outside01x", "陳怡君")


def test_adding_needs_the_signed_consent_and_opens_a_closed_account(wiring, world):
    """Covers: R-USR-1, R-USR-3, R-ACC-2"""
    d = world.directory()
    d.close_account("outside", date(2026, 11, 1), "last-grant-ended")
    with pytest.raises(FormInvalid) as refused:
        pair_users.add_person(
            wiring.uow, d, FakeDates(), manager(), PAIR, account_id="outside", consent_signed_on="2026-12-08",
            kept_on_file=False, now=NOW,
        )  # fmt: skip
    assert {e.field for e in refused.value.errors} == {"consent_signed_on", "kept_on_file"}
    assert USER not in d.grants_of("outside")
    pair_users.add_person(
        wiring.uow, d, FakeDates(), manager(), PAIR, account_id="outside", consent_signed_on="115/12/01",
        kept_on_file=True, now=NOW,
    )  # fmt: skip
    assert d.grants_of("outside") == {USER}
    assert world.accounts["outside"]["enabled"] and not world.accounts["outside"]["closed"]
    assert actions(wiring)[-2:] == ["grant.added", "account.reopened"]


def test_a_departure_date_set_at_the_first_pair_ends_only_that_pair(wiring, world):
    """A date a manager set in the console ends every user grant the person holds on it; joining
    another pair here turns it into an ending of the first pair's grant alone. Covers: R-USR-2"""
    d = world.directory()
    world.accounts["outside"]["attributes"]["departureDate"] = "2026-12-20"
    world.add_member("outside", THERE)
    dates = FakeDates()
    dates.dates["outside"] = ("outside01x", date(2026, 12, 20))
    pair_users.add_person(
        wiring.uow, d, dates, manager(), PAIR, account_id="outside", consent_signed_on="2026-12-01",
        kept_on_file=True, now=NOW,
    )  # fmt: skip
    assert dates.dates == {}  # the console's date is gone ...
    with wiring.uow() as uow:  # ... and the first pair's grant ends that day
        [ending] = uow.grant_endings.due(date(2026, 12, 20))
    assert (ending.institution_code, ending.end_on, ending.set_by) == (OTHER, date(2026, 12, 20), "departure-date")


def test_ending_now_takes_only_this_grant_and_closes_an_account_with_nothing_left(wiring, world):
    """Covers: R-USR-2, R-ACC-2"""
    d = world.directory()
    for account_id in ("shared", "only"):
        assert pair_users.end_grant(wiring.uow, d, manager(), PAIR, account_id=account_id, on="", now=NOW) is None
    assert d.grants_of("shared") == {THERE} and world.accounts["shared"].get("enabled", True)
    assert d.grants_of("only") == set() and world.accounts["only"]["enabled"] is False
    assert world.accounts["only"]["closed"] == ("2026-12-07", "last-grant-ended")
    assert set(world.logouts) == {"shared", "only"}
    assert actions(wiring) == ["grant.ended", "grant.ended", "account.closed"]
    with pytest.raises(NotFound):  # no longer a user of the pair
        pair_users.end_grant(wiring.uow, d, manager(), PAIR, account_id="only", on="", now=NOW)


def test_a_dated_ending_waits_for_its_day_and_is_applied_once(wiring, world):
    """Covers: R-USR-2, R-ACC-2"""
    d = world.directory()
    with pytest.raises(FormInvalid):
        pair_users.end_grant(wiring.uow, d, manager(), PAIR, account_id="only", on="2026-12-06", now=NOW)
    on = pair_users.end_grant(wiring.uow, d, manager(), PAIR, account_id="only", on="2026-12-09", now=NOW)
    assert on == date(2026, 12, 9)
    [page] = pair_users.pages_of(wiring.uow, d, manager())
    assert {p.holder.username: p.ending_on for p in page.people}["only01x"] == on
    jobs = [pair_users.GrantEndings(wiring.uow, world.directory) for _ in range(2)]
    midnight = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)  # 00:00 of the 9th in Taipei
    for job in jobs:
        job.run(midnight - timedelta(seconds=1))
    assert USER in d.grants_of("only")
    assert [job.run(midnight) for job in jobs] == ["1 grants ended on their date", "0 grants ended on their date"]
    assert d.grants_of("only") == set() and world.accounts["only"]["enabled"] is False
    assert actions(wiring) == ["grant.ending_set", "grant.ended", "account.closed"]


def test_a_dated_ending_can_be_cancelled(wiring, world):
    """Covers: R-USR-2"""
    d = world.directory()
    pair_users.end_grant(wiring.uow, d, manager(), PAIR, account_id="shared", on="2026-12-09", now=NOW)
    assert pair_users.cancel_ending(wiring.uow, d, manager(), PAIR, account_id="shared", now=NOW)
    assert not pair_users.cancel_ending(wiring.uow, d, manager(), PAIR, account_id="shared", now=NOW)
    pair_users.GrantEndings(wiring.uow, world.directory).run(NOW + timedelta(days=5))
    assert USER in d.grants_of("shared")
