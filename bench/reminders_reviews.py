"""Password reminders and access reviews over N accounts (issue 12): the two jobs'
work against reading the same accounts once from Keycloak, in the same run.

    .venv/bin/python bench/reminders_reviews.py                     # 100,000 accounts
    .venv/bin/python bench/reminders_reviews.py --accounts 10000    # a quicker look

Baseline: every account read once through the admin API (`GET /admin/realms/{realm}/users`,
pages of 1000, brief). Measured, in the same run:
  decide  - what is due: one pass over our bulk read (`/screening-accounts`: password
            createdDate and grant groups), the reminders due and the reviews to open;
  jobs    - both jobs' first run as the worker runs them: the same read (shared), every
            reminder claimed in the database and handed to a mailer (a counter here, not SMTP),
            every review opened with its users and the opening mail, audited.
The accounts are imported without passwords; each gets a password credential with its own
createdDate through partial import (pre-hashed: nothing to hash), spread over the last 60 days,
so about 7/60 are due a reminder. Groups: /institutions/{code}/{CAT}/managers|users, one
manager and --users-per-pair users per pair. Starts its own Keycloak (temporary folder).
Prints a table for docs/bench.md (target: jobs <= 1.5x the baseline).
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keycloak import KeycloakAdmin  # noqa: E402

from bench.manager_permissions import CATEGORIES, code_of, ensure_realm, import_groups, own_keycloak  # noqa: E402

IMPORT_BATCH = 1000
# One made-up PBKDF2 hash: the bench never signs in, it only needs a stored password credential.
SECRET = json.dumps(
    {
        "value": base64.b64encode(b"x" * 64).decode(),
        "salt": base64.b64encode(b"s" * 16).decode(),
        "additionalParameters": {},
    }
)
CREDENTIAL_DATA = json.dumps({"hashIterations": 27500, "algorithm": "pbkdf2-sha256", "additionalParameters": {}})


def people(institutions: int, users_per_pair: int, now: datetime) -> list[dict]:
    out, n = [], 0
    for i in range(institutions):
        code = code_of(i)
        for cat in CATEGORIES:
            base = f"/institutions/{code}/{cat}"
            names = [(f"m{code}{cat[:3].lower()}", f"{base}/managers")]
            names += [(f"u{code}{cat[:3].lower()}{k}", f"{base}/users") for k in range(users_per_pair)]
            for username, group in names:
                set_at = now - timedelta(days=(n * 7919) % 60, hours=n % 24)
                n += 1
                out.append(
                    {
                        "username": username,
                        "enabled": True,
                        "email": f"{username}@clinic.example.tw",
                        "emailVerified": True,
                        "requiredActions": [],
                        "groups": [group],
                        "credentials": [
                            {
                                "type": "password",
                                "createdDate": int(set_at.timestamp() * 1000),
                                "secretData": SECRET,
                                "credentialData": CREDENTIAL_DATA,
                            }
                        ],
                    }
                )
    return out


def read_all_users(admin: KeycloakAdmin, realm: str) -> int:
    seen, first = 0, 0
    while True:
        page = admin.connection.raw_get(
            f"admin/realms/{realm}/users", first=first, max=1000, briefRepresentation="true"
        ).json()
        seen += len(page)
        if len(page) < 1000:
            return seen
        first += len(page)


class CountingMailer:
    def __init__(self) -> None:
        self.sent = 0

    def send(self, mail) -> None:
        self.sent += 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--users-per-pair", type=int, default=24)
    ap.add_argument("--rounds", type=int, default=3, help="baseline and decide, interleaved")
    ap.add_argument("--realm", default="bench-reminders")
    ap.add_argument("--url", help="a running Keycloak (default: start one)")
    ap.add_argument("--skip-import", action="store_true", help="the realm is already there (a rerun with --url)")
    ap.add_argument("--admin-password-file", help="its master admin's password, in a file (with --url)")
    ap.add_argument("--keep", action="store_true", help="leave the bench's own Keycloak running (to rerun with --url)")
    args = ap.parse_args(argv)
    log = lambda m: print(m, flush=True)  # noqa: E731
    per_pair = args.users_per_pair + 1
    institutions = max(1, args.accounts // (per_pair * len(CATEGORIES)))
    now = datetime.now(UTC)
    work = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    if args.url:
        kc = None
        url, admin_user, admin_password = (
            args.url.rstrip("/"),
            "admin",
            Path(args.admin_password_file).read_text().strip(),
        )
    else:
        kc = own_keycloak(log)
        url, admin_user, admin_password = kc.url, kc.admin_user, kc.admin_password
        secret = work / "admin-password"
        secret.touch(mode=0o600)
        secret.write_text(admin_password)
        log(f"  Keycloak {url}; its admin password in {secret}")
    try:

        def connect(realm=args.realm):
            return KeycloakAdmin(
                server_url=url,
                username=admin_user,
                password=admin_password,
                realm_name=realm,
                user_realm_name="master",
                timeout=900,
            )

        if not args.skip_import:
            import_everyone(connect, args, institutions, now, log)
        run(connect, url, args, institutions, now, work, log)
        return 0
    finally:
        if kc is not None and not args.keep:
            kc.stop()
            shutil.rmtree(kc.home, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)


def import_everyone(connect, args, institutions: int, now: datetime, log) -> None:
    ensure_realm(connect("master"), args.realm, False)
    t = time.monotonic()
    import_groups(connect, args.realm, institutions)
    log(f"  groups of {institutions} institutions in {time.monotonic() - t:.0f} s")
    everyone = people(institutions, args.users_per_pair, now)
    t = time.monotonic()
    admin = connect()
    for start in range(0, len(everyone), IMPORT_BATCH):
        admin.partial_import_realm(
            args.realm, {"ifResourceExists": "SKIP", "users": everyone[start : start + IMPORT_BATCH]}
        )
        if start // IMPORT_BATCH % 10 == 0:
            log(f"  imported {start + IMPORT_BATCH} of {len(everyone)} ({time.monotonic() - t:.0f} s)")
    log(f"  {len(everyone)} people in {time.monotonic() - t:.0f} s")


def run(connect, url: str, args, institutions: int, now: datetime, work: Path, log) -> None:

    import policies
    from stack.samples import settings_for_tests
    from sync_service.adapters.keycloak_directory import KeycloakDirectory
    from sync_service.bootstrap import bootstrap
    from sync_service.domain.reminders import review_round
    from sync_service.services.reminders import (
        AccessReviews,
        AccountRead,
        PasswordReminders,
        due_reminders,
        reviews_to_open,
    )

    def directory():
        return KeycloakDirectory(url, args.realm, "admin-cli", "", timeout=900, admin=connect())

    rules, pw = policies.reminders(), policies.load().password

    def decide() -> tuple[int, int]:
        accounts = list(directory().accounts())
        due = due_reminders(accounts, set(), now, pw.change_every_days, rules.password_days_before)
        rnd = review_round(now, rules.review_every_months, rules.review_answer_days, rules.review_reminder_days_before)
        return len(due), len(reviews_to_open(accounts, rnd, now))

    baseline, decided = [], []
    for r in range(args.rounds):
        t = time.monotonic()
        n = read_all_users(connect(), args.realm)
        baseline.append(time.monotonic() - t)
        t = time.monotonic()
        due, reviews = decide()
        decided.append(time.monotonic() - t)
        log(
            f"  round {r + 1}: read {n} in {baseline[-1]:.1f} s; decide ({due} reminders, "
            f"{reviews} reviews) in {decided[-1]:.1f} s"
        )

    mailer = CountingMailer()
    wiring = bootstrap(
        settings_for_tests(f"sqlite:///{work / 'sync.db'}", work), directory_factory=directory, mailer=mailer
    )
    read = AccountRead(directory)
    jobs: list[PasswordReminders | AccessReviews] = [
        PasswordReminders(wiring.uow, read, mailer, "http://keycloak/realms/x/account/"),
        AccessReviews(wiring.uow, read, directory, mailer, "http://sync/access-reviews"),
    ]
    t = time.monotonic()
    summaries = [job.run(now) for job in jobs]
    ran = time.monotonic() - t
    t = time.monotonic()
    n = read_all_users(connect(), args.realm)
    baseline.append(time.monotonic() - t)
    base = statistics.median(baseline)
    print()
    print(
        f"Keycloak 26.7.3 (dev, H2), {n} accounts, {institutions * len(CATEGORIES)} pairs, "
        f"{args.rounds} interleaved rounds + the jobs' run, medians"
    )
    print("| what | seconds | × reading once |")
    print("|---|---|---|")
    print(f"| read every account once (`/users`, brief, pages of 1000) | {base:.1f} | 1.00× |")
    print(
        f"| decide: bulk read + reminders due + reviews to open | {statistics.median(decided):.1f} | "
        f"{statistics.median(decided) / base:.2f}× |"
    )
    print(
        f"| round 1 alone (coldest caches): read / decide | {baseline[0]:.1f} / {decided[0]:.1f} | "
        f"{decided[0] / baseline[0]:.2f}× |"
    )
    print(
        f"| both jobs' first run (claims, {mailer.sent} mails handed over, reviews stored, audited) | "
        f"{ran:.1f} | {ran / base:.2f}× |"
    )
    print()
    print("; ".join(summaries))
    wiring.engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
