"""What the operators see (issue 20 item 4): the outbox read from the database at scrape time,
the workers' outcomes, the jobs' runs (the event poll's lag), the chain's verification, the
pages' times and budget refusals; `/health` ready only with the database and Keycloak."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry, generate_latest

from sync_service.adapters.metrics import OutboxCollector, PrometheusTelemetry
from sync_service.services import applications as use_cases
from sync_service.services.schedule import Schedule
from tests.support.sync import REVIEWER, new_account_name, ready_application

CODE = "0401180014"


class Recorded:
    """The Telemetry port, remembering what it was told."""

    def __init__(self):
        self.calls = []

    def outbox_handled(self, done, retried, failed):
        self.calls.append(("outbox", done, retried, failed))

    def job_ran(self, name, ok, at):
        self.calls.append(("job", name, ok))

    def chain_verified(self, intact, rows, at):
        self.calls.append(("chain", intact, rows))

    def request_served(self, route, method, status, seconds):
        self.calls.append(("request", route, method, status))


def _scrape(collector) -> dict[str, float]:
    registry = CollectorRegistry()
    registry.register(collector)
    values = {}
    for family in registry.collect():
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return values


def test_the_outbox_by_state_and_how_long_due_work_has_waited(wiring, worker):
    """Operators' metrics (issue 20), not a catalogue rule."""
    approved_at = datetime.now(UTC)
    done = ready_application(wiring, "A", CODE, new_account_name())
    use_cases.approve(wiring.uow(), done, caller=REVIEWER)
    worker.run_until_idle()
    waiting = ready_application(wiring, "A", CODE[:-1] + "9", new_account_name())
    use_cases.approve(wiring.uow(), waiting, caller=REVIEWER)
    later = approved_at + timedelta(minutes=20)
    seen = _scrape(OutboxCollector(lambda: wiring.engine, clock=lambda: later))
    assert seen["sync_database_up"] == 1
    assert seen["sync_outbox_entries{status=done}"] == 1 and seen["sync_outbox_entries{status=pending}"] == 1
    assert seen["sync_outbox_entries{status=failed}"] == 0
    assert 19 * 60 <= seen["sync_outbox_oldest_pending_age_seconds"] <= 20 * 60
    assert seen["sync_outbox_pending_attempts_max"] == 0
    worker.run_until_idle()
    assert (
        _scrape(OutboxCollector(lambda: wiring.engine, clock=lambda: later))["sync_outbox_oldest_pending_age_seconds"]
        == 0
    )


def test_a_dated_change_waits_from_its_date_not_from_its_approval(wiring):
    """Operators' metrics (issue 20), not a catalogue rule: a B for next week is not stuck work."""
    from sqlalchemy import update

    from sync_service.adapters.tables import outbox

    app_id = ready_application(wiring, "A", CODE, new_account_name())
    use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
    now = datetime.now(UTC)
    with wiring.engine.begin() as conn:
        conn.execute(update(outbox).values(effective_on=(now + timedelta(days=7)).date()))
    assert _scrape(OutboxCollector(lambda: wiring.engine))["sync_outbox_oldest_pending_age_seconds"] == 0


def test_the_database_away_is_a_metric_not_a_failed_scrape():
    """Operators' metrics (issue 20), not a catalogue rule."""

    def away():
        raise ConnectionError("database away")

    assert _scrape(OutboxCollector(away)) == {"sync_database_up": 0}


def test_the_workers_and_the_jobs_tell_the_telemetry(wiring, worker):
    """Operators' metrics (issue 20), not a catalogue rule."""
    told = Recorded()
    worker.telemetry = told
    app_id = ready_application(wiring, "A", CODE, new_account_name())
    use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
    worker.run_until_idle()
    assert ("outbox", 1, 0, 0) in told.calls

    class Failing:
        name, every = "keycloak-events", timedelta(seconds=3)

        def run(self, now):
            raise RuntimeError("Keycloak away")

    jobs = [j for j in wiring.scheduled_jobs() if j.name == "audit-verify"] + [Failing()]
    Schedule(jobs, lambda: datetime.now(UTC), telemetry=told).run_due()
    assert ("job", "audit-verify", True) in told.calls and ("job", "keycloak-events", False) in told.calls


def test_the_chain_verification_is_what_prometheus_reads(wiring, worker):
    """Operators' metrics (issue 20), not a catalogue rule."""
    from prometheus_client import REGISTRY

    app_id = ready_application(wiring, "A", CODE, new_account_name())
    use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
    worker.run_until_idle()
    wiring.telemetry = PrometheusTelemetry()
    intact, rows = wiring.verify_chain()
    assert intact and rows > 0
    assert REGISTRY.get_sample_value("sync_audit_chain_intact") == 1
    assert REGISTRY.get_sample_value("sync_audit_chain_rows") == rows
    text = generate_latest(REGISTRY).decode()
    assert "sync_audit_chain_verified_timestamp_seconds" in text


def test_health_is_ready_only_with_the_database_and_keycloak(wiring):
    """Operators' health check (issue 20), not a catalogue rule."""
    from sync_service.web import create_app

    client = create_app(wiring).test_client()
    assert client.get("/health").status_code == 200
    wiring.keycloak_check = lambda: False
    answer = client.get("/health")
    assert answer.status_code == 503 and answer.get_json() == {
        "status": "degraded",
        "database": "ok",
        "keycloak": "unreachable",
    }
    assert client.get("/health/live").status_code == 200


def test_each_request_is_timed_by_its_route_and_a_refusal_counted(tmp_path):
    """Operators' metrics (issue 20), not a catalogue rule: a 429 of the intake is a refusal."""
    from tests.support.sync import budgets
    from tests.unit.web.conftest import make_app

    app = make_app(tmp_path, budgets=budgets(type_a_tries_per_address_per_minute=2))
    told = Recorded()
    app.extensions["sync"].telemetry = told
    client = app.test_client()
    for _ in range(3):
        client.post("/api/applications", json={})
    client.get("/applications/ABCD-EFGH-JKMN/nothing-here")
    statuses = [c[3] for c in told.calls if c[0] == "request" and c[1] == "/api/applications"]
    assert statuses == [422, 422, 429]
    assert all("ABCD" not in str(c) for c in told.calls), "routes by their rule, never the URL asked for"
    app.extensions["sync"].engine.dispose()
