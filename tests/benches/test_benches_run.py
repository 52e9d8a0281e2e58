"""Benches that keep running (issue 23 item 6): each script in bench/ at its smallest size,
on the run's own Keycloak where the bench can take one, checked to run to its figures, never
for its timing (benchmarks are not tests: their numbers are measured on a quiet machine and
recorded in docs/bench.md). No rule id: this keeps the benches alive.

`make bench-smoke` runs them, in a pytest session of their own (its own Keycloak: reconcile and
provision want a realm no other test has touched); `make test` runs it last (decision 0171).

Not run here, for their cost (each starts a Keycloak, a PostgreSQL cluster or the whole
production-shaped stack of its own, which is what it measures): bench/startup.py,
bench/keycloak_on_postgres.py, bench/manager_console_scale.py, bench/legacy_import.py,
bench/prod_cluster.py, and perfect_solver.py's reset case. `make check` still type-checks them
(mypy covers bench/), which is how their broken imports of stack/__main__ were found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script: str, *args: str, timeout: float = 900) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture
def shared(keycloak, run_secrets) -> list[str]:
    return ["--keycloak-url", keycloak.url, "--admin-password", run_secrets["KC_BOOTSTRAP_ADMIN_PASSWORD"]]


def test_extensions_latency(shared, keycloak):
    """The sign-in that stopped at a required action (every password an administrator sets is
    temporary): the bench's people now do their first sign-in once, as everyone does."""
    out = run_bench("extensions_latency.py", "--rounds", "2", *shared, "--vault-dir", str(keycloak.vault_dir))
    assert "| sign-in |" in out and "| password change |" in out


def test_printed_forms():
    out = run_bench("printed_forms.py", "--rounds", "1")
    assert "| form-1 |" in out and "lines of our code" in out


def test_pages():
    out = run_bench("pages.py", "--rounds", "1", "--large", "20", "--small", "5")
    assert "HTML" in out and "load average" in out


def test_captcha_solver():
    out = run_bench("captcha_solver.py", "--train", "10", "--test", "10")
    assert "%" in out


def test_event_polling(shared, run_secrets):
    out = run_bench(
        "event_polling.py",
        "--rate",
        "2",
        "--seconds",
        "3",
        "--threads",
        "1",
        *shared,
        "--client-secret",
        run_secrets["SYNC_SERVICE_CLIENT_SECRET"],
    )
    assert "lag" in out


def test_manager_permissions(keycloak, run_secrets):
    out = run_bench(
        "manager_permissions.py",
        "--institutions",
        "2",
        "--users-per-pair",
        "1",
        "--repeat",
        "1",
        "--url",
        keycloak.url,
        "--admin-password",
        run_secrets["KC_BOOTSTRAP_ADMIN_PASSWORD"],
        "--realm-prefix",
        "smoke",
    )
    assert "|" in out


def test_reconcile(shared):
    out = run_bench("reconcile.py", "--pairs", "4", "--drift", "1", "--threads", "1", "--rounds", "1", *shared)
    assert "pairs" in out


def test_provision(shared):
    out = run_bench("provision.py", "--count", "4", "--threads", "1", "--rounds", "1", "--floor", "2", *shared)
    assert "approvals" in out


def test_reminders_reviews(keycloak, run_secrets, tmp_path):
    password = tmp_path / "admin-password"
    password.write_text(run_secrets["KC_BOOTSTRAP_ADMIN_PASSWORD"])
    out = run_bench(
        "reminders_reviews.py",
        "--accounts",
        "20",
        "--users-per-pair",
        "1",
        "--rounds",
        "1",
        "--url",
        keycloak.url,
        "--admin-password-file",
        str(password),
        "--realm",
        "smoke-reminders",
    )
    assert "round 1" in out


def test_perfect_solver():
    """Intake and status only: the reset case starts a Keycloak of its own with the test seam."""
    out = run_bench("perfect_solver.py", "--seconds", "1", "--skip-reset")
    assert "achieved" in out and "status   one" in out
