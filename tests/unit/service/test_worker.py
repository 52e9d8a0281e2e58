"""The outbox and its worker against the fake directory: each decision lands
once, replays change nothing, outages and crashes lose nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from sync_service.adapters.tables import outbox
from sync_service.domain import Grant, Level, Status
from sync_service.services import applications as use_cases
from tests.support.passwords import satisfies_policy
from tests.support.personal_data import national_id_of
from tests.support.sync import REVIEWER, new_account_name, ready_application

CODE, CAT = "0401180014", "CRC-COL"


def approve(wiring, app_id, **kw):
    return use_cases.approve(wiring.uow(), app_id, caller=REVIEWER, **kw)


def status_of(wiring, app_id):
    with wiring.uow() as uow:
        return uow.applications.get(app_id).status


def test_a_creates_the_account_joins_managers_and_mails_the_password_once(wiring, worker, fake_keycloak, mailer):
    """Covers: R-MGR-2, R-PWD-1, R-PWD-6, R-CONF-1, R-FORM-5

    The password goes to the address the form gave (R-FORM-5: "password and notices go there")."""
    account = new_account_name()
    app_id = ready_application(wiring, "A", CODE, account, applicant_name="歐陽娜娜")
    approve(wiring, app_id)
    outcome = worker.run_until_idle()
    assert outcome.done == 1
    assert status_of(wiring, app_id) is Status.PROVISIONED
    assert fake_keycloak.grants_of_user(account) == {Grant(CODE, CAT, Level.MANAGER)}
    created = fake_keycloak.accounts[fake_keycloak.id_of(account)]
    assert created["actions"] == ("UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS")
    assert (created["last_name"], created["first_name"]) == ("歐陽", "娜娜")
    assert created["attributes"]["nationalId"] == national_id_of(account) and created["temporary"]
    [mail] = mailer.to(f"{account}@clinic.example.tw")
    assert created["password"] in mail.body and satisfies_policy(created["password"])
    assert "預設密碼" in mail.body and "Default password" in mail.body
    assert national_id_of(account) not in created["password"]


def test_an_a_naming_the_persons_existing_account_is_a_grant_without_mail(wiring, worker, fake_keycloak, mailer):
    """The document's A also covers a person whose account cannot sign in to the screening
    system (R-MGR-2): with their national ID the grant is added to that account (opened again
    if its last grant had closed it), no second account, no password mail. The same name held
    by someone else fails as taken. Covers: R-MGR-2, R-ACC-1, R-ACC-2"""
    from datetime import date

    mine, theirs = new_account_name("e"), new_account_name("t")
    fake_keycloak.add_account("acc-mine", mine, "old.address@clinic.example.tw", national_id_of(mine))
    fake_keycloak.add_account("acc-theirs", theirs, f"{theirs}@clinic.example.tw", "B120863158")
    fake_keycloak.directory().close_account("acc-mine", date(2026, 1, 5), "last-grant-ended")
    ok = ready_application(wiring, "A", CODE, mine)
    taken = ready_application(wiring, "A", CODE, theirs, category="CER-COL")
    approve(wiring, ok)
    worker.run_until_idle()
    assert status_of(wiring, ok) is Status.PROVISIONED
    assert fake_keycloak.id_of(mine) == "acc-mine" and fake_keycloak.creations == 0
    assert fake_keycloak.grants_of_user(mine) == {Grant(CODE, CAT, Level.MANAGER)}
    assert fake_keycloak.accounts["acc-mine"]["enabled"] and not fake_keycloak.accounts["acc-mine"]["closed"]
    assert mailer.sent == []
    with wiring.uow() as uow:
        assert "account.reopened" in [e.action for e in uow.audit_trail(ok)]
    approve(wiring, taken)
    worker.run_until_idle()
    with wiring.uow() as uow:
        failed = uow.applications.get(taken)
    assert failed.status is Status.FAILED and "belongs to someone else" in failed.failure_reason
    assert fake_keycloak.grants_of_user(theirs) == set() and mailer.sent == []


def test_a_replayed_entry_changes_nothing(wiring, worker, fake_keycloak, mailer):
    """Covers: R-MGR-2"""
    account = new_account_name()
    app_id = ready_application(wiring, "A", CODE, account)
    approve(wiring, app_id)
    worker.run_until_idle()
    before = (dict(fake_keycloak.accounts), set(fake_keycloak.members), len(mailer.sent))
    # Replay: the entry handed out once more, as after a lost acknowledgement.
    with wiring.engine.begin() as conn:
        conn.execute(update(outbox).values(status="pending", done_at=None))
    with wiring.uow() as uow:  # the application is already provisioned: the replay must not break that
        assert uow.applications.get(app_id).status is Status.PROVISIONED
    worker.run_until_idle()
    assert (dict(fake_keycloak.accounts), set(fake_keycloak.members), len(mailer.sent)) == before
    assert fake_keycloak.creations == 1


def test_a_resumed_after_a_crash_between_creating_and_mailing(wiring, worker, fake_keycloak, mailer):
    """The mail server was away when the account was made: the retry makes no
    second account and mails one password, which is the account's password.
    Covers: R-MGR-2, R-PWD-6"""
    account = new_account_name()
    app_id = ready_application(wiring, "A", CODE, account)
    approve(wiring, app_id)
    mailer.down = True
    worker.run_until_idle()
    assert fake_keycloak.creations == 1 and mailer.sent == [] and status_of(wiring, app_id) is Status.APPROVED
    mailer.down = False
    with wiring.engine.begin() as conn:  # skip the backoff
        conn.execute(update(outbox).values(next_attempt_at=worker.clock() - timedelta(seconds=1)))
    worker.run_until_idle()
    assert fake_keycloak.creations == 1
    [mail] = mailer.sent
    assert fake_keycloak.accounts[fake_keycloak.id_of(account)]["password"] in mail.body
    assert status_of(wiring, app_id) is Status.PROVISIONED


def test_a_account_made_before_the_checkpoint_is_recognised(wiring, worker, fake_keycloak, mailer):
    """The worker died after Keycloak made the account and before our database
    heard of it: the account is recognised by e-mail and national ID."""
    account = new_account_name()
    app_id = ready_application(wiring, "A", CODE, account)
    approve(wiring, app_id)
    original_checkpoint = worker._checkpoint
    calls: list[object] = []

    def crash_once(entry, **progress):
        if not calls:
            calls.append(progress)
            raise RuntimeError("killed")
        return original_checkpoint(entry, **progress)

    worker._checkpoint = crash_once
    fake_keycloak.fail_after = None
    assert worker.run_batch().retried == 1
    assert fake_keycloak.creations == 1 and mailer.sent == []
    worker._checkpoint = original_checkpoint
    with wiring.engine.begin() as conn:
        conn.execute(update(outbox).values(next_attempt_at=worker.clock() - timedelta(seconds=1)))
    worker.run_until_idle()
    assert fake_keycloak.creations == 1 and len(mailer.sent) == 1
    assert status_of(wiring, app_id) is Status.PROVISIONED


def test_a_with_a_name_someone_else_holds_fails_with_a_reason(wiring, worker, fake_keycloak, mailer):
    account = new_account_name()
    other = fake_keycloak.directory()
    from sync_service.services.ports import NewAccount

    other.create_accounts([NewAccount(account, "other@x.tw", "A", "B", {"nationalId": "B123456780"}, "x", ())])
    app_id = ready_application(wiring, "A", CODE, account)
    approve(wiring, app_id)
    assert worker.run_until_idle().failed == 1
    with wiring.uow() as uow:
        app = uow.applications.get(app_id)
    assert app.status is Status.FAILED and "account.taken" not in app.failure_reason
    assert "已有他人使用" in app.failure_reason and mailer.sent == []


def test_keycloak_down_retries_with_backoff_and_loses_nothing(wiring, fake_keycloak):
    worker = wiring.worker(threads=1, base_backoff_seconds=2)
    accounts = [new_account_name() for _ in range(3)]
    ids = [ready_application(wiring, "A", f"04011800{i:02d}", a) for i, a in enumerate(accounts)]
    for app_id in ids:
        approve(wiring, app_id)
    fake_keycloak.down = True
    outcome = worker.run_until_idle()
    assert outcome.retried == 3 and outcome.done == 0
    with wiring.engine.connect() as conn:
        rows = conn.execute(select(outbox)).all()
    assert all(r.status == "pending" and r.last_error and r.next_attempt_at > worker.clock() for r in rows)
    fake_keycloak.down = False
    worker.clock = lambda: rows[0].next_attempt_at + timedelta(minutes=5)  # time passes
    assert worker.run_until_idle().done == 3
    assert all(
        fake_keycloak.grants_of_user(a) == {Grant(f"04011800{i:02d}", CAT, Level.MANAGER)}
        for i, a in enumerate(accounts)
    )


def test_c_joins_managers_and_leaves_users_without_mail(wiring, worker, fake_keycloak, mailer):
    """Covers: R-MGR-4"""
    d = fake_keycloak.directory()
    from sync_service.services.ports import NewAccount

    account = new_account_name("c")
    user_id = d.create_accounts(
        [NewAccount(account, "c@x.tw", "A", "B", {"nationalId": national_id_of(account)}, "x", ())]
    )[account]
    d.join(user_id, Grant(CODE, CAT, Level.USER))
    d.join(user_id, Grant(CODE, "HPV-COL", Level.USER))
    app_id = ready_application(wiring, "C", CODE, account, email="c@x.tw")
    approve(wiring, app_id)
    worker.run_until_idle()
    assert fake_keycloak.grants_of_user(account) == {
        Grant(CODE, CAT, Level.MANAGER),
        Grant(CODE, "HPV-COL", Level.USER),
    }
    assert mailer.sent == [] and status_of(wiring, app_id) is Status.PROVISIONED


def test_c_for_a_missing_account_fails(wiring, worker):
    """Covers: R-MGR-4"""
    app_id = ready_application(wiring, "C", CODE, new_account_name("c"))
    approve(wiring, app_id)
    worker.run_until_idle()
    assert status_of(wiring, app_id) is Status.FAILED


def test_d_then_b_and_a_replacement(wiring, worker, fake_keycloak, mailer):
    """Covers: R-MGR-1, R-MGR-3, R-MGR-5"""
    first, second = new_account_name("a"), new_account_name("b")
    approve(wiring, ready_application(wiring, "A", CODE, first))
    worker.run_until_idle()
    # D: manager becomes user
    approve(wiring, ready_application(wiring, "D", CODE, first))
    worker.run_until_idle()
    assert fake_keycloak.grants_of_user(first) == {Grant(CODE, CAT, Level.USER)}
    assert fake_keycloak.managers_of(CODE, CAT) == set()
    # C for the same person, then A replacing them: revoke and grant in one decision
    approve(wiring, ready_application(wiring, "C", CODE, first))
    app_id = ready_application(wiring, "A", CODE, second)
    approve(wiring, app_id, replacing=first)
    worker.run_until_idle()
    assert fake_keycloak.managers_of(CODE, CAT) == {second}
    assert fake_keycloak.id_of(first) in fake_keycloak.logouts  # the replaced manager's sessions end
    # B: the new manager leaves
    approve(wiring, ready_application(wiring, "B", CODE, second))
    worker.run_until_idle()
    assert fake_keycloak.managers_of(CODE, CAT) == set()
    assert fake_keycloak.logouts.count(fake_keycloak.id_of(second)) == 1
    assert len(mailer.sent) == 2  # the two A's, nothing for B, C, D


def test_decisions_on_one_seat_reach_keycloak_in_order(wiring, fake_keycloak):
    """Two decisions queued on one seat, several worker threads: the later
    one is not handed out before the earlier is done."""
    account = new_account_name()
    approve(wiring, ready_application(wiring, "A", CODE, account))
    approve(wiring, ready_application(wiring, "D", CODE, account))
    w = wiring.worker(threads=4, base_backoff_seconds=0)
    try:
        first = w.run_batch()
        assert first.done == 1
        assert fake_keycloak.grants_of_user(account) == {Grant(CODE, CAT, Level.MANAGER)}
        w.run_until_idle()
    finally:
        w.close()
    assert fake_keycloak.grants_of_user(account) == {Grant(CODE, CAT, Level.USER)}


def test_a_revoke_dated_ahead_waits_for_its_day(wiring, worker, fake_keycloak):
    """Covers: R-MGR-6"""
    account = new_account_name()
    approve(wiring, ready_application(wiring, "A", CODE, account))
    worker.run_until_idle()
    ahead = (worker.clock() + timedelta(days=20)).date()
    app_id = ready_application(wiring, "B", CODE, account, effective_date=ahead.isoformat())
    approve(wiring, app_id)
    worker.run_until_idle()
    assert fake_keycloak.managers_of(CODE, CAT) == {account} and status_of(wiring, app_id) is Status.APPROVED
    later = worker.clock() + timedelta(days=21)
    worker.clock = lambda: later
    worker.run_until_idle()
    assert fake_keycloak.managers_of(CODE, CAT) == set() and status_of(wiring, app_id) is Status.PROVISIONED


def test_an_expired_lease_is_taken_over_and_the_old_owner_cannot_finish(wiring, fake_keycloak):
    account = new_account_name()
    approve(wiring, ready_application(wiring, "A", CODE, account))
    a = wiring.worker(threads=1, lease_seconds=30)
    b = wiring.worker(threads=1, lease_seconds=30)
    now = a.clock()
    from sync_service.domain import taiwan_date

    with wiring.uow() as uow:
        [entry] = uow.outbox.claim(a.owner, now, taiwan_date(now), a.lease, 10)
        uow.commit()
    with wiring.uow() as uow:  # while a holds it, b gets nothing
        assert uow.outbox.claim(b.owner, now, taiwan_date(now), b.lease, 10) == []
    b.clock = lambda: now + timedelta(seconds=31)  # a died; its lease runs out
    assert b.run_until_idle().done == 1
    assert a.process(entry).lost == 1  # a wakes up: it cannot mark anything
    assert fake_keycloak.creations == 1


def test_request_size_follows_the_pace_keycloak_keeps():
    """A partialImport request carries what Keycloak makes in the target time: fewer
    accounts when the machine is busy, more (up to the cap) when it is quiet."""
    from sync_service.services.accounts import RequestSize

    size = RequestSize(target_seconds=2.5, most=20, first=5)
    assert size.next() == 5
    size.observed(5, 5.0)  # 1 s an account: a busy machine
    assert size.next() == 2
    size.observed(2, 12.0)  # a request that ran into the timeout counts at once, in full
    assert size.next() == 1
    for _ in range(20):  # quiet again: the estimate comes down step by step
        size.observed(1, 0.05)
    assert size.next() == 20


def test_a_slice_longer_than_the_lease_keeps_its_entries(wiring, fake_keycloak, mailer):
    """Covers: R-MGR-2

    A claimed slice whose accounts take longer to make than the lease (a busy Keycloak):
    the leases are renewed after each request, so the entries are finished here, once."""
    from sync_service.services.accounts import RequestSize

    accounts = [new_account_name() for _ in range(3)]
    for i, account in enumerate(accounts):
        approve(wiring, ready_application(wiring, "A", f"04011800{i:02d}", account))
    w = wiring.worker(threads=1, batch_size=3, lease_seconds=10)
    w.request_size = RequestSize(2.5, most=1)  # one account a request
    start = w.clock()
    elapsed = [0]
    w.clock = lambda: start + timedelta(seconds=elapsed[0])
    make = fake_keycloak.directory().create_accounts

    def slow(batch):
        elapsed[0] += 7  # each request takes 7 s of a 10 s lease: three outlive it
        return make(batch)

    w.directory_factory = lambda: type(
        "Slow",
        (),
        {"create_accounts": staticmethod(slow), "__getattr__": lambda self, n: getattr(fake_keycloak.directory(), n)},
    )()
    outcome = w.run_batch()
    assert (outcome.done, outcome.lost) == (3, 0)
    assert fake_keycloak.creations == 3
    assert all(len(mailer.to(f"{a}@clinic.example.tw")) == 1 for a in accounts)
