"""Does delegated administration slow the user list down? N institutions x 2 categories,
their groups, users and manager permissions in the realm, the same groups and users
without permissions in a second realm; the manager's and the realm admin's user list
and search timed in both, side by side (interleaved), medians and ratios (target <= 1.5x).
A third realm with fine-grained admin permissions switched on but no permissions at all
(same groups and users) tells what the switch costs by itself, whatever the permissions.

    .venv/bin/python bench/manager_permissions.py                      # 5,000 x 2 = 10,000 pairs
    .venv/bin/python bench/manager_permissions.py --institutions 50    # a quick look

The realms are made by the bench ({prefix}-fgap with adminPermissionsEnabled and the
permissions, {prefix}-plain without, {prefix}-empty with it on and none) with the project's
realm roles, so they differ only by the permissions. People are imported without passwords
(hashing 30,000 of them would be most of the set-up time); the measured manager gets one.
By default it starts its own Keycloak (temporary folder, free ports); `--url` and
`--admin-password` point it at a running one instead (a re-run of the same size reuses
what is there).
Prints a table for docs/bench.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keycloak import KeycloakAdmin  # noqa: E402

from stack.network import free_port  # noqa: E402
from stack.paths import REALM_FILE  # noqa: E402
from sync_service.adapters.keycloak_permissions import ManagerPermissions  # noqa: E402

CATEGORIES = ("CRC-COL", "GAS-LAB")
PASSWORD = "Bench~Pass2026x"
IMPORT_BATCH = 500


def code_of(i: int) -> str:
    return f"9{i:09d}"


def manager_name(code: str, cat: str) -> str:
    return f"m{code}{cat[:3].lower()}"


def user_name(code: str, cat: str, n: int) -> str:
    return f"u{code}{cat[:3].lower()}{n}"


# -- the realms ---------------------------------------------------------------------
def realm_body(name: str, with_admin_permissions: bool) -> dict:
    """The project's realm roles; fine-grained admin permissions on or off."""
    realm = json.loads(REALM_FILE.read_text())
    return {
        "realm": name,
        "enabled": True,
        "adminPermissionsEnabled": with_admin_permissions,
        "roles": {"realm": copy.deepcopy(realm["roles"]["realm"])},
    }


def ensure_realm(master: KeycloakAdmin, name: str, with_admin_permissions: bool) -> None:
    if name not in {r["realm"] for r in master.get_realms()}:
        master.create_realm(realm_body(name, with_admin_permissions))


def group_tree(institutions: int) -> dict:
    """`/institutions` with every institution, category and its two grant groups, roles mapped
    (the partial import finds groups by their `path`: every level carries it)."""
    subs = []
    for i in range(institutions):
        code = code_of(i)
        cats = []
        for cat in CATEGORIES:
            base = f"/institutions/{code}/{cat}"
            cats.append(
                {
                    "name": cat,
                    "path": base,
                    "subGroups": [
                        {
                            "name": "managers",
                            "path": f"{base}/managers",
                            "realmRoles": [f"category:{cat}", "institution-manager"],
                        },
                        {"name": "users", "path": f"{base}/users", "realmRoles": [f"category:{cat}"]},
                    ],
                }
            )
        subs.append({"name": code, "path": f"/institutions/{code}", "subGroups": cats})
    return {"name": "institutions", "path": "/institutions", "subGroups": subs}


def import_groups(connect, realm: str, institutions: int, workers: int = 8) -> None:
    """The tree of group_tree() into a realm that has no /institutions yet. One partial import
    of the whole tree slows down with its size (~10,000 groups in one transaction); past a
    few hundred institutions the groups are made through the REST API instead, one
    institution per task, `workers` at a time."""
    admin = connect()
    groups = admin.connection.raw_get(
        f"admin/realms/{realm}/groups", search="institutions", exact="true", briefRepresentation="true"
    ).json()
    root = next((g for g in groups if g["path"] == "/institutions"), None)
    if root is None and institutions <= 200:
        admin.partial_import_realm(realm, {"ifResourceExists": "SKIP", "groups": [group_tree(institutions)]})
        return
    if root is not None:
        children = admin.connection.raw_get(
            f"admin/realms/{realm}/groups/{root['id']}/children", briefRepresentation="true", max=institutions + 1
        ).json()
        if {c["name"] for c in children} != {code_of(i) for i in range(institutions)}:
            raise SystemExit(f"{realm}: /institutions holds another tree; use fresh realms (--realm-prefix)")
        return
    root_id = admin.create_group({"name": "institutions"})
    roles = {r["name"]: r for r in admin.get_realm_roles(brief_representation=True)}
    local = threading.local()

    def one_institution(i: int) -> None:
        if not hasattr(local, "admin"):
            local.admin = connect()
        a = local.admin
        inst = a.create_group({"name": code_of(i)}, parent=root_id)
        for cat in CATEGORIES:
            cat_id = a.create_group({"name": cat}, parent=inst)
            for name, wanted in (
                ("managers", [f"category:{cat}", "institution-manager"]),
                ("users", [f"category:{cat}"]),
            ):
                a.assign_group_realm_roles(a.create_group({"name": name}, parent=cat_id), [roles[r] for r in wanted])

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for f in as_completed([pool.submit(one_institution, i) for i in range(institutions)]):
            f.result()


def people(institutions: int, users_per_pair: int) -> list[dict]:
    out = []
    for i in range(institutions):
        code = code_of(i)
        for cat in CATEGORIES:
            base = f"/institutions/{code}/{cat}"
            out.append(_person(manager_name(code, cat), f"{base}/managers"))
            out.extend(_person(user_name(code, cat, n), f"{base}/users") for n in range(users_per_pair))
    return out


def _person(username: str, group: str) -> dict:
    return {
        "username": username,
        "enabled": True,
        "email": f"{username}@clinic.example.tw",
        "emailVerified": True,
        "firstName": "怡君",
        "lastName": "陳",
        "attributes": {"phone": ["(02)2559-1969"], "department": ["檢驗科"]},
        "requiredActions": [],
        "groups": [group],
    }


def set_password(admin: KeycloakAdmin, username: str) -> None:
    """Only the people who sign in get a password (set after the import). A password someone else
    sets is always temporary (decision 0031); the server's own administrator clears the change."""
    user_id = admin.get_user_id(username)
    assert user_id is not None
    admin.set_user_password(user_id, PASSWORD, temporary=False)
    admin.update_user(user_id, {"requiredActions": []})


def import_people(admin: KeycloakAdmin, realm: str, everyone: list[dict]) -> None:
    for start in range(0, len(everyone), IMPORT_BATCH):
        admin.partial_import_realm(realm, {"ifResourceExists": "SKIP", "users": everyone[start : start + IMPORT_BATCH]})


def provision_permissions(connect, institutions: int, workers: int, log) -> float:
    """The product's path for every pair: one ManagerPermissions shared by the run, as the
    sync service shares one per process (objects created straight away, shared ones checked
    once); one institution per task (its two categories share the institution's policy),
    `workers` tasks at a time."""
    local = threading.local()
    permissions = ManagerPermissions()

    def admin():
        if not hasattr(local, "admin"):
            local.admin = connect()
        return local.admin

    def one_institution(i: int) -> None:
        for cat in CATEGORIES:
            permissions.ensure(admin(), code_of(i), cat)

    t = time.monotonic()
    permissions.ensure(connect(), code_of(0), CATEGORIES[0])  # the shared root objects first
    done = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for f in as_completed([pool.submit(one_institution, i) for i in range(institutions)]):
            f.result()
            done += 1
            if done % 250 == 0:
                log(f"    permissions: {done}/{institutions} institutions, {time.monotonic() - t:.0f} s")
    return time.monotonic() - t


# -- the measurement -------------------------------------------------------------------
def token(url: str, realm: str, username: str, password: str, client: str = "admin-cli") -> str:
    r = requests.post(
        f"{url}/realms/{realm}/protocol/openid-connect/token",
        timeout=60,
        data={"grant_type": "password", "client_id": client, "username": username, "password": password},
    )
    r.raise_for_status()
    return r.json()["access_token"]


CALLS = {
    "list": lambda who: {"first": 0, "max": 11, "briefRepresentation": "true"},
    "search": lambda who: {"search": who["search"], "first": 0, "max": 11, "briefRepresentation": "true"},
}


def timed(session: requests.Session, url: str, params: dict) -> tuple[float, int]:
    t = time.perf_counter()
    r = session.get(url, params=params, timeout=120)
    elapsed = time.perf_counter() - t
    r.raise_for_status()
    return elapsed, len(r.json())


def measure(url: str, realms: dict[str, str], who: dict[str, dict], repeat: int) -> dict:
    """{(who, call, realm label): [seconds...]}, interleaved so both realms share the load."""
    sessions = {}
    for label in realms:
        for name, person in who.items():
            s = requests.Session()
            s.headers["Authorization"] = f"Bearer {person['token'][label]()}"
            sessions[(name, label)] = s
    samples: dict[tuple[str, ...], list[float]] = {}
    sizes: dict[tuple[str, ...], int] = {}
    for r in range(repeat + 2):  # two warm-up rounds, not kept
        for call, params in CALLS.items():
            for name, person in who.items():
                for label, realm in realms.items():
                    if r % 10 == 0:  # tokens live 5 minutes: renew as we go
                        sessions[(name, label)].headers["Authorization"] = f"Bearer {person['token'][label]()}"
                    elapsed, n = timed(sessions[(name, label)], f"{url}/admin/realms/{realm}/users", params(person))
                    if r >= 2:
                        samples.setdefault((name, call, label), []).append(elapsed)
                        sizes[(name, call, label)] = n
    return {"samples": samples, "sizes": sizes}


def report(result: dict, who, labels) -> str:
    """labels: (with permissions, without[, switched on with none]); ratios against `without`,
    and of `with` against `switched on with none` when there is such a realm."""
    samples, sizes = result["samples"], result["sizes"]
    a, b, *rest = labels
    head = f"| who | call | {a} median ms (rows) | {b} median ms (rows) | ratio |"
    if rest:
        head += f" {rest[0]} median ms (rows) | its ratio | {a} / {rest[0]} |"
    lines = [head, "|---|---|---|---|---|" + ("---|---|---|" if rest else "")]
    worst = 0.0
    for name in who:
        for call in CALLS:
            ma = statistics.median(samples[(name, call, a)]) * 1000
            mb = statistics.median(samples[(name, call, b)]) * 1000
            ratio = ma / mb if mb else float("inf")
            worst = max(worst, ratio)
            row = (
                f"| {name} | {call} | {ma:.1f} ({sizes[(name, call, a)]}) | "
                f"{mb:.1f} ({sizes[(name, call, b)]}) | {ratio:.2f}x |"
            )
            if rest:
                mc = statistics.median(samples[(name, call, rest[0])]) * 1000
                row += f" {mc:.1f} ({sizes[(name, call, rest[0])]}) | {mc / mb:.2f}x | {ma / mc:.2f}x |"
            lines.append(row)
    lines.append("")
    lines.append(f"worst ratio {worst:.2f}x (target <= 1.5x): {'met' if worst <= 1.5 else 'NOT met'}")
    return "\n".join(lines)


# -- running -----------------------------------------------------------------------------
def own_keycloak(log):
    from stack.credentials_file import WANTED, demo_password
    from stack.keycloak import KeycloakInstance, build_providers
    from stack.paths import PROVIDERS_MODULE
    from stack.realm import realm_env

    values = {k: demo_password() if n == 0 else secrets.token_urlsafe(n) for k, n in WANTED.items()}
    ports = {"smtp": free_port(), "screening-client": free_port(), "sync-service": free_port()}
    kc = KeycloakInstance(
        home=Path(tempfile.mkdtemp(prefix="kc-bench-mgr-")),
        http_port=free_port(),
        management_port=free_port(),
        admin_password=values["KC_BOOTSTRAP_ADMIN_PASSWORD"],
        env=realm_env(values, ports),
    )
    built = sorted((PROVIDERS_MODULE / "target" / "deploy").glob("*.jar")) or build_providers(log)
    kc.prepare(built)
    log(f"  starting Keycloak at {kc.url} (log {kc.log_file}) ...")
    kc.start()
    kc.wait_ready(progress=log)
    return kc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--institutions", type=int, default=5000)
    ap.add_argument("--users-per-pair", type=int, default=2)
    ap.add_argument("--workers", type=int, default=4, help="parallel permission provisioning")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--url", help="a running Keycloak (default: start one)")
    ap.add_argument("--admin-password", help="its master admin's password (with --url)")
    ap.add_argument("--admin-user", default="admin")
    ap.add_argument(
        "--realm-prefix", default="bench", help="realms {prefix}-fgap (with permissions) and {prefix}-plain (without)"
    )
    args = ap.parse_args(argv)
    log = lambda m: print(m, flush=True)  # noqa: E731

    kc = None
    if args.url:
        url, user, password = args.url.rstrip("/"), args.admin_user, args.admin_password
    else:
        kc = own_keycloak(log)
        url, user, password = kc.url, kc.admin_user, kc.admin_password
    try:

        def connect(realm):
            return KeycloakAdmin(
                server_url=url,
                username=user,
                password=password,
                realm_name=realm,
                user_realm_name="master",
                timeout=600,
            )

        n = args.institutions
        log(
            f"{n} institutions x {len(CATEGORIES)} categories = {n * len(CATEGORIES)} pairs, "
            f"{args.users_per_pair} users per pair"
        )
        fgap_realm, plain_realm = f"{args.realm_prefix}-fgap", f"{args.realm_prefix}-plain"
        empty_realm = f"{args.realm_prefix}-empty"
        ensure_realm(connect("master"), fgap_realm, True)
        ensure_realm(connect("master"), plain_realm, False)
        ensure_realm(connect("master"), empty_realm, True)
        everyone = people(n, args.users_per_pair)
        code, cat = code_of(n // 2), CATEGORIES[0]
        for realm in (fgap_realm, plain_realm, empty_realm):
            t = time.monotonic()
            import_groups(lambda realm=realm: connect(realm), realm, n)
            import_people(connect(realm), realm, everyone)
            set_password(connect(realm), manager_name(code, cat))
            log(f"  {realm}: groups and {len(everyone)} people in {time.monotonic() - t:.0f} s")
        seconds = provision_permissions(lambda: connect(fgap_realm), n, args.workers, log)
        log(
            f"  {fgap_realm}: permissions of {n * len(CATEGORIES)} pairs in {seconds:.0f} s "
            f"({seconds / (n * len(CATEGORIES)) * 1000:.0f} ms a pair, {args.workers} workers)"
        )

        labels = ("with permissions", "without", "switched on, none")
        realms = dict(zip(labels, (fgap_realm, plain_realm, empty_realm)))
        who = {
            "manager": {
                "search": user_name(code, cat, 0)[:8],
                "token": {
                    lb: (lambda r=r: token(url, r, manager_name(code, cat), PASSWORD)) for lb, r in realms.items()
                },
            },
            "realm admin": {
                "search": user_name(code, cat, 0)[:8],
                "token": {lb: (lambda: token(url, "master", user, password)) for lb in realms},
            },
        }
        log(f"  timing {args.repeat} rounds, interleaved ...")
        result = measure(url, realms, who, args.repeat)
        print()
        print(
            f"Keycloak 26.7.3, {n * len(CATEGORIES)} pairs, {len(everyone)} people per realm, "
            f"median of {args.repeat} interleaved calls (GET /admin/realms/{{realm}}/users, max=11)"
        )
        print(report(result, who, labels))
        return 0
    finally:
        if kc is not None:
            kc.stop()
            shutil.rmtree(kc.home, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
