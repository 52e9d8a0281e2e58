"""The reconciler at national scale (issue 14, point 4): `reconcile` over N decided
(institution, category) pairs, against reading those pairs' groups once, in one run,
on one Keycloak on PostgreSQL (bench/keycloak_on_postgres.py) unless given one.

    .venv/bin/python bench/reconcile.py [--pairs 25000] [--drift 25] [--threads 4]
        [--keycloak-url URL --admin-password PW]   # else it starts its own on PostgreSQL

Set-up, not timed (a fresh realm: /institutions is empty):
  1. every pair's groups with their roles and its admin-console permissions, as the worker
     makes them (`ManagerPermissions.ensure`, over --threads clients);
  2. partialImports of 1,000 make one manager per pair, in its group, without a password
     (the bench is about reading, not hashing);
  3. the sync service's database gets one held seat per pair.

Timed, in turns (`--rounds`), so both meet the same load on a shared machine:
  - baseline, "reading those groups once": the paged group listings and the members of
    every managers group, over the same threads: the least any check of the memberships reads;
  - `reconcile` (services/reconcile.py) with nothing to repair;
then once, `reconcile` after --drift pairs were damaged by hand (a manager added, a
permission's scopes narrowed), which must repair exactly those.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import operator
import os
import secrets
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keycloak import KeycloakAdmin  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.keycloak_on_postgres import started  # noqa: E402
from stack.network import free_port  # noqa: E402
from stack.paths import REALM_NAME  # noqa: E402
from stack.samples import settings_for_tests  # noqa: E402
from sync_service.adapters.keycloak_authz import AuthzClient  # noqa: E402
from sync_service.adapters.keycloak_directory import KeycloakDirectory  # noqa: E402
from sync_service.adapters.keycloak_pairs import PairsReader, _members  # noqa: E402
from sync_service.adapters.keycloak_permission_model import users_permission_name  # noqa: E402
from sync_service.adapters.keycloak_permissions import ManagerPermissions  # noqa: E402
from sync_service.adapters.tables import manager_seats  # noqa: E402
from sync_service.bootstrap import bootstrap  # noqa: E402
from sync_service.services.reconcile import reconcile  # noqa: E402

CATEGORIES = ("CRC-COL", "CER-COL", "HPV-COL", "GAS-COL", "GAS-LAB")


def admin_client(url: str, password: str) -> KeycloakAdmin:
    return KeycloakAdmin(
        server_url=url + "/",
        username="admin",
        password=password,
        realm_name=REALM_NAME,
        user_realm_name="master",
        pool_maxsize=8,
        timeout=600,
    )


def pairs_of(n: int) -> list[tuple[str, str]]:
    """n pairs: five categories for each of n/5 institutions (codes of 10 digits)."""
    return [(f"{9000000000 + i // len(CATEGORIES):010d}", CATEGORIES[i % len(CATEGORIES)]) for i in range(n)]


def manager_of(code: str, cat: str) -> str:
    return f"m{code[-6:]}{cat.replace('-', '').lower()}"


def set_up(url, password, pairs, threads, wiring, log) -> None:
    admin = admin_client(url, password)
    if admin.get_group_by_path("/institutions").get("subGroupCount"):
        raise SystemExit("the realm's /institutions is not empty: run against a fresh Keycloak")
    tree: dict[str, list[str]] = {}
    for code, cat in pairs:
        tree.setdefault(code, []).append(cat)
    # Every pair's groups, roles and admin-console permissions as the worker makes them. Not one
    # partialImport of the whole group tree: Keycloak 26.7.3 imports it in one transaction whose
    # every query flushes all the groups made so far (Hibernate auto-flush): 75,000 groups ran
    # for more than five minutes on one core without an end in sight.
    t0 = time.monotonic()
    permissions = ManagerPermissions()
    done = [0]

    def ensure(chunk):
        own = admin_client(url, password)
        for code, cat in chunk:
            permissions.ensure(own, code, cat)
            done[0] += 1
            if done[0] % 1000 == 0:
                log(f"  groups and permissions of {done[0]:,} pairs ({time.monotonic() - t0:.0f} s)")

    # Grouped by institution: an institution's shared policy is extended by one thread only.
    by_institution = [[(code, cat) for cat in cats] for code, cats in tree.items()]
    chunks: list[list[Any]] = [functools.reduce(operator.iadd, by_institution[i::threads], []) for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(ensure, chunks))
    log(f"  groups and permissions of {len(pairs):,} pairs made in {time.monotonic() - t0:.0f} s")
    t0 = time.monotonic()
    users = [
        {
            "username": manager_of(code, cat),
            "email": f"{manager_of(code, cat)}@clinic.example.tw",
            "enabled": True,
            "firstName": "小明",
            "lastName": "王",
            "realmRoles": [f"default-roles-{REALM_NAME}"],
            "groups": [f"/institutions/{code}/{cat}/managers"],
        }
        for code, cat in pairs
    ]
    for i in range(0, len(users), 1000):
        admin.partial_import_realm(REALM_NAME, {"ifResourceExists": "SKIP", "users": users[i : i + 1000]})
    log(f"  {len(users):,} managers imported in {time.monotonic() - t0:.0f} s")
    with wiring.engine.begin() as conn:
        conn.execute(
            insert(manager_seats),
            [
                {"institution_code": code, "category": cat, "manager": manager_of(code, cat), "version": 1}
                for code, cat in pairs
            ],
        )


def read_groups_once(url, password, threads) -> float:
    """The baseline: every pair's groups (paged) and every managers group's members."""
    admin = admin_client(url, password)
    t0 = time.monotonic()
    reader = PairsReader(admin, lambda: admin)
    groups = reader._groups_named("managers")
    reader._groups_named("users")
    ids = [i for p, i in groups.items() if p.endswith("/managers")]
    with ThreadPoolExecutor(threads) as pool:
        clients = {}

        def members(group_id):
            import threading

            me = threading.get_ident()
            if me not in clients:
                clients[me] = admin_client(url, password)
            return _members(clients[me], group_id)

        list(pool.map(members, ids))
    return time.monotonic() - t0


def run_reconcile(wiring, url, password, threads) -> tuple[float, list]:
    directory = KeycloakDirectory(
        url, REALM_NAME, "admin-cli", "", admin=admin_client(url, password), reading_threads=threads
    )
    t0 = time.monotonic()
    repairs = reconcile(wiring.uow, directory)
    return time.monotonic() - t0, repairs


def damage(url, password, pairs, n) -> None:
    """n pairs drift: every other one gets a hand-made manager, the others a narrowed permission."""
    admin = admin_client(url, password)
    api = AuthzClient(admin)
    name = f"intruder{secrets.token_hex(3)}"
    intruder = admin.create_user(
        {
            "username": name,
            "email": f"{name}@clinic.example.tw",
            "enabled": True,
            "firstName": "大同",
            "lastName": "張",
            "attributes": {"phone": ["02 2559 1969"], "department": ["資訊室"]},
        }
    )
    for i, (code, cat) in enumerate(pairs[:: max(1, len(pairs) // n)][:n]):
        if i % 2 == 0:
            admin.group_user_add(intruder, admin.get_group_by_path(f"/institutions/{code}/{cat}/managers")["id"])
        else:
            p = api.find_by_name(users_permission_name(code, cat))
            assert p is not None
            api.update(
                "permission/scope",
                p["id"],
                {
                    "name": p["name"],
                    "resourceType": "Groups",
                    "resources": sorted(api.resource_ids(p["id"])),
                    "scopes": ["view"],
                    "policies": sorted(api.policy_ids(p["id"])),
                    "decisionStrategy": "UNANIMOUS",
                    "logic": "POSITIVE",
                },
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=25000)
    parser.add_argument("--drift", type=int, default=25, help="pairs damaged by hand before the last run")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keycloak-url")
    parser.add_argument("--admin-password")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(f"{message}  [load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores]", flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="bench-reconcile-"))
    try:
        with contextlib.ExitStack() as stack:
            if args.keycloak_url:
                url, password = args.keycloak_url.rstrip("/"), args.admin_password
            else:
                url, password = stack.enter_context(started(free_port(), workdir))
            settings = settings_for_tests(f"sqlite:///{workdir / 'sync.db'}", workdir, keycloak_url=url)
            wiring = bootstrap(settings)
            pairs = pairs_of(args.pairs)
            log(f"setting up {len(pairs):,} pairs ...")
            set_up(url, password, pairs, args.threads, wiring, log)
            base = rec = 0.0
            for r in range(args.rounds):
                took = read_groups_once(url, password, args.threads)
                base += took
                log(f"  round {r + 1}: reading the groups once {took:.1f} s")
                took, repairs = run_reconcile(wiring, url, password, args.threads)
                rec += took
                assert repairs == [], repairs[:3]
                log(f"  round {r + 1}: reconcile, nothing to repair {took:.1f} s")
            damage(url, password, pairs, args.drift)
            drifted, repairs = run_reconcile(wiring, url, password, args.threads)
            repaired = {(r.institution, r.category) for r in repairs}
            log(
                f"  reconcile after {args.drift} pairs drifted: {drifted:.1f} s, {len(repairs)} repairs "
                f"in {len(repaired)} pairs"
            )
            n = len(pairs)
            print(f"pairs {n:,}, threads {args.threads}, rounds {args.rounds}")
            print(f"reading the groups once   {base / args.rounds:8.1f} s  {n * args.rounds / base:8.0f} pairs/s")
            print(
                f"reconcile (no drift)      {rec / args.rounds:8.1f} s  {n * args.rounds / rec:8.0f} pairs/s"
                f"  {rec / base:5.2f}x reading once"
            )
            print(
                f"reconcile ({args.drift} drifted)   {drifted:8.1f} s  repaired {len(repaired)} of {args.drift} pairs"
            )
            wiring.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
