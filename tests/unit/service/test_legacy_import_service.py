"""The import's use case on real SQL storage and a fake Keycloak: the paths a real kill
reaches only by chance (tests/integration/sync/test_legacy_import.py kills it for real)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

import policies
from stack import legacy_export as export
from sync_service.adapters.tables import audit_log, manager_seats
from sync_service.domain.legacy import plan
from sync_service.services.legacy_import import LegacyImportMail, import_legacy, new_account

NOW = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)
TODAY = date(2026, 11, 29)


def checked(*rows):
    return plan(list(enumerate(rows, start=2)), policies.load().categories, policies.legacy_import())


def run(wiring, fake_keycloak, the_plan, digest="f" * 64, **kw):
    return import_legacy(the_plan, digest, wiring.uow, fake_keycloak.directory(), today=TODAY, clock=lambda: NOW, **kw)


def test_an_account_keycloak_made_before_a_kill_is_recorded_not_refused(wiring, fake_keycloak):
    """Covers: R-MGR-1, R-AUD-1"""
    rng = random.Random(5)
    manager = export.row("chen5678", "0401180014", rng=rng, level="manager")
    the_plan = checked(manager, export.row("lin9012", "0401180014", rng=rng))
    # The killed run got as far as Keycloak (and reserved the seat), not as far as the database.
    fake_keycloak.directory().create_accounts([new_account(the_plan.accounts[0])])
    summary = run(wiring, fake_keycloak, the_plan, per_request=1)
    assert (summary.imported, summary.refused, summary.accounts) == (2, 0, 2)
    assert fake_keycloak.creations == 2
    with wiring.engine.connect() as conn:
        assert conn.execute(select(manager_seats.c.manager)).scalars().all() == ["chen5678"]
        assert len(conn.execute(select(audit_log).where(audit_log.c.action == "account.imported")).all()) == 2
    again = run(wiring, fake_keycloak, the_plan)
    assert (again.imported, again.refused, again.already) == (0, 0, 2)


def test_a_seat_held_in_the_database_refuses_the_manager_row(wiring, fake_keycloak):
    """Covers: R-MGR-1"""
    rng = random.Random(6)
    first = checked(export.row("chen5678", "0401180014", rng=rng, level="manager"))
    run(wiring, fake_keycloak, first, digest="a" * 64)
    second = checked(export.row("wu345678", "0401180014", rng=rng, level="manager"))
    summary = run(wiring, fake_keycloak, second, digest="b" * 64)
    assert (summary.imported, summary.refused) == (0, 1)
    with wiring.uow() as uow:
        [state] = uow.legacy.rows_of("b" * 64).values()
    assert state.reason_code == "manager_seat.taken" and fake_keycloak.id_of("wu345678") is None


def test_a_person_who_already_has_an_account_is_refused_naming_both(wiring, fake_keycloak):
    """Covers: R-ACC-1"""
    rng = random.Random(9)
    earlier = export.row("chen5678", "0401180014", rng=rng)
    run(wiring, fake_keycloak, checked(earlier), digest="c" * 64)
    again = export.row("chenyj77", "0401180014", rng=rng, national_id=earlier["national_id"], category="HPV-COL")
    summary = run(wiring, fake_keycloak, checked(again), digest="d" * 64)
    assert (summary.imported, summary.refused) == (0, 1)
    with wiring.uow() as uow:
        [state] = uow.legacy.rows_of("d" * 64).values()
    assert state.reason_code == "person.has_account"
    assert (
        "chen5678" in state.reason_en and "chenyj77" in state.reason_en and "One person, one account" in state.reason_en
    )
    assert "chen5678" in state.reason_zh and fake_keycloak.id_of("chenyj77") is None


def test_a_dry_run_writes_nothing(wiring, fake_keycloak):
    rng = random.Random(7)
    summary = run(
        wiring,
        fake_keycloak,
        checked(export.row("chen5678", "0401180014", rng=rng), {**export.row("x", "1", rng=rng)}),
        dry_run=True,
    )
    assert (summary.imported, summary.refused, summary.mails) == (1, 1, 1)
    assert fake_keycloak.creations == 0
    with wiring.uow() as uow:
        assert uow.legacy.rows_of("f" * 64) == {}


def test_set_password_mails_go_a_batch_at_a_time_and_once(wiring, fake_keycloak):
    """The mails go a batch per run, each once; a refused send is due again."""
    rng = random.Random(8)
    rows = [export.row(f"user{i}abc", "0401180014", rng=rng) for i in range(5)]
    rows.append(export.row("hashed12", "0401180014", rng=rng, password_hash=export.pbkdf2_hash("x")))
    run(wiring, fake_keycloak, checked(*rows))
    job = LegacyImportMail(wiring.uow, fake_keycloak.directory, batch=2, every=timedelta(0), link_lifetime_seconds=60)
    assert job.run(NOW).startswith("sent 2, failed 0, waiting 3")
    fake_keycloak.down = True
    assert job.run(NOW).startswith("sent 0, failed 2, waiting 3")
    fake_keycloak.down = False
    for _ in range(3):
        job.run(NOW)
    assert sorted(fake_keycloak.set_password_mails) == sorted(fake_keycloak.id_of(f"user{i}abc") for i in range(5))


def test_each_institution_is_named_once_and_again_after_a_kill(wiring, fake_keycloak):
    """The console, the managers' pages and the mails show an imported institution's name beside
    its code (decision 0150): the export's name goes on its group once per run, however many rows
    and chunks name it; a run killed before it recorded a chunk names that chunk's institutions again."""
    rng = random.Random(11)
    rows = [export.row(f"user{i}abc", code, rng=rng) for i, code in enumerate(["0401180014"] * 3 + ["0501110514"])]
    named: list[str] = []
    directory = fake_keycloak.directory()
    describe = directory.describe_institution

    def counted(code: str, name: str) -> None:
        named.append(code)
        describe(code, name)

    directory.describe_institution = counted
    import_legacy(checked(*rows), "e" * 64, wiring.uow, directory, today=TODAY, clock=lambda: NOW, per_request=1)
    assert named == ["0401180014", "0501110514"]
    assert fake_keycloak.institution_names == {"0401180014": "示範診所0014", "0501110514": "示範診所0514"}

    # Killed after Keycloak made the accounts, before the rows were recorded: named when run again.
    fake_keycloak.institution_names.clear()
    again = checked(export.row("late1abc", "0601120014", rng=rng))
    fake_keycloak.directory().create_accounts([new_account(again.accounts[0])])
    run(wiring, fake_keycloak, again, digest="9" * 64)
    assert fake_keycloak.institution_names == {"0601120014": "示範診所0014"}
