"""`python -m sync_service [COMMAND]`

  serve [--host H] [--port N]   the JSON API (development server); the default
  worker [--once]               apply approved changes to Keycloak (--once: what is due now, then exit)
  audit verify [--checkpoints FILE ...] [--without-keycloak]
                                check the whole audit chain: links, signatures, its end against the
                                head file, the checkpoints stored and mailed (saved mails), and
                                Keycloak's anchors; exit 1 at the first break
  audit export --institution CODE --from DATE --to DATE [--csv FILE] [--bundle FILE]
                                one institution's account and permission changes: CSV and/or signed bundle
  audit verify-bundle FILE [--public-key KEY]
                                check an exported bundle offline (needs nothing but the file); exit 1 naming the entry
  db upgrade                    run the Alembic migrations to the newest revision
  reconcile                     make Keycloak's managers groups and permissions match the decisions
                                (progress with rate and time left on stderr)
  login                         a token for the JSON API by the device grant (sign in in a browser); printed on stdout
  jobs list | jobs run NAME      the worker's periodic jobs; run one now (what is due now, and any missed run)
  import-legacy FILE [--dry-run] [--report PATH] [--per-request N]
                                move accounts and grants in from the old system's CSV export
                                (docs/legacy-import.md); resumable, idempotent; set-a-password
                                mails then go out by the job legacy-import-mail
  keys rotate data|audit        add a new current personal-data or audit signing key to its key file;
                                the old keys stay to decrypt and verify what they made (restart after)

`python -m sync_service --port N` (no command) still serves, as `make up` does.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        argv.insert(0, "serve")
    parser = argparse.ArgumentParser(prog="python -m sync_service")
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve")
    serving.add_argument("--host", default="127.0.0.1")
    serving.add_argument("--port", type=int, default=5000)
    worker = commands.add_parser("worker")
    worker.add_argument("--once", action="store_true")
    audit = commands.add_parser("audit")
    audit.add_argument("action", choices=["verify", "export", "verify-bundle"])
    audit.add_argument("file", nargs="?")
    audit.add_argument("--public-key")
    audit.add_argument("--institution")
    audit.add_argument("--from", dest="date_from")
    audit.add_argument("--to", dest="date_to")
    audit.add_argument("--csv")
    audit.add_argument("--bundle")
    audit.add_argument("--checkpoints", action="append", default=[], metavar="FILE")
    audit.add_argument("--without-keycloak", action="store_true")
    commands.add_parser("reconcile")
    commands.add_parser("login")
    jobs = commands.add_parser("jobs")
    jobs.add_argument("action", choices=["list", "run"])
    jobs.add_argument("name", nargs="?")
    keys = commands.add_parser("keys")
    keys.add_argument("action", choices=["rotate"])
    keys.add_argument("which", choices=["data", "audit"])
    legacy = commands.add_parser("import-legacy")
    legacy.add_argument("file")
    legacy.add_argument("--dry-run", action="store_true")
    legacy.add_argument("--report")
    legacy.add_argument("--per-request", type=int)
    db = commands.add_parser("db")
    db.add_argument("action", choices=["upgrade"])
    args = parser.parse_args(argv)
    if args.command == "audit" and args.action == "verify-bundle":  # offline: no settings, no database
        from .adapters.audit_bundle_verify import main as verify_bundle

        return verify_bundle([args.file or ""] + (["--public-key", args.public_key] if args.public_key else []))
    from .settings import Settings, SettingsMissing

    try:
        # Before anything is imported or logged: a missing setting is the one line this prints.
        settings = Settings().require(_process(args))
    except SettingsMissing as missing:
        print(missing, file=sys.stderr)
        return 78  # EX_CONFIG: the process was not started
    if args.command == "login":  # a terminal tool: no service logging, nothing but the token on stdout
        from .adapters.device_login import main as login

        return login(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run(args, settings)


# What each command cannot start without (settings.PROCESSES).
NEEDS = {
    "serve": "web",
    "worker": "worker",
    "jobs": "worker",
    "reconcile": "keycloak commands",
    "import-legacy": "keycloak commands",
    "audit": "records",
    "keys": "keys",
    "db": "migrations",
    "login": "login",
}


def _process(args) -> str:
    if args.command == "audit" and args.action == "verify" and not args.without_keycloak:
        return "records and Keycloak's anchors"
    return NEEDS[args.command]


def run(args, settings) -> int:
    from .bootstrap import bootstrap

    if args.command == "serve":
        from .bootstrap import web_app
        from .web.serving import serve

        serve(web_app(settings), args.host, args.port)
        return 0
    if args.command == "db":  # the schema alone: no keys needed
        from .adapters import migrations
        from .adapters.database import make_engine

        engine = make_engine(settings.database_url)
        migrations.upgrade(engine)
        print(f"database at revision {migrations.current(engine)}")
        return 0
    if args.command == "keys":
        return rotate_key(settings, args.which)
    wiring = bootstrap(settings)
    if args.command == "audit" and args.action == "export":
        return export_audit(wiring, args)
    if args.command == "audit":
        return verify_audit(wiring, args)
    if args.command == "import-legacy":
        from .legacy_import_command import run as import_legacy

        return import_legacy(wiring, args.file, dry_run=args.dry_run, report=args.report, per_request=args.per_request)
    if args.command == "jobs":
        schedule = wiring.schedule()
        if args.action == "list":
            for job in schedule.jobs:
                print(f"{job.name}\tevery {job.every}")
            return 0
        try:
            print(schedule.run_one(args.name or ""))
        except KeyError:
            print(f"no job named {args.name!r} / 沒有此排程工作；see `jobs list`", file=sys.stderr)
            return 2
        return 0
    if args.command == "reconcile":
        return run_reconcile(wiring)
    w = wiring.worker()
    try:
        if args.once:
            outcome = w.run_until_idle()
            print(f"done {outcome.done}, retried {outcome.retried}, failed {outcome.failed}")
            return 0
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        w.run_forever(stop, poll_seconds=wiring.settings.worker_poll_seconds)
        return 0
    finally:
        w.close()


def verify_audit(wiring, args) -> int:
    """The chain's links and signatures, its end against the head file, the checkpoints stored and
    mailed (--checkpoints), and Keycloak's anchors (decision 0136)."""
    from datetime import UTC, datetime

    import policies

    from .adapters.audit_chain import Anchor, Head
    from .adapters.audit_checkpoints import checkpoints_in_file
    from .services.ports import DirectoryUnavailable

    anchors: list[Anchor] = []
    with wiring.uow() as uow:
        stored = uow.audit_checkpoints.made_since(datetime.min.replace(tzinfo=UTC))
    for c in stored:
        at = c.at.astimezone(UTC).isoformat(timespec="seconds")
        anchors.append(Anchor.of_checkpoint(c.seq, c.hash, at, c.signature, f"the stored checkpoint of {at}"))
    mailed = 0
    for path in args.checkpoints:
        found = checkpoints_in_file(path)
        if not found:
            print(f"no checkpoint in {path} / 檔案中沒有查核點", file=sys.stderr)
            return 2
        mailed += len(found)
        for c in found:
            where = f"the checkpoint of {c['at']} in {path}"
            anchors.append(Anchor.of_checkpoint(c["seq"], c["hash"], c["at"], c["signature"], where))
    in_keycloak = 0
    if not args.without_keycloak and wiring.audit_anchors_factory is not None:
        try:
            newest = wiring.audit_anchors_factory().newest(
                policies.audit().anchors_checked, list(wiring.chain.public_keys)
            )
        except DirectoryUnavailable as e:
            print(
                f"Keycloak's anchors of the chain could not be read ({e}); run again, or pass "
                "--without-keycloak to check without them / 無法讀取 Keycloak 中的錨點",
                file=sys.stderr,
            )
            return 1
        in_keycloak = len(newest)
        for a in newest:
            where = f"Keycloak's anchor of {a.at.isoformat(timespec='seconds') if a.at else '?'}"
            anchors.append(Anchor(a.seq, a.hash, where, Head(a.seq, a.hash).signed_text(), a.signature))
    with wiring.engine.connect() as conn:
        report = wiring.chain.verify(conn, anchors=anchors)
    if wiring.telemetry is not None:  # seen on the management port when run with the host's folder
        from .services.clock import utcnow

        wiring.telemetry.chain_verified(report.ok, report.rows, utcnow())
    checked = (
        f"against the head file, {len(stored)} stored and {mailed} mailed checkpoints, "
        f"{in_keycloak} anchors in Keycloak / 已比對簽署之結尾、查核點 {len(stored)}+{mailed} 個、Keycloak 錨點 {in_keycloak} 個"
    )
    if report.ok:
        print(f"audit chain intact: {report.rows} rows / 稽核紀錄完整：{report.rows} 筆 ({checked})")
        return 0
    print(
        f"audit chain BROKEN at row {report.broken.seq}: {report.broken.reason} / "
        f"稽核紀錄於第 {report.broken.seq} 筆斷裂 ({checked})",
        file=sys.stderr,
    )
    return 1


def export_audit(wiring, args) -> int:
    from .domain.errors import FormInvalid
    from .services.audit_export import export_request

    try:
        request = export_request(args.institution or "", args.date_from or "", args.date_to or "")
    except FormInvalid as e:
        for err in e.errors:
            print(f"--{err.field}: {err.zh} / {err.en}", file=sys.stderr)
        return 2
    if not (args.csv or args.bundle):
        print("give --csv FILE and/or --bundle FILE / 請指定 --csv 或 --bundle 輸出檔", file=sys.stderr)
        return 2
    export = wiring.audit_export()
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as f:
            f.write(export.csv(request))
        print(f"CSV written to {args.csv} / 已寫出 CSV")
    if args.bundle:
        with open(args.bundle, "wb") as f:
            f.write(export.bundle(request))
        print(
            f"bundle written to {args.bundle} / 已寫出簽章匯出檔。Check it with "
            f"`python -m sync_service audit verify-bundle {args.bundle}`"
        )
    return 0


def run_reconcile(wiring, out=None, err=None) -> int:
    """`reconcile`: the repairs on stdout, a progress line (counts, rate, time left) on stderr."""
    from .adapters.progress import ProgressLine
    from .services.reconcile import reconcile

    out = out or sys.stdout
    repairs = reconcile(wiring.uow, wiring.directory_factory(), progress=ProgressLine("對帳 reconcile", err))
    for repair in repairs:
        print(repair, file=out)
    print(f"{len(repairs)} repairs / 修復 {len(repairs)} 項", file=out)
    return 0


def rotate_key(settings, which: str) -> int:
    from .adapters.keys import rotate_key_file

    env_value, path = (
        (settings.data_key, settings.data_key_file)
        if which == "data"
        else (settings.audit_key, settings.audit_key_file)
    )
    if env_value:
        print(
            "the key comes from the environment: add the new key to the end of its list in the secret store / "
            "金鑰由環境變數提供，請於祕密管理處新增",
            file=sys.stderr,
        )
        return 1
    new = rotate_key_file(path)
    if which == "data":
        from .adapters.crypto import data_key_id

        key_id = data_key_id(new).hex()
    else:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from .adapters.audit_chain import signing_key_id

        key_id = signing_key_id(Ed25519PrivateKey.from_private_bytes(new).public_key())
    print(
        f"new {which} key {key_id} in {path}; restart the web processes and workers / "
        f"已新增金鑰 {key_id}，請重新啟動服務與工作程序"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
