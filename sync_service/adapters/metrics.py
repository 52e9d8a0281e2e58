"""The operators' view of the sync service (issue 20, decision 0141): Prometheus metrics on a
management port, as Keycloak's own on its management port.

- Counted by the processes themselves (`PrometheusTelemetry`, the service's Telemetry port):
  requests and their times, budget refusals (429), the workers' outcomes, the periodic jobs'
  runs and last success (the event poll's lag: `time() - sync_job_last_success_timestamp_seconds
  {job="keycloak-events"}`), the last verification of the audit chain.
- Read from the database when Prometheus scrapes (`OutboxCollector`): the outbox by state, how
  long the longest-waiting due entry has waited, the most attempts of one pending entry.

Several processes on a host (gunicorn's, the outbox workers) share one folder of counts,
`PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess mode); the management port
(`SYNC_METRICS_ADDRESS`, served by gunicorn's arbiter: sync_service/gunicorn_conf.py) adds
them up. Without that folder each process counts for itself alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, multiprocess, start_http_server
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from .tables import outbox

TAIPEI = timezone(timedelta(hours=8))

REQUEST_SECONDS = Histogram(
    "sync_http_request_duration_seconds",
    "Time to answer a page or API request, by route (the URL rule, not the URL) and method",
    ["route", "method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RESPONSES = Counter("sync_http_responses_total", "Answers by route and status class", ["route", "status"])
REFUSALS = Counter(
    "sync_budget_refusals_total",
    "Requests a budget refused (HTTP 429: the intake's limits, look-ups), by route",
    ["route"],
)
OUTBOX_HANDLED = Counter(
    "sync_outbox_handled_total",
    "Outbox entries the workers handled: applied (done), put back for a retry (retried), failed for good (failed)",
    ["outcome"],
)
JOB_RUNS = Counter("sync_job_runs_total", "Runs of the periodic jobs, by job and result (ok, error)", ["job", "result"])
JOB_LAST_SUCCESS = Gauge(
    "sync_job_last_success_timestamp_seconds",
    "When each periodic job last ran without an error (keycloak-events: the poll of Keycloak's events)",
    ["job"],
    multiprocess_mode="max",
)
CHAIN_INTACT = Gauge(
    "sync_audit_chain_intact",
    "1 when the last verification found the audit chain whole, 0 when it found it broken",
    multiprocess_mode="mostrecent",
)
CHAIN_VERIFIED_AT = Gauge(
    "sync_audit_chain_verified_timestamp_seconds", "When the audit chain was last verified", multiprocess_mode="max"
)
CHAIN_ROWS = Gauge("sync_audit_chain_rows", "Rows the last verification read", multiprocess_mode="mostrecent")


class PrometheusTelemetry:
    """The service's Telemetry port, counted in this process (or the host's shared folder)."""

    def outbox_handled(self, done: int, retried: int, failed: int) -> None:
        for outcome, n in (("done", done), ("retried", retried), ("failed", failed)):
            if n:
                OUTBOX_HANDLED.labels(outcome).inc(n)

    def job_ran(self, name: str, ok: bool, at: datetime) -> None:
        JOB_RUNS.labels(name, "ok" if ok else "error").inc()
        if ok:
            JOB_LAST_SUCCESS.labels(name).set(at.timestamp())

    def chain_verified(self, intact: bool, rows: int, at: datetime) -> None:
        CHAIN_INTACT.set(1 if intact else 0)
        CHAIN_ROWS.set(rows)
        CHAIN_VERIFIED_AT.set(at.timestamp())

    def request_served(self, route: str, method: str, status: int, seconds: float) -> None:
        REQUEST_SECONDS.labels(route, method).observe(seconds)
        RESPONSES.labels(route, f"{status // 100}xx").inc()
        if status == 429:
            REFUSALS.labels(route).inc()


class OutboxCollector:
    """The outbox as Prometheus scrapes it, read from the database then (any process may serve it)."""

    def __init__(self, engine: Callable[[], Engine], clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine, self.clock = engine, clock

    def collect(self):
        up = GaugeMetricFamily("sync_database_up", "1 when the sync service's database answered this scrape")
        try:
            counts, waiting_since, attempts = self._read(self.clock())
        except Exception:  # the scrape reports the database away; the exporter keeps serving
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        entries = GaugeMetricFamily("sync_outbox_entries", "Outbox entries by state", labels=["status"])
        for status in ("pending", "done", "failed"):
            entries.add_metric([status], counts.get(status, 0))
        yield entries
        now = self.clock()
        yield GaugeMetricFamily(
            "sync_outbox_oldest_pending_age_seconds",
            "How long the longest-waiting pending entry has been due (since approval, or since 00:00 "
            "Taipei of its effective date); 0 when none is",
            value=max(0.0, (now - waiting_since).total_seconds()) if waiting_since else 0.0,
        )
        yield GaugeMetricFamily(
            "sync_outbox_pending_attempts_max",
            "The most attempts of one pending entry (retries so far)",
            value=attempts,
        )

    def _read(self, now: datetime) -> tuple[dict[str, int], datetime | None, int]:
        today = now.astimezone(TAIPEI).date()
        pending = outbox.c.status == "pending"
        with self.engine().connect() as conn:
            counts: dict[str, int] = {
                s: n for s, n in conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
            }
            undated = conn.execute(
                select(func.min(outbox.c.created_at)).where(pending, outbox.c.effective_on.is_(None))
            )
            since = [undated.scalar()]
            # A dated change (B, D at 00:00 Taipei) is due from its date, not from its approval.
            for effective_on, created in conn.execute(
                select(outbox.c.effective_on, func.min(outbox.c.created_at))
                .where(pending, outbox.c.effective_on <= today)
                .group_by(outbox.c.effective_on)
            ):
                since.append(max(_utc(created), _taipei_midnight(effective_on)))
            attempts = conn.execute(select(func.max(outbox.c.attempts)).where(pending)).scalar() or 0
        due = [_utc(s) for s in since if s is not None]
        return counts, min(due) if due else None, attempts


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _taipei_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TAIPEI).astimezone(UTC)


def registry_to_serve(engine: Callable[[], Engine]) -> CollectorRegistry:
    """The counts of every process on this host (the shared folder) or of this one, and the outbox."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(OutboxCollector(engine))
    return registry


class _ThisProcess:
    """This process's own metrics (the default registry's), beside the outbox's."""

    def collect(self):
        yield from REGISTRY.collect()


def serve_management(address: str, engine: Callable[[], Engine]) -> None:
    """/metrics at `address` ("host:port"), in a thread of this process."""
    host, _, port = address.rpartition(":")
    start_http_server(int(port), addr=host or "127.0.0.1", registry=registry_to_serve(engine))


def forget_process(pid: int) -> None:
    """A process of the shared folder ended (gunicorn's child_exit): its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
