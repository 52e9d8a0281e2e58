"""Start-up times: Keycloak alone (first start of a fresh instance, then a restart)
and the whole stack (`python -m stack up`, fresh and again), measured in one run.

    .venv/bin/python bench/startup.py [--runs N]

Runs beside a stack you may have up: its own folders and ports (+100). Prints a
table; copy it into docs/bench.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stack.credentials_file import WANTED, demo_password  # noqa: E402
from stack.keycloak import KeycloakInstance, build_providers  # noqa: E402


def keycloak_starts(providers, runs: int) -> tuple[list[float], list[float]]:
    import secrets

    from stack.realm import realm_env

    fresh, again = [], []
    for _ in range(runs):
        home = Path(tempfile.mkdtemp(prefix="kc-bench-"))
        values = {k: demo_password() if n == 0 else secrets.token_urlsafe(n) for k, n in WANTED.items()}
        ports = {
            "keycloak": 18580,
            "management": 19500,
            "smtp": 12525,
            "sync-service": 15000,
            "screening-client": 15080,
        }
        kc = KeycloakInstance(
            home=home,
            http_port=ports["keycloak"],
            management_port=ports["management"],
            admin_password=values["KC_BOOTSTRAP_ADMIN_PASSWORD"],
            env=realm_env(values, ports),
        )
        t = time.monotonic()
        kc.prepare(providers)
        kc.start()
        kc.wait_ready()
        fresh.append(time.monotonic() - t)
        kc.stop()
        t = time.monotonic()
        kc.start()
        kc.wait_ready()
        again.append(time.monotonic() - t)
        kc.stop()
        shutil.rmtree(home, ignore_errors=True)
    return fresh, again


def stack_up(var: Path) -> float:
    env = {**os.environ, "SCREENING_VAR": str(var), "SCREENING_PORT_OFFSET": "100"}
    t = time.monotonic()
    subprocess.run([sys.executable, "-m", "stack", "up"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t


def stack_down(var: Path) -> None:
    env = {**os.environ, "SCREENING_VAR": str(var), "SCREENING_PORT_OFFSET": "100"}
    subprocess.run([sys.executable, "-m", "stack", "down"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    providers = build_providers()
    print(f"providers: {[p.name for p in providers]}")
    fresh, again = keycloak_starts(providers, args.runs)
    stack_fresh, stack_again = [], []
    for _ in range(args.runs):
        var = Path(tempfile.mkdtemp(prefix="stack-bench-"))
        stack_fresh.append(stack_up(var))
        stack_down(var)
        stack_again.append(stack_up(var))
        stack_down(var)
        shutil.rmtree(var, ignore_errors=True)
    rows = [
        ("Keycloak, fresh instance (copy, import realm) to /health/ready", fresh),
        ("Keycloak, restart of the same instance", again),
        ("whole stack `python -m stack up`, fresh var/", stack_fresh),
        ("whole stack `python -m stack up`, again after `down`", stack_again),
    ]
    print("\n| what | median s | runs |\n|---|---|---|")
    for name, values in rows:
        print(f"| {name} | {statistics.median(values):.1f} | {', '.join(f'{v:.1f}' for v in values)} |")
    print(f"\nrestart / fresh (Keycloak): {statistics.median(again) / statistics.median(fresh):.2f}")


if __name__ == "__main__":
    main()
