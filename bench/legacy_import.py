"""Importing the old system's accounts (`import-legacy`, docs/legacy-import.md), measured in one
run against one Keycloak on PostgreSQL, four sets of N generated accounts (valid national IDs,
realistic names, over I institutions, the first account of each its CRC-COL manager):
(2b: the same partialImport signed in as the sync-service client, the identity the import uses)

  1. our import without passwords, first: it also makes every grant group and every manager's
     admin-console permissions (the groups then exist for the others);
  2. Keycloak's own partialImport of the same kind of accounts (same attributes, required
     actions, default role and grant group, no password), in requests of the same size, the
     baseline: what Keycloak itself needs to take the users in;
  3. our import without passwords again (groups there, as for 2): ratio to 2, target >= 0.9;
  4. our import with old PBKDF2-SHA256 hashes (one hash for everyone: Keycloak stores it, it does
     not compute it at import, so hashing 100,000 passwords here would only slow the bench):
     ratio to 3.

Our import runs in-process (the same `import_legacy` the command runs: parse and check every row,
seats, partialImport, row states and audit rows in the service's database, on the same PostgreSQL).

    .venv/bin/python bench/legacy_import.py [--count 100000] [--institutions 25000] [--per-request 50]

It starts its own PostgreSQL (stack/postgres.py) and Keycloak (`start-dev --db=postgres`).
Prints rates and ratios; copy them into docs/bench.md.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keycloak import KeycloakAdmin  # noqa: E402

import policies  # noqa: E402
from stack import legacy_export as export  # noqa: E402
from stack.paths import REALM_NAME  # noqa: E402
from stack.postgres import Postgres  # noqa: E402
from stack.samples import settings_for_tests  # noqa: E402
from sync_service.adapters.keycloak_groups import grant_group_path  # noqa: E402
from sync_service.bootstrap import bootstrap  # noqa: E402
from sync_service.domain import taiwan_date  # noqa: E402
from sync_service.domain.legacy import plan  # noqa: E402
from sync_service.services.accounts import REQUIRED_ACTIONS  # noqa: E402
from sync_service.services.legacy_import import import_legacy  # noqa: E402


def log(text: str) -> None:
    print(text, flush=True)


def own_keycloak(pg: Postgres):
    from stack import keycloak_indexes
    from stack.credentials_file import WANTED, demo_password
    from stack.keycloak import KeycloakInstance, build_providers
    from stack.network import free_port
    from stack.paths import PROVIDERS_MODULE
    from stack.realm import realm_env

    db = pg.new_database().rsplit("/", 1)[1]
    values = {k: demo_password() if n == 0 else secrets.token_urlsafe(n) for k, n in WANTED.items()}
    ports = {"smtp": free_port(), "screening-client": free_port(), "sync-service": free_port()}
    home = Path(tempfile.mkdtemp(prefix="kc-bench-legacy-"))
    kc = KeycloakInstance(
        home=home / "keycloak",
        vault_dir=home / "vault",
        http_port=free_port(),
        management_port=free_port(),
        admin_password=values["KC_BOOTSTRAP_ADMIN_PASSWORD"],
        env=realm_env(values, ports),
        extra_args=[
            "--db=postgres",
            f"--db-url=jdbc:postgresql://127.0.0.1:{pg.port}/{db}",
            "--db-username=postgres",
            "--db-password=unused",
        ],
    )
    built = sorted((PROVIDERS_MODULE / "target" / "deploy").glob("*.jar")) or build_providers(log)
    kc.prepare(built)
    log(f"  starting Keycloak on PostgreSQL at {kc.url} (log {kc.log_file}) ...")
    kc.start()
    kc.wait_ready(progress=log)
    keycloak_indexes.ensure(lambda sql: pg.psql(sql, database=db))  # as production (decisions 0100, 0143)
    return kc, values


class TimedDirectory:
    """The Directory, with the seconds spent in its partialImport requests added up."""

    def __init__(self, directory) -> None:
        self.directory, self.seconds = directory, 0.0

    def create_accounts(self, accounts):
        started = time.perf_counter()
        try:
            return self.directory.create_accounts(accounts)
        finally:
            self.seconds += time.perf_counter() - started

    def __getattr__(self, name):
        return getattr(self.directory, name)


def ours(wiring, rows: list[dict], per_request: int) -> float:
    checked = plan(list(enumerate(rows, start=2)), policies.load().categories, policies.legacy_import())
    assert not checked.refusals, checked.refusals[:3]
    now = lambda: datetime.now(UTC)  # noqa: E731
    directory = TimedDirectory(wiring.directory_factory())
    started = time.perf_counter()
    summary = import_legacy(
        checked,
        secrets.token_hex(32),
        wiring.uow,
        directory,
        today=taiwan_date(now()),
        clock=now,
        per_request=per_request,
    )
    elapsed = time.perf_counter() - started
    assert summary.imported == len(rows), str(summary)
    log(f"     ({directory.seconds / elapsed:.0%} of it in Keycloak's partialImport requests)")
    return len(rows) / elapsed


def keycloaks_own(admin: KeycloakAdmin, rows: list[dict], per_request: int) -> float:
    """partialImport of the same accounts, built straight from the rows (no checks, no database)."""

    def user(r: dict) -> dict:
        family, given = r["name"][:1], r["name"][1:]
        return {
            "username": r["account"],
            "email": r["email"],
            "enabled": True,
            "emailVerified": True,
            "firstName": given,
            "lastName": family,
            "attributes": {"phone": [r["phone"]], "nationalId": [r["national_id"]]},
            "credentials": [],
            "requiredActions": list(REQUIRED_ACTIONS),
            "realmRoles": [f"default-roles-{REALM_NAME}"],
            "groups": [grant_group_path(r["institution_code"], r["category"], r["level"])],
        }

    started = time.perf_counter()
    for i in range(0, len(rows), per_request):
        answer = admin.partial_import_realm(
            REALM_NAME, {"ifResourceExists": "SKIP", "users": [user(r) for r in rows[i : i + per_request]]}
        )
        assert answer.get("added") == len(rows[i : i + per_request]), answer.get("added")
    return len(rows) / (time.perf_counter() - started)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--institutions", type=int, default=25_000)
    ap.add_argument("--per-request", type=int, default=50)
    args = ap.parse_args(argv)
    if args.count < 2 * args.institutions:
        ap.error("--count must be at least twice --institutions (the users of each institution's groups)")
    pg = Postgres.throwaway().start()
    kc = None
    try:
        kc, values = own_keycloak(pg)
        work = Path(tempfile.mkdtemp(prefix="bench-legacy-"))
        from stack.keycloak import national_id_key_file

        settings = settings_for_tests(
            pg.new_database(),
            work,
            keycloak_url=kc.url,
            realm=REALM_NAME,
            national_id_key_file=national_id_key_file(kc.vault_dir),
            client_secret=values["SYNC_SERVICE_CLIENT_SECRET"],
            keycloak_timeout_seconds=300,
        )
        wiring = bootstrap(settings)
        admin = KeycloakAdmin(
            server_url=kc.url + "/",
            username="admin",
            password=kc.admin_password,
            realm_name=REALM_NAME,
            user_realm_name="master",
            timeout=300,
        )
        sets = {}
        seed = secrets.randbelow(10**6)
        # The same institutions (same seed for the codes) for every set; other accounts and people.
        for name, prefix in (("first", "la"), ("kc", "lb"), ("kc-service", "le"), ("ours", "lc"), ("hash", "ld")):
            sets[name] = export.generated(
                args.count,
                args.institutions,
                seed=seed,
                prefix=prefix,
                password_hash=export.pbkdf2_hash("Old-system-pass1") if name == "hash" else "",
            )
            # generated() derives the people from the seed: give each set its own.
            for i, r in enumerate(sets[name]):
                r["national_id"] = export.national_id(export.random.Random(f"{prefix}{i}"))
            if name != "first":  # the managers' seats belong to the first set; the others are users,
                # of a users group the first set made (the same institution's next row's category)
                rows = sets[name]
                for i in range(args.institutions):
                    rows[i]["level"], rows[i]["category"] = "user", rows[i + args.institutions]["category"]
        log(f"{args.count:,} accounts x 4 sets, {args.institutions:,} institutions, {args.per_request} per request")
        rates = {}
        rates["first"] = ours(wiring, sets["first"], args.per_request)
        log(f"  1. ours, first (makes groups and manager permissions): {rates['first']:,.1f} accounts/s")
        rates["kc"] = keycloaks_own(admin, sets["kc"], args.per_request)
        log(f"  2. Keycloak's own partialImport:                        {rates['kc']:,.1f} accounts/s")
        # The same, signed in as the import is (the sync-service client's service account, whose
        # every group membership Keycloak checks against the fine-grained permissions).
        service = KeycloakAdmin(
            server_url=kc.url + "/",
            realm_name=REALM_NAME,
            user_realm_name=REALM_NAME,
            client_id=settings.client_id,
            client_secret_key=settings.client_secret,
            timeout=300,
        )
        rates["kc-service"] = keycloaks_own(service, sets["kc-service"], args.per_request)
        log(f"  2b. the same as the sync-service client:                {rates['kc-service']:,.1f} accounts/s")
        rates["ours"] = ours(wiring, sets["ours"], args.per_request)
        log(f"  3. ours, groups there:                                  {rates['ours']:,.1f} accounts/s")
        rates["hash"] = ours(wiring, sets["hash"], args.per_request)
        log(f"  4. ours, with PBKDF2 hashes:                            {rates['hash']:,.1f} accounts/s")
        log(f"ours / Keycloak's own: {rates['ours'] / rates['kc']:.2f}x (target >= 0.9)")
        log(f"ours / Keycloak's own as the same client: {rates['ours'] / rates['kc-service']:.2f}x")
        log(f"with hashes / without: {rates['hash'] / rates['ours']:.2f}x")
        log(f"100,000 accounts at the first rate: {100_000 / rates['first'] / 60:.0f} min")
        wiring.engine.dispose()
    finally:
        if kc is not None:
            kc.stop()
        pg.discard()
    return 0


if __name__ == "__main__":
    sys.exit(main())
