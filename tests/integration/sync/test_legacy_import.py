"""Moving in from the old system: `python -m sync_service import-legacy FILE` as a real
subprocess, against the run's Keycloak, its mail sink and a SQLite database of the test
(docs/legacy-import.md, docs/decisions/0105)."""

from __future__ import annotations

import csv
import random
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from sqlalchemy import func, select

import policies
from stack import legacy_export as export
from stack.mailsink import body_text
from sync_service.adapters.keycloak_groups import grant_group_path
from sync_service.adapters.keycloak_permissions import check_manager_permissions
from sync_service.adapters.tables import audit_log, legacy_import_rows, manager_seats
from sync_service.legacy_import_command import file_digest
from tests.conftest import unique
from tests.pages.keycloak import mailed_link
from tests.support.personal_data import remember
from tests.support.sync import cli_env
from tests.support.waiting import wait_until

from .conftest import claims_of

ROOT = Path(__file__).resolve().parents[3]
OLD_PASSWORD = "Old-system-pass1"  # what people typed in the old system (its rules were weaker)


def import_command(settings, file: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sync_service", "import-legacy", str(file), *extra]


def run_cli(settings, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "sync_service", *args],
        cwd=ROOT,
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def remembered(rows: list[dict]) -> list[dict]:
    """The log check of the run looks for every national ID and phone the tests hand over."""
    for r in rows:
        remember({"nationalId": r["national_id"], "phone": r["phone"]})
    return rows


def report_of(file: Path) -> dict[int, dict]:
    with open(file.with_name(file.name + ".report.csv"), encoding="utf-8-sig") as f:
        return {int(r["row"]): r for r in csv.DictReader(f)}


def imported_audit_rows(wiring) -> list[str]:
    with wiring.engine.connect() as conn:
        return list(conn.execute(select(audit_log.c.payload).where(audit_log.c.action == "account.imported")).scalars())


def test_an_export_of_good_and_bad_rows_is_imported_once_and_every_refusal_reported(
    wiring, settings, admin, make_user, direct_login, tmp_path
):
    """Good rows become accounts with their grants, manager seats and manager permissions, each
    audited as imported with the file's digest; every bad row is in the report with its reason in
    zh-Hant and English; each institution's group carries its name from the file; a second run
    changes nothing; an imported hash signs in.

    Covers: R-FORM-4, R-MGR-1, R-AUD-1
    """
    rng = random.Random()
    a, b, c = (f"{rng.randrange(10**10):010d}" for _ in range(3))
    tag = unique("x")[-6:]
    name = lambda n: f"{n}{tag}"  # noqa: E731
    taken = make_user()  # someone already in the realm under a name the file also uses
    sha512 = export.pbkdf2_hash(OLD_PASSWORD, algorithm="pbkdf2-sha512", iterations=210000)
    rows = [
        export.row(name("mgr1"), a, rng=rng, level="manager", password_hash=export.pbkdf2_hash(OLD_PASSWORD)),  # 2
        export.row(name("usr1"), a, rng=rng),  # 3
        None,  # 4
        export.row(name("usr2"), b, rng=rng, password_hash=sha512),  # 5
        export.row(name("bad1"), a, rng=rng),  # 6 checksum
        None,  # 7 dup account
        export.row(name("two1"), c, rng=rng, level="manager"),  # 8
        export.row(name("two2"), c, rng=rng, level="manager"),  # 9
        export.row(f"ADM{tag}9", a, rng=rng),  # 10
        export.row(name("cat1"), a, rng=rng, category="XYZ-COL"),  # 11
        export.row(name("lvl1"), a, rng=rng, level="boss"),  # 12
        export.row(name("mail1"), a, rng=rng, email="not-an-address"),  # 13
        export.row(name("tel1"), a, rng=rng, phone="12345"),  # 14
        export.row(name("weak1"), b, rng=rng, password_hash=export.pbkdf2_hash(OLD_PASSWORD, iterations=1000)),  # 15
        export.row(taken["username"], b, rng=rng),  # 16
    ]
    rows[2] = {**rows[1], "category": "CER-COL"}  # usr1's second grant: same person, other category
    rows[5] = {**rows[1], "national_id": export.national_id(rng), "category": "GAS-COL"}  # usr1 for someone else
    rows[4]["national_id"] = export.bad_checksum(rows[4]["national_id"])
    remembered(rows)
    file = export.write(tmp_path / "export.csv", rows)

    dry = run_cli(settings, "import-legacy", str(file), "--dry-run")
    assert "DRY RUN" in dry.stdout
    assert admin.get_user_id(name("mgr1")) is None
    with wiring.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(legacy_import_rows)).scalar_one() == 0

    first = run_cli(settings, "import-legacy", str(file))
    report = report_of(file)
    refused = {n: r["code"] for n, r in report.items() if r["outcome"].startswith("refused")}
    assert refused == {
        6: "national_id.checksum",
        7: "account.duplicate",
        8: "manager_seat.two_managers",
        9: "manager_seat.two_managers",
        10: "account.adm_account",
        11: "category.unknown",
        12: "level.unknown",
        13: "email.format",
        14: "phone.invalid",
        16: "account.taken",
    }, report
    assert report[15]["code"] == "password_hash.weak" and report[15]["outcome"].startswith("imported")
    assert all(r["原因"] and r["reason"] for r in report.values())

    # Accounts, grants, seat and the manager's permissions, in Keycloak and in the database.
    mgr1 = admin.get_user(admin.get_user_id(name("mgr1")))
    assert {g["path"] for g in admin.get_user_groups(mgr1["id"])} == {grant_group_path(a, "CRC-COL", "manager")}
    usr1 = admin.get_user_id(name("usr1"))
    assert {g["path"] for g in admin.get_user_groups(usr1)} == {
        grant_group_path(a, "CRC-COL", "user"),
        grant_group_path(a, "CER-COL", "user"),
    }
    # The pair's manager permissions exist (made with its first manager grant): the matrix on
    # imported data is tests/integration/sync/test_imported_managers.py.
    assert check_manager_permissions(admin, a, "CRC-COL") == []
    assert "nationalId" not in (mgr1.get("attributes") or {})  # kept as digests (decision 0030)
    # Each institution's group carries the export's name: the console shows it beside the code (0150).
    for code in (a, b):
        [name_in_file] = {r["institution_name"] for r in rows if r["institution_code"] == code}
        assert admin.get_group_by_path(f"/institutions/{code}")["description"] == name_in_file
    with wiring.engine.connect() as conn:
        seats = {(s.institution_code, s.category): s.manager for s in conn.execute(select(manager_seats))}
    assert seats == {(a, "CRC-COL"): name("mgr1")}
    # Audited as imported, once per account, with the file's digest.
    digest = file_digest(file)
    audited = imported_audit_rows(wiring)
    assert len(audited) == 4 and all(digest in p for p in audited)  # mgr1, usr1, usr2, weak1
    assert "15 rows: 5 imported, 10 refused, 0 already done earlier; 4 accounts, 2 to be mailed" in first.stdout

    second = run_cli(settings, "import-legacy", str(file))
    assert "0 imported, 0 refused, 15 already done" in second.stdout
    assert len(imported_audit_rows(wiring)) == 4
    assert admin.users_count({"search": f"*{tag}*"}) == 4
    run_cli(settings, "audit", "verify")

    # The old system's PBKDF2-SHA256 and -SHA512 hashes sign in as they are.
    assert direct_login(name("mgr1"), OLD_PASSWORD)["preferred_username"] == name("mgr1")
    assert direct_login(name("usr2"), OLD_PASSWORD)["preferred_username"] == name("usr2")


def test_accounts_without_a_usable_hash_are_mailed_a_link_in_batches(wiring, settings, admin, mail, tmp_path):
    """Accounts imported without a usable hash have no password and get Keycloak's
    set-a-password mail, at most a batch per run of the job; each only once. The mail's link lasts
    the hour of every change-password link (policies/security.toml [reset]: the token's exp - iat),
    and the mail tells people to use 「忘記密碼？」 once the hour has passed.

    Covers: R-LCK-4
    """
    rng = random.Random()
    tag = unique("m")[-6:]
    code = f"{rng.randrange(10**10):010d}"
    rows = remembered([export.row(f"nopw{i}{tag}", code, rng=rng) for i in range(3)])
    file = export.write(tmp_path / "export.csv", rows)
    run_cli(settings, "import-legacy", str(file))
    user_id = admin.get_user_id(rows[0]["account"])
    assert [c for c in admin.get_credentials(user_id) if c["type"] == "password"] == []

    from sync_service.services.clock import utcnow
    from sync_service.services.legacy_import import LegacyImportMail

    job = LegacyImportMail.from_policies(wiring.uow, wiring.directory_factory)
    job.batch = 2
    assert job.run(utcnow()).startswith("sent 2, failed 0, waiting 1")
    run_cli(settings, "jobs", "run", "legacy-import-mail")
    hour = policies.load().reset_link_lifetime_seconds
    for r in rows:
        message = mail.wait_for(r["email"])[0]
        link = claims_of(parse_qs(urlparse(mailed_link(message)).query)["key"][0])
        assert link["exp"] - link["iat"] == hour, link
        told = body_text(message)
        assert "1 小時" in told and "「忘記密碼？」" in told and "帳號管理者重新寄送" in told, told
    assert job.run(utcnow()).startswith("sent 0, failed 0, waiting 0")
    assert all(len(mail.messages(r["email"])) == 1 for r in rows)


def test_an_import_killed_half_way_resumes_and_makes_each_account_once(wiring, settings, admin, tmp_path):
    """A SIGKILL in the middle of an import loses nothing and doubles nothing: the run again
    makes the rest, each account once, audited once, with its manager seat.

    Covers: R-AUD-1, R-MGR-1
    """
    tag = unique("k")[-5:]
    rows = remembered(export.generated(120, 30, seed=random.randrange(10**6), prefix=f"k{tag}"))
    file = export.write(tmp_path / "export.csv", rows)
    digest = file_digest(file)

    def imported() -> int:
        with wiring.engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(legacy_import_rows).where(legacy_import_rows.c.file_sha256 == digest)
            ).scalar_one()

    process = subprocess.Popen(
        import_command(settings, file, "--per-request", "3"),
        cwd=ROOT,
        env=cli_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: imported() >= 6, timeout=300, what="the first chunks recorded")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    assert 6 <= imported() < len(rows), "killed half-way"

    run_cli(settings, "import-legacy", str(file), "--per-request", "20")
    assert imported() == len(rows)
    assert admin.users_count({"search": f"k{tag}"}) == len(rows)
    assert len(imported_audit_rows(wiring)) == len(rows)
    with wiring.engine.connect() as conn:
        seats = conn.execute(select(func.count()).select_from(manager_seats)).scalar_one()
    assert seats == 30
    done = run_cli(settings, "import-legacy", str(file))
    assert f"0 imported, 0 refused, {len(rows)} already done" in done.stdout
