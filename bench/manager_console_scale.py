"""Does the manager's console slow as institutions join? On PostgreSQL (decision 0100).

One Keycloak (`start-dev`) on a PostgreSQL cluster of its own, two realms with the same
groups and people: `{prefix}-fgap` (fine-grained admin permissions on, the project's
permissions for every pair) and `{prefix}-empty` (switched on, no permissions). The realm
grows 250 -> 2,500 -> 25,000 institution x category pairs; at each size the manager's and
the realm administrator's user list and search are timed in both realms, interleaved,
with our trigram index on Keycloak's `policy_config` and without it (same run).

    .venv/bin/python bench/manager_console_scale.py                         # 250, 2,500, 25,000 pairs
    .venv/bin/python bench/manager_console_scale.py --sizes 250,2500        # a quicker look
    .venv/bin/python bench/manager_console_scale.py --sizes 250 --h2        # + the same on H2 (issue 13)

Set-up: the first 250 pairs through the product's path (groups and people by partial
import, permissions by `ManagerPermissions`, ~10 requests a pair); every further
institution is a copy, in SQL with Keycloak stopped, of institution 0's rows (groups, their
roles, people without passwords, memberships, policies, permissions, their resources and
scopes) with fresh ids and the code replaced: the same rows the REST path makes, ~1,000x
faster. The measured manager (institution 62, CRC-COL) is the same person at every size.
Prints a table for docs/bench.md.
"""

from __future__ import annotations

import argparse
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keycloak import KeycloakAdmin  # noqa: E402

from bench import manager_permissions as mp  # noqa: E402
from stack import policy_index  # noqa: E402
from stack.network import free_port  # noqa: E402
from stack.postgres import Postgres  # noqa: E402

BASE_INSTITUTIONS = 125  # 250 pairs made through REST; the template for the copies is institution 0
MEASURED = 62
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# -- the servers ---------------------------------------------------------------------------
def own_postgres(log) -> tuple[Postgres, str]:
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-pg-"))
    pg = Postgres(folder=folder, port=free_port(), durable=False)
    pg.start()
    password = secrets.token_urlsafe(18)
    pg.ensure_database("keycloak", password)
    log(f"  PostgreSQL on 127.0.0.1:{pg.port} ({folder})")
    return pg, password


def own_keycloak(log, db_args: list[str]):
    """The project's Keycloak in start-dev (as bench/manager_permissions.py), on PostgreSQL if db_args."""
    from stack.credentials_file import WANTED, demo_password
    from stack.keycloak import KeycloakInstance, build_providers
    from stack.paths import PROVIDERS_MODULE
    from stack.realm import realm_env

    values = {k: demo_password() if n == 0 else secrets.token_urlsafe(n) for k, n in WANTED.items()}
    ports = {"smtp": free_port(), "screening-client": free_port(), "sync-service": free_port()}
    kc = KeycloakInstance(
        home=Path(tempfile.mkdtemp(prefix="kc-bench-scale-")),
        http_port=free_port(),
        management_port=free_port(),
        admin_password=values["KC_BOOTSTRAP_ADMIN_PASSWORD"],
        env={**realm_env(values, ports), "JAVA_OPTS_KC_HEAP": "-Xms512m -Xmx2g"},
        extra_args=db_args,
    )
    built = sorted((PROVIDERS_MODULE / "target" / "deploy").glob("*.jar")) or build_providers(log)
    kc.prepare(built)
    start(kc, log)
    return kc


def start(kc, log) -> None:
    t = time.monotonic()
    kc.start()
    kc.wait_ready(timeout=1800, progress=log)
    log(f"  Keycloak ready at {kc.url} in {time.monotonic() - t:.0f} s")


# -- the first pairs, through the product's path ---------------------------------------------
def build_base(connect, realms: dict[str, bool], institutions: int, workers: int, log) -> None:
    """realms: name -> with permissions. Groups and people in each; permissions where wanted."""
    everyone = mp.people(institutions, 2)
    code, cat = mp.code_of(MEASURED), mp.CATEGORIES[0]
    for realm, with_permissions in realms.items():
        t = time.monotonic()
        mp.ensure_realm(connect("master"), realm, True)
        mp.import_groups(lambda r=realm: connect(r), realm, institutions)
        mp.import_people(connect(realm), realm, everyone)
        mp.set_password(connect(realm), mp.manager_name(code, cat))
        if with_permissions:
            mp.provision_permissions(lambda r=realm: connect(r), institutions, workers, log)
        log(f"  {realm}: {institutions * 2} pairs through REST in {time.monotonic() - t:.0f} s")


# -- more pairs: institution 0 copied in SQL ----------------------------------------------------
# (table, column that ties a row to the template, the set it belongs to, its own id column)
COPIED = [
    ("keycloak_group", "id", "groups", "id"),
    ("group_role_mapping", "group_id", "groups", None),
    ("group_attribute", "group_id", "groups", "id"),
    ("user_entity", "id", "users", "id"),
    ("user_attribute", "user_id", "users", "id"),
    ("user_group_membership", "user_id", "users", None),
    ("user_role_mapping", "user_id", "users", None),
    ("user_required_action", "user_id", "users", None),
    ("resource_server_policy", "id", "policies", "id"),
    ("policy_config", "policy_id", "policies", None),
    ("associated_policy", "policy_id", "policies", None),
    ("resource_server_resource", "id", "resources", "id"),
    ("resource_scope", "resource_id", "resources", None),
    ("resource_attribute", "resource_id", "resources", "id"),
    ("resource_policy", "policy_id", "policies", None),
    ("scope_policy", "policy_id", "policies", None),
]


def template_ids(cur, realm: str, code: str) -> dict[str, set[str]]:
    cur.execute("SELECT id FROM realm WHERE name = %s", (realm,))
    realm_id = cur.fetchone()[0]
    cur.execute(
        """WITH RECURSIVE tree AS (
                     SELECT g.id FROM keycloak_group g JOIN keycloak_group p ON p.id = g.parent_group
                      WHERE g.realm_id = %s AND g.name = %s AND p.name = 'institutions'
                     UNION ALL SELECT c.id FROM keycloak_group c JOIN tree ON c.parent_group = tree.id)
                   SELECT id FROM tree""",
        (realm_id, code),
    )
    groups = {r[0] for r in cur.fetchall()}
    cur.execute("SELECT DISTINCT user_id FROM user_group_membership WHERE group_id = ANY(%s)", (list(groups),))
    users = {r[0] for r in cur.fetchall()}
    cur.execute(
        """SELECT p.id FROM resource_server_policy p JOIN client c ON c.id = p.resource_server_id
                    WHERE c.realm_id = %s AND p.name LIKE %s""",
        (realm_id, f"%{code}%"),
    )
    policies = {r[0] for r in cur.fetchall()}
    cur.execute("SELECT id FROM resource_server_resource WHERE name = ANY(%s)", (list(groups),))
    resources = {r[0] for r in cur.fetchall()}
    return {"groups": groups, "users": users, "policies": policies, "resources": resources}


def copy_institutions(dsn: str, realm: str, first: int, last: int, log) -> None:
    """Institutions first..last-1 of `realm` as copies of institution 0, in one transaction."""
    t = time.monotonic()
    template = mp.code_of(0)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        ids = template_ids(cur, realm, template)
        rows = {}
        for table, column, kind, _ in COPIED:
            cur.execute(f"SELECT * FROM {table} WHERE {column} = ANY(%s)", (list(ids[kind]),))
            rows[table] = ([d.name for d in cur.description or ()], cur.fetchall())
        own = {
            row[cols.index(id_col)]
            for table, _, _, id_col in COPIED
            if id_col
            for cols, found in [rows[table]]
            for row in found
        }
        own |= set().union(*ids.values())
        for table, _, _, _ in COPIED:
            cols, found = rows[table]
            if not found:
                continue
            with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for i in range(first, last):
                    code, fresh = mp.code_of(i), dict[str, str]()

                    def new_id(m, fresh=fresh, i=i):
                        old = m.group(0)
                        if old not in own:
                            return old
                        return fresh.setdefault(old, str(uuid.uuid5(uuid.NAMESPACE_OID, f"{old}/{i}")))

                    for row in found:
                        copy.write_row(
                            [v if not isinstance(v, str) else UUID.sub(new_id, v).replace(template, code) for v in row]
                        )
        conn.commit()
    log(f"  {realm}: institutions {first}..{last - 1} copied in SQL in {time.monotonic() - t:.0f} s")


# -- the measurement --------------------------------------------------------------------------
def measure(url: str, admin_user: str, admin_password: str, realms: dict[str, str], repeat: int) -> dict:
    code, cat = mp.code_of(MEASURED), mp.CATEGORIES[0]
    who = {
        "manager": {
            "search": mp.user_name(code, cat, 0)[:8],
            "token": {
                lb: (lambda r=r: mp.token(url, r, mp.manager_name(code, cat), mp.PASSWORD)) for lb, r in realms.items()
            },
        },
        "realm admin": {
            "search": mp.user_name(code, cat, 0)[:8],
            "token": {lb: (lambda: mp.token(url, "master", admin_user, admin_password)) for lb in realms},
        },
    }
    return mp.measure(url, realms, who, repeat)


def medians(result: dict) -> dict:
    return {key: statistics.median(v) * 1000 for key, v in result["samples"].items()}


def index_on(pg: Postgres, on: bool) -> None:
    if on:
        policy_index.ensure(lambda sql: pg.psql(sql, database="keycloak"))
    else:
        pg.psql(f"DROP INDEX IF EXISTS {policy_index.INDEX}; ANALYZE {policy_index.TABLE};", database="keycloak")


def explain_at_scale(pg: Postgres, url: str, realm: str, log) -> str:
    """Keycloak's dependent-policy statement, caught in PostgreSQL's log during one manager's list,
    planned and run (EXPLAIN ANALYZE) with our index and without it."""
    code, cat = mp.code_of(MEASURED), mp.CATEGORIES[0]
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + mp.token(url, realm, mp.manager_name(code, cat), mp.PASSWORD)
    log_file, start_at = pg.folder / "postgres.log", (pg.folder / "postgres.log").stat().st_size
    pg.psql("ALTER SYSTEM SET log_min_duration_statement = 0; SELECT pg_reload_conf();")
    try:
        caught = None
        for _ in range(20):  # until the reload has reached Keycloak's connections
            mp.timed(session, f"{url}/admin/realms/{realm}/users", {"first": 0, "max": 11})
            caught = policy_index.dependent_policy_statement(log_file, start_at)
            if caught:
                break
    finally:
        pg.psql("ALTER SYSTEM RESET log_min_duration_statement; SELECT pg_reload_conf();")
    if not caught:
        return "(the dependent-policy statement was not caught)"
    out = []
    for indexed in (True, False):
        index_on(pg, indexed)
        plan = pg.psql(policy_index.explain(*caught, options="(ANALYZE, COSTS OFF)"), database="keycloak")
        out.append(f"-- index {'on' if indexed else 'off'}\n{plan.strip()}")
    index_on(pg, True)
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="250,2500,25000", help="pairs, ascending (the first is made through REST)")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--realm-prefix", default="scale")
    ap.add_argument(
        "--h2",
        action="store_true",
        help="also a Keycloak on H2 with the first size, its manager's calls beside PostgreSQL's",
    )
    args = ap.parse_args(argv)
    log = lambda m: print(m, flush=True)  # noqa: E731
    sizes = [int(s) for s in args.sizes.split(",")]
    if sizes[0] != 2 * BASE_INSTITUTIONS:
        raise SystemExit(f"the first size is {2 * BASE_INSTITUTIONS} pairs (made through REST)")

    pg, db_password = own_postgres(log)
    dsn = f"host=127.0.0.1 port={pg.port} dbname=keycloak user=keycloak password={db_password}"
    kc = h2 = None
    try:
        kc = own_keycloak(
            log,
            [
                "--db=postgres",
                f"--db-url=jdbc:postgresql://127.0.0.1:{pg.port}/keycloak",
                "--db-username=keycloak",
                f"--db-password={db_password}",
            ],
        )

        def connect_to(server):
            return lambda realm: KeycloakAdmin(
                server_url=server.url,
                username=server.admin_user,
                password=server.admin_password,
                realm_name=realm,
                user_realm_name="master",
                timeout=600,
            )

        fgap, empty = f"{args.realm_prefix}-fgap", f"{args.realm_prefix}-empty"
        realms = {"with permissions": fgap, "switched on, none": empty}
        build_base(connect_to(kc), {fgap: True, empty: False}, BASE_INSTITUTIONS, args.workers, log)
        if args.h2:
            h2 = own_keycloak(log, [])
            build_base(connect_to(h2), {fgap: True}, BASE_INSTITUTIONS, args.workers, log)
            print(compare_servers(kc, h2, fgap, args.repeat), flush=True)
            h2.stop()
            shutil.rmtree(h2.home, ignore_errors=True)
            h2 = None

        table = []
        institutions = BASE_INSTITUTIONS
        for pairs in sizes:
            if pairs // 2 > institutions:
                kc.stop()
                for realm in (fgap, empty):
                    copy_institutions(dsn, realm, institutions, pairs // 2, log)
                institutions = pairs // 2
                pg.psql("VACUUM ANALYZE;", database="keycloak")
                start(kc, log)
            for indexed in (True, False):
                index_on(pg, indexed)
                log(f"  {pairs} pairs, index {'on' if indexed else 'off'}: timing {args.repeat} rounds ...")
                result = medians(measure(kc.url, kc.admin_user, kc.admin_password, realms, args.repeat))
                table.append((pairs, indexed, result))
                print(row_lines(pairs, indexed, result), flush=True)
            index_on(pg, True)
        print(explain_at_scale(pg, kc.url, fgap, log), flush=True)
        print()
        print(report(table))
        return 0
    finally:
        for server in (kc, h2):
            if server is not None:
                server.stop()
                shutil.rmtree(server.home, ignore_errors=True)
        pg.stop()
        shutil.rmtree(pg.folder, ignore_errors=True)


def compare_servers(pg_kc, h2_kc, realm: str, repeat: int) -> str:
    """The manager's list and search in the same realm on both servers, interleaved (issue 13)."""
    code, cat = mp.code_of(MEASURED), mp.CATEGORIES[0]
    sessions = {label: requests.Session() for label in ("PostgreSQL", "H2")}
    samples: dict[tuple[str, str], list[float]] = {}
    for r in range(repeat + 2):
        for server, label in ((pg_kc, "PostgreSQL"), (h2_kc, "H2")):
            s = sessions[label]
            if r % 10 == 0:
                s.headers["Authorization"] = "Bearer " + mp.token(
                    server.url, realm, mp.manager_name(code, cat), mp.PASSWORD
                )
            for call, params in mp.CALLS.items():
                elapsed, _n = mp.timed(
                    s, f"{server.url}/admin/realms/{realm}/users", params({"search": mp.user_name(code, cat, 0)[:8]})
                )
                if r >= 2:
                    samples.setdefault((label, call), []).append(elapsed * 1000)
    lines = ["| manager, 250 pairs | PostgreSQL ms | H2 ms | H2 / PostgreSQL |", "|---|---|---|---|"]
    for call in mp.CALLS:
        a, b = statistics.median(samples[("PostgreSQL", call)]), statistics.median(samples[("H2", call)])
        lines.append(f"| {call} | {a:.1f} | {b:.1f} | {b / a:.2f}x |")
    return "\n".join(lines)


def row_lines(pairs: int, indexed: bool, m: dict) -> str:
    out = []
    for name in ("manager", "realm admin"):
        for call in mp.CALLS:
            a, b = m[(name, call, "with permissions")], m[(name, call, "switched on, none")]
            out.append(
                f"  {pairs} pairs, index {'on ' if indexed else 'off'} | {name} {call}: "
                f"{a:.1f} ms (permissions) / {b:.1f} ms (on, none) = {a / b:.2f}x"
            )
    return "\n".join(out)


def report(table) -> str:
    base = {
        (name, call, indexed): m[(name, call, "with permissions")]
        for pairs, indexed, m in table
        if pairs == table[0][0]
        for name in ("manager", "realm admin")
        for call in mp.CALLS
    }
    lines = [
        "| pairs | index | who | call | with permissions ms | / same at first size | FGAP on, none ms | with / none |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for pairs, indexed, m in table:
        for name in ("manager", "realm admin"):
            for call in mp.CALLS:
                a, b = m[(name, call, "with permissions")], m[(name, call, "switched on, none")]
                lines.append(
                    f"| {pairs:,} | {'on' if indexed else 'off'} | {name} | {call} | {a:.1f} | "
                    f"{a / base[(name, call, indexed)]:.2f}x | {b:.1f} | {a / b:.2f}x |"
                )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
