"""The production-shaped stack (`make up PROFILE=prod`, running): what the second node and
the second worker buy, each measured against its baseline in the same run.

  1. sign-in throughput through nginx: password grants from --threads clients for
     --seconds, nginx balancing both nodes, then one node only (a graceful nginx reload,
     the other node keeps running); the two alternate for --rounds rounds;
  2. provisioning: type-A approvals queued with the workers stopped, then one worker
     started and timed until every entry is done; the same again with two workers;
     the two alternate, --count / --rounds approvals at a time, --count for each.

    make up PROFILE=prod
    .venv/bin/python bench/prod_cluster.py [--threads 8 --seconds 30] [--count 2000 --rounds 4]

Prints rates and ratios; copy them into docs/bench.md. Leaves both nodes balanced and
both workers running.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from stack.demo import admin_client  # noqa: E402
from stack.paths import REALM_NAME  # noqa: E402
from stack.prod import NODES, ProdStack  # noqa: E402
from stack.samples import REVIEWER, new_account_name, ready_application, sign_in_ready_people  # noqa: E402
from sync_service.adapters.tables import outbox  # noqa: E402
from sync_service.bootstrap import bootstrap  # noqa: E402
from sync_service.services import applications as use_cases  # noqa: E402

WORKERS = ("sync-worker-1", "sync-worker-2")


def sign_in_rate(stack: ProdStack, client_id: str, people, seconds: float) -> float:
    url = f"{stack.url}/realms/{REALM_NAME}/protocol/openid-connect/token"
    ok = [0] * len(people)
    failed = [0] * len(people)
    stop = time.monotonic() + seconds

    def run(i, username, password):
        with requests.Session() as s:
            while time.monotonic() < stop:
                r = s.post(
                    url,
                    data={"grant_type": "password", "client_id": client_id, "username": username, "password": password},
                    verify=str(stack.ca_file),
                    timeout=60,
                )
                if r.status_code == 200:
                    ok[i] += 1
                else:
                    failed[i] += 1

    threads = [threading.Thread(target=run, args=(i, *p)) for i, p in enumerate(people)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sum(failed):
        print(f"  ({sum(failed)} sign-ins failed)")
    return sum(ok) / (time.monotonic() - t0)


def bench_sign_in(stack: ProdStack, threads: int, seconds: float, rounds: int) -> None:
    admin = admin_client(stack)
    client_id = f"bench-direct-{uuid.uuid4().hex[:8]}"
    admin.create_client(
        {"clientId": client_id, "publicClient": True, "directAccessGrantsEnabled": True, "standardFlowEnabled": False}
    )
    password = "Bench~Pass2026x"
    people = [(u, password) for u in sign_in_ready_people(admin, threads, password, prefix="bench")]
    rates: dict[str, list[float]] = {"two nodes": [], "one node": []}
    try:
        sign_in_rate(stack, client_id, people, 10)  # warm-up, both nodes
        for r in range(rounds):
            order = ("two nodes", "one node") if r % 2 == 0 else ("one node", "two nodes")
            for setting in order:
                stack.balance(NODES if setting == "two nodes" else NODES[:1])
                rate = sign_in_rate(stack, client_id, people, seconds)
                rates[setting].append(rate)
                print(f"  round {r + 1}, {setting}: {rate:.1f} sign-ins/s")
    finally:
        stack.balance(NODES)
        admin.delete_client(admin.get_client_id(client_id) or "")
        for u, _ in people:
            admin.delete_user(admin.get_user_id(u) or "")
    two, one = statistics.median(rates["two nodes"]), statistics.median(rates["one node"])
    print(f"\nsign-in through nginx, {threads} clients, {rounds} × {seconds:.0f} s each:")
    print("| nodes | sign-ins/s (median of rounds) | vs one node |\n|---|---|---|")
    print(f"| two | {two:.1f} | {two / one:.2f}× |\n| one | {one:.1f} | 1.00× |")


def done(wiring, ids) -> int:
    with wiring.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(outbox).where(outbox.c.application_id.in_(ids), outbox.c.status == "done")
        ).scalar_one()


def bench_workers(stack: ProdStack, count: int, rounds: int) -> None:
    env = stack.sync_env()
    os.environ.update({"REQUESTS_CA_BUNDLE": env["REQUESTS_CA_BUNDLE"]})
    from sync_service.settings import Settings

    wiring = bootstrap(
        Settings(
            database_url=env["SYNC_DATABASE_URL"],
            auto_migrate=False,
            data_key_file=Path(env["SYNC_DATA_KEY_FILE"]),
            audit_key_file=Path(env["SYNC_AUDIT_SIGNING_KEY_FILE"]),
            audit_head_file=Path(env["SYNC_AUDIT_HEAD_FILE"]),
            national_id_key_file=Path(env["SYNC_NATIONAL_ID_DIGEST_KEY_FILE"]),
        )
    )
    times: dict[int, float] = {1: 0.0, 2: 0.0}
    counts: dict[int, int] = {1: 0, 2: 0}
    per_round = count // rounds
    try:
        for r in range(rounds):
            for n in (1, 2) if r % 2 == 0 else (2, 1):
                for name in WORKERS:
                    stack.sup.stop(name)
                prefix = f"8{uuid.uuid4().int % 10**5:05d}"
                ids = []
                for i in range(per_round):
                    app_id = ready_application(wiring, "A", f"{prefix}{i:04d}", new_account_name("b"))
                    use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
                    ids.append(app_id)
                t0 = time.monotonic()
                for name in WORKERS[:n]:
                    stack.start_worker(name)
                while done(wiring, ids) < len(ids):
                    time.sleep(0.5)  # polling interval
                elapsed = time.monotonic() - t0
                times[n] += elapsed
                counts[n] += len(ids)
                print(f"  round {r + 1}, {n} worker(s): {len(ids)} in {elapsed:.1f} s")
    finally:
        for name in WORKERS:
            stack.start_worker(name)
        wiring.engine.dispose()
    rate = {n: counts[n] / times[n] for n in (1, 2)}
    print(f"\nprovisioning {counts[1]} + {counts[2]} type-A approvals (account, group, mail), {rounds} rounds:")
    print("| workers | time | approvals/s | vs one worker |\n|---|---|---|---|")
    print(f"| two | {times[2]:.1f} s for {counts[2]} | {rate[2]:.1f} | {rate[2] / rate[1]:.2f}× |")
    print(f"| one | {times[1]:.1f} s for {counts[1]} | {rate[1]:.1f} | 1.00× |")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--sign-in-rounds", type=int, default=4)
    ap.add_argument("--count", type=int, default=2000, help="approvals for each of one worker and two workers")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--skip", choices=["sign-in", "workers"])
    args = ap.parse_args()
    stack = ProdStack(log=lambda *_: None)
    if not all(stack.node_ready(n) for n in NODES):
        print("start the production-shaped stack first: make up PROFILE=prod", file=sys.stderr)
        return 1
    if args.skip != "sign-in":
        bench_sign_in(stack, args.threads, args.seconds, args.sign_in_rounds)
    if args.skip != "workers":
        bench_workers(stack, args.count, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
