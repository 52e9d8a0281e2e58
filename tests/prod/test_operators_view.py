"""The operators' view of the production shape (issue 20 item 4): Debian's Prometheus scrapes
both Keycloak nodes, the sync service's management port and the certificates nginx serves, with
the alert rules loaded; the sync service's /metrics adds up its web processes and workers;
/health through nginx says ready with the database and Keycloak."""

from __future__ import annotations

import os
import subprocess
import sys

import requests

from stack.paths import ROOT
from tests.support.waiting import wait_until


def _query(stack, promql: str) -> list[dict]:
    answer = requests.get(f"{stack.prometheus_url}/api/v1/query", params={"query": promql}, timeout=10).json()
    return answer["data"]["result"]


def _metrics(stack) -> str:
    return requests.get(f"http://127.0.0.1:{stack.ports['sync-metrics']}/metrics", timeout=10).text


def test_prometheus_scrapes_both_nodes_the_service_and_the_certificates(prod_stack):
    """Operators' view (issue 20), not a catalogue rule."""

    seen: list[dict] = []

    def all_up():
        targets = requests.get(f"{prod_stack.prometheus_url}/api/v1/targets", timeout=10).json()["data"]
        seen[:] = targets["activeTargets"]
        return len(seen) == 5 and all(t["health"] == "up" for t in seen) and list(seen)

    try:
        up = wait_until(all_up, timeout=120, what="every scrape target up")
    except AssertionError:
        raise AssertionError([(t["scrapeUrl"], t["health"], t["lastError"]) for t in seen]) from None
    assert sorted(t["labels"]["job"] for t in up) == ["keycloak", "keycloak", "sync-service", "tls", "tls"]
    groups = requests.get(f"{prod_stack.prometheus_url}/api/v1/rules", timeout=10).json()["data"]["groups"]
    alerts = {r["name"] for g in groups for r in g["rules"] if r["type"] == "alerting"}
    assert {"KeycloakNodeDown", "OutboxStuck", "AuditChainBroken", "KeycloakEventsLagging"} <= alerts
    assert {"CertificateExpiresSoon"} <= alerts
    # The stack's certificates are young: days of life left, read by the blackbox probe.
    left = wait_until(lambda: _query(prod_stack, "probe_ssl_earliest_cert_expiry - time()"), what="the probes")
    assert all(float(r["value"][1]) > 21 * 86400 for r in left)
    # Keycloak counts its user events itself (sign-ins, the reset step's refusals).
    assert wait_until(lambda: _query(prod_stack, "keycloak_user_events_total"), what="Keycloak's event metrics")


def test_the_management_port_adds_up_every_process_and_reads_the_outbox(prod_stack):
    """Operators' view (issue 20), not a catalogue rule."""
    for _ in range(4):  # requests through nginx, to either web process
        with requests.Session() as s:
            assert s.get(f"{prod_stack.sync_url}/apply?type=A", verify=str(prod_stack.ca_file), timeout=30).ok

    def timed():
        text = _metrics(prod_stack)
        return text if 'route="/apply"' in text else None

    text = wait_until(timed, what="the page's time on the management port")
    assert "sync_outbox_entries{" in text and "sync_database_up 1.0" in text
    count = [
        line
        for line in text.splitlines()
        if line.startswith("sync_http_request_duration_seconds_count{") and 'route="/apply"' in line
    ]
    assert count and float(count[0].split()[-1]) >= 4
    # The operator's verification, run as a command with the host's settings, is seen there too.
    done = subprocess.run(
        [sys.executable, "-m", "sync_service", "jobs", "run", "audit-verify"],
        cwd=ROOT,
        env={**os.environ, **prod_stack.sync_env(), "SYNC_AUTO_MIGRATE": "0"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "audit chain intact" in done.stdout, done.stderr[-2000:]
    assert "sync_audit_chain_intact 1.0" in _metrics(prod_stack)
    wait_until(lambda: _query(prod_stack, "sync_audit_chain_intact == 1"), timeout=60, what="Prometheus' scrape")


def test_health_through_nginx_names_the_database_and_keycloak(prod_stack):
    """Operators' health check (issue 20), not a catalogue rule."""

    def ready():
        answer = requests.get(f"{prod_stack.sync_url}/health", verify=str(prod_stack.ca_file), timeout=30)
        return answer if answer.status_code == 200 else None

    # Ready once both answer (a node restarted by an earlier test may still be joining).
    answer = wait_until(ready, 120, "the sync service ready")
    assert answer.json() == {"status": "ok", "database": "ok", "keycloak": "ok"}
