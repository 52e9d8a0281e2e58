"""Provisioning throughput, measured in one run against one Keycloak:

  1. end to end: N type-A approvals through the service layer (one transaction
     each: decision, seat, outbox, audit), then the outbox worker until every
     application is provisioned (account, group, password mail);
  2. a naive loop of python-keycloak calls doing the same to Keycloak
     (create the user with its password, make/find its group, join it), one
     request after the other;
  3. Keycloak's own partialImport of the same kind of users and groups: the
     group tree (managers groups with their roles mapped), then the users
     with the same attributes, required actions, temporary password, default
     roles and group, in chunks;
  4. Keycloak's own cost per user, measured directly: one partialImport of
     --floor users with the password, one of as many without, before the methods
     and again after them; the difference is the cost of one new password (argon2id
     hashing plus the realm's password policy), and cores / that cost is the most
     accounts per second the machine can make: the hashing limit every rate is set against
     (issue 14: end to end at least 0.8x of it).

All of them set the same credentials, so all pay Keycloak's password hashing
(the realm's algorithm, argon2 by default) and password policy once per user.

Each rate also comes with the CPU it cost, per approval and by process (java: Keycloak,
python: the service, worker and mail sink, postgres), read from /proc around the timed part:
where the cores went, set against the one password's cost.

    .venv/bin/python bench/provision.py [--count 2000] [--threads 8] [--batch 128]
        [--rounds 4] [--postgres] [--skip naive] [--existing-pairs]
        [--keycloak-url URL --admin-password PW]   # else it starts its own Keycloak
    --postgres: Keycloak and the sync service on PostgreSQL (the production database),
        bench/keycloak_on_postgres.py; else Keycloak's dev H2 and SQLite.
    --existing-pairs: every approval's pair made beforehand (a new manager where the last
        one left), untimed, as are partialImport's groups: what is left is the account.

partialImport of groups needs each top-level group's `path`: Keycloak 26
finds the group it has just made by that path to report its id, and without
it answers 500 (NullPointerException in GroupsPartialImport.getModelId).
Users naming a group path that does not exist answer 500 as well.

Each method gets its own institutions, so none reuses another's groups.
Prints rates and ratios; copy them into docs/bench.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keycloak import KeycloakAdmin  # noqa: E402

import policies  # noqa: E402
from bench.keycloak_on_postgres import started  # noqa: E402
from stack.network import free_port  # noqa: E402
from stack.paths import REALM_NAME  # noqa: E402
from stack.samples import REVIEWER, form, national_id, receive_originals, settings_for_tests  # noqa: E402
from sync_service.adapters.keycloak_directory import KeycloakDirectory  # noqa: E402
from sync_service.adapters.keycloak_groups import ensure_grant_group, roles_of_grant  # noqa: E402
from sync_service.adapters.keycloak_permissions import ManagerPermissions  # noqa: E402
from sync_service.bootstrap import bootstrap  # noqa: E402
from sync_service.domain.passwords import generate_password  # noqa: E402
from sync_service.services import applications as use_cases  # noqa: E402

PASSWORD_RULES = policies.load().password
CATEGORIES = ("CRC-COL", "CER-COL", "HPV-COL", "GAS-COL", "GAS-LAB")


def seats(prefix: str, n: int):
    """n distinct (institution, category) seats: one manager each (R-MGR-1)."""
    run = secrets.randbelow(10**4)
    for i in range(n):
        yield f"{prefix}{run:04d}{i // len(CATEGORIES):04d}"[:10].rjust(10, "0"), CATEGORIES[i % len(CATEGORIES)]


def admin_client(url: str, password: str) -> KeycloakAdmin:
    return KeycloakAdmin(
        server_url=url + "/",
        username="admin",
        password=password,
        realm_name=REALM_NAME,
        user_realm_name="master",
        pool_maxsize=4,
        # A request of many hashed passwords on a busy machine outlasts the default
        # 60 s, and python-keycloak's one retry then re-sends it (409 for the users made).
        timeout=900,
    )


def make_pairs(url, password, pairs) -> None:
    """The pairs' groups and admin-console permissions, as an earlier manager's approval made them."""
    admin, made = admin_client(url, password), ManagerPermissions()
    for code, cat in pairs:
        made.ensure(admin, code, cat)


def end_to_end(
    url, password, smtp_port, pairs, threads, batch, workdir, database_url=None
) -> tuple[float, float, dict[str, float]]:
    """(seconds from the first approval to the last entry done, seconds of the approvals alone,
    CPU seconds by process name over the same time)."""
    database_url = database_url or f"sqlite:///{workdir / f'bench-{secrets.token_hex(3)}.db'}"
    settings = settings_for_tests(
        database_url, workdir, keycloak_url=url, smtp_host="127.0.0.1", smtp_port=smtp_port, worker_threads=threads
    )
    wiring = bootstrap(
        settings,
        directory_factory=lambda: KeycloakDirectory(
            url, REALM_NAME, "admin-cli", "", admin=admin_client(url, password)
        ),
    )
    ids = []
    for _i, (code, cat) in enumerate(pairs):
        # Submission and the arrival of the originals happen days before the decision: not timed.
        account = f"e{secrets.token_hex(5)}"
        app = use_cases.submit(wiring.uow(), form("A", code, account, category=cat), caller=None)
        receive_originals(wiring, app.id)
        ids.append(app.id)
    cpu_before, t0 = cpu_seconds(), time.monotonic()
    for app_id in ids:
        use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
    t_approved = time.monotonic()
    worker = wiring.worker(threads=threads, **({"batch_size": batch} if batch else {}))
    while True:
        outcome = worker.run_until_idle()
        with wiring.engine.connect() as conn:  # closed: on SQLite an open one would hold the write lock
            left = conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE status != 'done'").scalar()
        if left == 0:
            break
        if outcome.handled == 0:
            time.sleep(0.2)
    worker.close()
    total = time.monotonic() - t0
    cpu = cpu_spent(cpu_before, cpu_seconds())
    wiring.engine.dispose()
    return total, t_approved - t0, cpu


def naive(url, password, n) -> float:
    admin = admin_client(url, password)
    t0 = time.monotonic()
    for code, cat in seats("2", n):
        username = f"n{secrets.token_hex(5)}"
        user_id = admin.create_user(
            {
                "username": username,
                "email": f"{username}@clinic.example.tw",
                "enabled": True,
                "emailVerified": True,
                "firstName": "小明",
                "lastName": "王",
                "attributes": {
                    "department": ["家庭醫學部"],
                    "phone": ["02 2559 1969#116"],
                    "nationalId": [national_id()],
                },
                "credentials": [{"type": "password", "value": generate_password(PASSWORD_RULES), "temporary": True}],
                "requiredActions": ["UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"],
            }
        )
        group = ensure_grant_group(admin, code, cat, "manager")
        admin.group_user_add(user_id, group["id"])
    return time.monotonic() - t0


def imported_user(prefix: str, group_path: str | None, with_password: bool = True) -> dict:
    """The user the worker makes for an approval of type A, as partialImport takes it."""
    username = f"{prefix}{secrets.token_hex(5)}"
    user = {
        "username": username,
        "email": f"{username}@clinic.example.tw",
        "enabled": True,
        "emailVerified": True,
        "firstName": "小明",
        "lastName": "王",
        "attributes": {
            "department": ["家庭醫學部"],
            "phone": ["02 2559 1969#116"],
            "nationalId": [national_id()],
        },
        "requiredActions": ["UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"],
        "realmRoles": [f"default-roles-{REALM_NAME}"],
    }
    if with_password:
        user["credentials"] = [{"type": "password", "value": generate_password(PASSWORD_RULES), "temporary": True}]
    if group_path:
        user["groups"] = [group_path]
    return user


def partial_import(url, password, n, chunk=100, groups_timed=True) -> tuple[float, dict[str, float]]:
    admin = admin_client(url, password)
    all_seats = list(seats("3", n))
    tree: dict[str, dict[str, None]] = {}
    for code, cat in all_seats:
        tree.setdefault(code, {})[cat] = None
    # Under a root of its own: a SKIP of the existing /institutions would skip
    # its new subgroups too, and OVERWRITE would drop the other methods' groups.
    root = f"bench-import-{secrets.token_hex(3)}"
    groups = [
        {
            "name": root,
            "path": f"/{root}",
            "subGroups": [
                {
                    "name": code,
                    "subGroups": [
                        {"name": cat, "subGroups": [{"name": "managers", "realmRoles": roles_of_grant(cat, "manager")}]}
                        for cat in cats
                    ],
                }
                for code, cats in tree.items()
            ],
        }
    ]
    users = [imported_user("p", f"/{root}/{code}/{cat}/managers") for code, cat in all_seats]
    cpu_before, t0 = cpu_seconds(), time.monotonic()
    admin.partial_import_realm(REALM_NAME, {"ifResourceExists": "FAIL", "groups": groups})
    if not groups_timed:
        cpu_before, t0 = cpu_seconds(), time.monotonic()
    for i in range(0, len(users), chunk):
        admin.partial_import_realm(REALM_NAME, {"ifResourceExists": "FAIL", "users": users[i : i + chunk]})
    return time.monotonic() - t0, cpu_spent(cpu_before, cpu_seconds())


def keycloak_cost_per_user(url, password, n) -> tuple[float, float]:
    """Seconds per user of one partialImport request of n users, with and without the password."""
    admin = admin_client(url, password)
    costs = []
    for with_password in (True, False):
        users = [imported_user("k", None, with_password) for _ in range(n)]
        t0 = time.monotonic()
        admin.partial_import_realm(REALM_NAME, {"ifResourceExists": "FAIL", "users": users})
        costs.append((time.monotonic() - t0) / n)
    return costs[0], costs[1]


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the machine's processes, summed by name (java: Keycloak,
    postgres, python: this bench with the service, the worker's threads and the mail sink,
    which production leaves to the agency's relay). Processes that
    ended in between are missed; on a shared machine other sessions' processes count too."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            group = (
                "java"
                if name == "java"
                else "postgres"
                if name.startswith("postgres")
                else "python"
                if name.startswith("python")
                else "other"
            )
            used[group] = used.get(group, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}


def load() -> str:
    """The machine may be shared: the 1-minute load average at the end of each step."""
    return f"  [load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores]"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--batch", type=int, default=0, help="outbox entries the worker claims at once (0: the worker's own default)"
    )
    parser.add_argument("--postgres", action="store_true", help="Keycloak and the sync service on PostgreSQL")
    parser.add_argument("--skip", action="append", default=[], choices=["naive", "import"])
    parser.add_argument("--rounds", type=int, default=4, help="the methods take turns, n/rounds at a time")
    parser.add_argument("--floor", type=int, default=200, help="users of each direct cost measurement")
    parser.add_argument(
        "--existing-pairs",
        action="store_true",
        help="each approval's pair (groups, permissions) made beforehand, untimed: the "
        "steady state, a new manager for a pair whose manager left; partialImport's "
        "groups are then made untimed too",
    )
    parser.add_argument("--keycloak-url")
    parser.add_argument("--admin-password")
    args = parser.parse_args()

    from stack.mailsink import MailSink

    workdir = Path(tempfile.mkdtemp(prefix="bench-provision-"))
    sink = MailSink(workdir / "mail", free_port())
    sink.start()
    kc = None
    stack = contextlib.ExitStack()
    databases: list = []
    try:
        if args.keycloak_url:
            url, password = args.keycloak_url.rstrip("/"), args.admin_password
        elif args.postgres:
            url, password = stack.enter_context(started(sink.port, workdir / "pg", databases))
        else:
            from stack.credentials_file import WANTED, demo_password
            from stack.keycloak import KeycloakInstance, build_providers
            from stack.realm import realm_env

            values = {k: demo_password() if s == 0 else secrets.token_urlsafe(s) for k, s in WANTED.items()}
            ports = {
                "keycloak": free_port(),
                "management": free_port(),
                "smtp": sink.port,
                "sync-service": free_port(),
                "screening-client": free_port(),
            }
            kc = KeycloakInstance(
                home=workdir / "keycloak",
                http_port=ports["keycloak"],
                management_port=ports["management"],
                admin_password=values["KC_BOOTSTRAP_ADMIN_PASSWORD"],
                env=realm_env(values, ports),
            )
            kc.prepare(build_providers())
            kc.start()
            print("starting Keycloak ...", flush=True)
            kc.wait_ready(timeout=600)
            url, password = kc.url, values["KC_BOOTSTRAP_ADMIN_PASSWORD"]
        new_database = databases[0] if databases else None
        print(
            f"Keycloak on {'PostgreSQL' if args.postgres else 'H2 (dev)' if not args.keycloak_url else url}, "
            f"sync service on {'PostgreSQL' if new_database else 'SQLite'}",
            flush=True,
        )

        # The hashing limit, measured in this run: before the methods and after them.
        costs = [keycloak_cost_per_user(url, password, args.floor)]
        print(
            f"Keycloak per user before: {costs[0][0] * 1000:.0f} ms with the password, "
            f"{costs[0][1] * 1000:.0f} ms without{load()}",
            flush=True,
        )
        n, rounds = args.count, max(1, args.rounds)
        print(f"{n} approvals each, in {rounds} rounds; worker threads {args.threads}, batch {args.batch}", flush=True)
        # On a shared machine the load drifts: the three take turns, a slice of
        # each per round, so that each meets the same weather.
        e2e = approving = loop = imported = 0.0
        cpu: dict[str, Counter[str]] = {
            "e2e": Counter(),
            "import": Counter(),
        }  # where the cores went, CPU seconds by process name
        for r in range(rounds):
            part = n // rounds + (1 if r < n % rounds else 0)
            database = new_database() if new_database else None
            pairs = list(seats("1", part))
            if args.existing_pairs:  # not timed, nor counted in the CPU shares
                make_pairs(url, password, pairs)
            took, approvals, spent = end_to_end(
                url, password, sink.port, pairs, args.threads, args.batch, workdir, database
            )
            cpu["e2e"].update(spent)
            e2e, approving = e2e + took, approving + approvals
            if "naive" not in args.skip:
                loop += naive(url, password, part)
            if "import" not in args.skip:
                took, spent = partial_import(url, password, part, groups_timed=not args.existing_pairs)
                imported += took
                cpu["import"].update(spent)
            print(
                f"  round {r + 1}: {part} each, so far e2e {e2e:.1f} s, naive {loop:.1f} s, "
                f"partialImport {imported:.1f} s{load()}",
                flush=True,
            )
        costs.append(keycloak_cost_per_user(url, password, args.floor))
        print(
            f"Keycloak per user after: {costs[1][0] * 1000:.0f} ms with the password, "
            f"{costs[1][1] * 1000:.0f} ms without{load()}",
            flush=True,
        )
        per_password = sum(hashed - bare for hashed, bare in costs) / len(costs)
        cores = os.cpu_count() or 1
        limit = cores / per_password
        print(
            f"cost of one new password {per_password * 1000:.0f} ms of one core; "
            f"hashing limit {cores} cores / that = {limit:.1f} accounts/s",
            flush=True,
        )
        print(
            f"end to end     {e2e:8.1f} s  {n / e2e:7.1f}/s  {n / e2e / limit:5.2f}x the hashing limit  "
            f"(target >= 0.8x; approvals alone {approving:.1f} s)",
            flush=True,
        )
        if loop:
            print(
                f"naive loop     {loop:8.1f} s  {n / loop:7.1f}/s  {n / loop / limit:5.2f}x the hashing limit; "
                f"end to end {loop / e2e:5.2f}x this",
                flush=True,
            )
        if imported:
            print(
                f"partialImport  {imported:8.1f} s  {n / imported:7.1f}/s  {n / imported / limit:5.2f}x the hashing "
                f"limit; end to end {imported / e2e:5.2f}x this",
                flush=True,
            )
        for method, used in cpu.items():
            if used:
                shares = ", ".join(f"{k} {v / n * 1000:.0f}" for k, v in sorted(used.items(), key=lambda kv: -kv[1]))
                print(
                    f"CPU per approval, {method}: {shares} ms (one password: {per_password * 1000:.0f} ms)", flush=True
                )
    finally:
        stack.close()
        if kc:
            kc.stop()
        sink.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
