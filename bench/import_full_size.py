"""Moving everyone in at full size (issue 20 item 7), on the production shape: `import-legacy` of
--count generated accounts over --institutions institutions, as the operator runs it (the
command, from the runtime lock's venv, with the stack's settings):

  1. the first run is killed (SIGKILL, as a machine that dies) when --kill-at of the rows are
     done, then run again: it resumes where it stopped;
  2. a second run of the same file with nothing changed: it finds everything done;
  3. nothing lost: every row imported once, every account in Keycloak once, with its grant;
  4. --sample people sign in through the login form with their old password (PBKDF2, as the old
     system kept it): Keycloak accepts it and asks for the first sign-in's steps.

Wall time, rate and peak memory (the command's VmHWM) of each run are printed; the cut-over
window the agency must plan follows from the first import's time.

    .venv/bin/python bench/import_full_size.py                                   # 100,000 over 25,000
    .venv/bin/python bench/import_full_size.py --count 200 --institutions 50 --sample 5   # the smoke

It starts its own production-shaped stack in a temporary folder (--running: `make up PROFILE=prod`).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stack import legacy_export as export  # noqa: E402
from stack import runtime_venv  # noqa: E402
from stack.demo import admin_client  # noqa: E402
from stack.keycloak import sign_in_form_action  # noqa: E402
from stack.paths import REALM_NAME  # noqa: E402
from stack.prod import NODES, ProdStack, temporary_stack  # noqa: E402

OLD_PASSWORD = "Old-system-pass1"  # what people typed in the old system
REDIRECT = "https://bench.invalid/callback"


def imported_rows(stack: ProdStack, digest: str) -> int:
    return int(
        stack.pg.psql(f"SELECT count(*) FROM legacy_import_rows WHERE file_sha256 = '{digest}'", database="sync")
    )


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_import(stack: ProdStack, file: Path, digest: str, kill_at_rows: int | None = None) -> dict:
    """The command once; killed when `kill_at_rows` rows are recorded. Wall time, rows done, peak MB."""
    env = {**os.environ, **stack.sync_env(), "SYNC_AUTO_MIGRATE": "0", "KEYCLOAK_TIMEOUT": "60"}
    before = imported_rows(stack, digest)
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [stack.python, "-m", "sync_service", "import-legacy", str(file)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak, killed = 0.0, False
    stderr_tail: list[str] = []
    while proc.poll() is None:
        try:
            peak = max(peak, peak_memory_mb(proc.pid))
        except FileNotFoundError:
            break
        if kill_at_rows is not None and imported_rows(stack, digest) >= kill_at_rows:
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(1)  # sampling the command's progress and memory once a second
    _, err = proc.communicate()
    stderr_tail = (err or "").splitlines()[-3:]
    elapsed = time.monotonic() - t0
    done = imported_rows(stack, digest)
    if not killed and proc.returncode != 0:
        raise RuntimeError(f"import-legacy failed ({proc.returncode}): {stderr_tail}")
    return {"seconds": elapsed, "rows": done - before, "peak_mb": peak, "killed": killed, "status": proc.returncode}


def sign_ins(stack: ProdStack, usernames: list[str]) -> int:
    """How many of these people the login form lets past their (old) password."""
    admin = admin_client(stack)
    client_id, secret = f"bench-import-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin.create_client(
        {
            "clientId": client_id,
            "secret": secret,
            "publicClient": False,
            "standardFlowEnabled": True,
            "redirectUris": [REDIRECT],
        }
    )
    auth = f"{stack.url}/realms/{REALM_NAME}/protocol/openid-connect/auth"
    ca = str(stack.ca_file)
    accepted = 0
    try:
        for username in usernames:
            with requests.Session() as s:
                page = s.get(
                    auth,
                    params={
                        "client_id": client_id,
                        "redirect_uri": REDIRECT,
                        "response_type": "code",
                        "scope": "openid",
                    },
                    timeout=60,
                    verify=ca,  # per request: REQUESTS_CA_BUNDLE in the environment would win over a session's
                )
                action = sign_in_form_action(page.text)
                answer = s.post(
                    action,
                    data={"username": username, "password": OLD_PASSWORD},
                    allow_redirects=False,
                    timeout=60,
                    verify=ca,
                )
                # Past the password: the first sign-in's steps (terms, new password, profile), not the form again.
                accepted += answer.status_code in (200, 302) and 'id="kc-form-login"' not in answer.text
    finally:
        admin.delete_client(admin.get_client_id(client_id) or "")
    return accepted


def run(stack: ProdStack, args) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    print(f"generating {args.count:,} accounts over {args.institutions:,} institutions ...", flush=True)
    rows = export.generated(args.count, args.institutions, password_hash=export.pbkdf2_hash(OLD_PASSWORD), prefix="fs")
    file = export.write(folder / "export.csv", rows)
    from sync_service.legacy_import_command import file_digest

    digest = file_digest(file)
    print("1. first import, killed at", f"{args.kill_at:.0%} of the rows ...", flush=True)
    first = run_import(stack, file, digest, kill_at_rows=int(args.kill_at * args.count))
    print(f"   killed after {first['seconds']:.0f} s, {first['rows']:,} rows done, peak {first['peak_mb']:.0f} MB")
    resumed = run_import(stack, file, digest)
    print(f"   resumed: {resumed['seconds']:.0f} s, {resumed['rows']:,} more rows, peak {resumed['peak_mb']:.0f} MB")
    print("2. the same file again, nothing changed ...", flush=True)
    again = run_import(stack, file, digest)
    print(f"   {again['seconds']:.0f} s, {again['rows']:,} rows newly recorded, peak {again['peak_mb']:.0f} MB")
    print("3. nothing lost ...", flush=True)
    states = stack.pg.psql(
        f"SELECT status, count(*) FROM legacy_import_rows WHERE file_sha256 = '{digest}' GROUP BY status",
        database="sync",
    ).split()
    accounts = int(
        stack.pg.psql(
            "SELECT count(*) FROM user_entity u JOIN realm r ON r.id = u.realm_id "
            f"WHERE r.name = '{REALM_NAME}' AND u.username LIKE 'fs%'",
            database="keycloak",
        )
    )
    members = int(
        stack.pg.psql(
            "SELECT count(*) FROM user_group_membership m JOIN user_entity u ON u.id = m.user_id "
            f"JOIN realm r ON r.id = u.realm_id WHERE r.name = '{REALM_NAME}' AND u.username LIKE 'fs%'",
            database="keycloak",
        )
    )
    print(f"   row states {states}; accounts in Keycloak {accounts:,}; group memberships {members:,}")
    sample = [rows[i]["account"] for i in range(0, args.count, max(1, args.count // args.sample))][: args.sample]
    print(f"4. {len(sample)} imported people sign in with their old password ...", flush=True)
    t0 = time.monotonic()
    accepted = sign_ins(stack, sample)
    print(f"   {accepted} of {len(sample)} accepted ({time.monotonic() - t0:.0f} s)")
    imported = first["rows"] + resumed["rows"]
    wall = first["seconds"] + resumed["seconds"]
    print("\n| run | wall time | rows | rows/s | peak memory |\n|---|---|---|---|---|")
    print(
        f"| first, killed at {args.kill_at:.0%} | {first['seconds']:.0f} s | {first['rows']:,} | "
        f"{first['rows'] / first['seconds']:.1f} | {first['peak_mb']:.0f} MB |"
    )
    print(
        f"| resumed | {resumed['seconds']:.0f} s | {resumed['rows']:,} | "
        f"{resumed['rows'] / resumed['seconds']:.1f} | {resumed['peak_mb']:.0f} MB |"
    )
    print(
        f"| second run, nothing changed | {again['seconds']:.0f} s | {again['rows']:,} | - | {again['peak_mb']:.0f} MB |"
    )
    print(
        f"\nimported {imported:,} of {args.count:,} rows in {wall:.0f} s ({imported / wall:.1f} rows/s); "
        f"Keycloak holds {accounts:,} accounts, {members:,} memberships; sign-ins {accepted}/{len(sample)}; "
        f"cut-over window at this rate: {args.count / (imported / wall) / 3600:.1f} h for {args.count:,} accounts"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--institutions", type=int, default=25_000)
    ap.add_argument("--kill-at", type=float, default=0.3)
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--running", action="store_true", help="use `make up PROFILE=prod` instead of an own stack")
    args = ap.parse_args()
    if args.running:
        stack = ProdStack(log=lambda *_: None)
        if not all(stack.node_ready(n) for n in NODES):
            print("start the production-shaped stack first: make up PROFILE=prod", file=sys.stderr)
            return 1
        stack.python = str(runtime_venv.python())
        run(stack, args)
        return 0
    with temporary_stack(log=print) as stack:
        run(stack, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
