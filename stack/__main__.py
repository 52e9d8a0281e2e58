"""`python -m stack COMMAND`: the developer stack.

up      bring Keycloak, the mail sink, the sync service and the stand-in
        screening system up (idempotent), then print where to go
up --profile prod   the production-shaped stack instead (stack/prod.py): PostgreSQL,
        two Keycloak nodes behind nginx with TLS, gunicorn, two workers
down    stop them all (both profiles)
realm   rewrite the realm pieces derived from policies/ (--check: only list drift)
mail    list the messages in the mail sink
mailsink --folder F --port P --web-port W   (run by `up`)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import processes, realm
from .paths import PORT_OFFSET, REALM_NAME, SECRETS_FILE, VAR

PORTS = {
    name: port + PORT_OFFSET
    for name, port in {
        "keycloak": 8080,
        "management": 9000,
        "smtp": 2525,
        "mail-web": 8025,
        "sync-service": 5000,
        "screening-client": 5080,
    }.items()
}


def _keycloak(secrets: dict):
    from .keycloak import KeycloakInstance

    return KeycloakInstance(
        home=VAR / "keycloak",
        http_port=PORTS["keycloak"],
        management_port=PORTS["management"],
        admin_password=secrets["KC_BOOTSTRAP_ADMIN_PASSWORD"],
        env=realm.realm_env(secrets, PORTS),
        vault_dir=VAR / "vault",
    )


def up() -> int:
    from . import demo, keycloak
    from .credentials_file import ensure_key_file, load_or_create, write_env_file

    t0 = time.monotonic()
    secrets = load_or_create()
    print("1/5 郵件匣 mail sink")
    processes.start(
        "mailsink",
        [
            "-m",
            "stack",
            "mailsink",
            "--folder",
            str(VAR / "mail"),
            "--port",
            str(PORTS["smtp"]),
            "--web-port",
            str(PORTS["mail-web"]),
        ],
        {},
    )
    print("2/5 Keycloak: distribution and providers")
    kc = _keycloak(secrets)
    if kc.running_pid() and kc.is_ready():
        print("  Keycloak already runs; left as it is (`make down` first to restart it)")
        kc_seconds = 0.0
    else:
        kc.prepare(keycloak.build_providers())
        print("3/5 Keycloak: starting in dev mode (first start takes about a minute)")
        kc.start()
        kc_seconds = kc.wait_ready(progress=print)
        print(f"  ready in {kc_seconds:.0f} s")
    print("4/5 demo institution and user")
    demo_user = demo.ensure_demo_data(kc, secrets)
    print("5/5 sync service and the stand-in screening system")
    issuer = f"{kc.url}/realms/{REALM_NAME}"
    sync_env = {
        "KEYCLOAK_URL": kc.url,
        "SYNC_SERVICE_CLIENT_SECRET": secrets["SYNC_SERVICE_CLIENT_SECRET"],
        "SYNC_DATABASE_URL": f"sqlite:///{VAR / 'sync-service.db'}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(PORTS["smtp"]),
        "SYNC_DATA_KEY_FILE": str(ensure_key_file(VAR / "sync-data.key")),
        "SYNC_AUDIT_SIGNING_KEY_FILE": str(ensure_key_file(VAR / "audit-signing.key")),
        "SYNC_AUDIT_HEAD_FILE": str(VAR / "audit-head.json"),
        "SYNC_NATIONAL_ID_DIGEST_KEY_FILE": str(keycloak.ensure_national_id_key(VAR / "vault")),
        "FLASK_SECRET_KEY": secrets["FLASK_SECRET_KEY"],
        # The pages sign people in as the realm's client reviewer-pages.
        "REVIEWER_CLIENT_SECRET": secrets["REVIEWER_CLIENT_SECRET"],
        "SYNC_PUBLIC_URL": f"http://127.0.0.1:{PORTS['sync-service']}",
        "SCREENING_SYSTEM_URL": f"http://127.0.0.1:{PORTS['screening-client']}/",
    }
    write_env_file(VAR / "sync-service.env", sync_env)  # for `python -m sync_service ...` by hand (README)
    processes.start("sync-service", ["-m", "sync_service", "serve", "--port", str(PORTS["sync-service"])], sync_env)
    # The worker applies approved decisions to Keycloak (the outbox); it retries while Keycloak is away.
    processes.start("sync-worker", ["-m", "sync_service", "worker"], sync_env)
    processes.start(
        "screening-client",
        ["-m", "examples.screening_client", "--port", str(PORTS["screening-client"])],
        {
            "OIDC_ISSUER": issuer,
            "SCREENING_CLIENT_SECRET": secrets["SCREENING_CLIENT_SECRET"],
            "FLASK_SECRET_KEY": secrets["FLASK_SECRET_KEY"],
        },
    )
    for port, path in ((PORTS["sync-service"], "/health"), (PORTS["screening-client"], "/"), (PORTS["mail-web"], "/")):
        processes.wait_http(f"http://127.0.0.1:{port}{path}")
    total = time.monotonic() - t0
    print(f"""
系統已啟動 / The stack is up ({total:.0f} s).

  示範篩檢系統 Screening system (stand-in)  http://127.0.0.1:{PORTS["screening-client"]}/
      登入 sign in as  {demo_user["username"]}  /  {demo_user["password"]}
      （首次登入須更換此密碼、接受條款並確認個人資料 / first sign-in: replace this password, accept the terms, confirm your profile）
      HPA reviewer 審核人員 (role hpa-reviewer): {demo_user["reviewer"]}  /  {demo_user["password"]}
      維護廠商 vendor (role maintenance-vendor): {demo_user["vendor"]}  /  {demo_user["password"]}
  Keycloak 管理主控台 admin console          {kc.url}/admin/master/console/#/{REALM_NAME}
      admin  /  KC_BOOTSTRAP_ADMIN_PASSWORD in {SECRETS_FILE}
  Realm account page                         {kc.url}/realms/{REALM_NAME}/account
  測試郵件匣 Mail sink                        http://127.0.0.1:{PORTS["mail-web"]}/  (files: {VAR / "mail"})
  申請與審核頁面 Applications and review     http://127.0.0.1:{PORTS["sync-service"]}/
  同步服務 Sync service (JSON API)            http://127.0.0.1:{PORTS["sync-service"]}/openapi.json
  Logs: {processes.LOGS} and {kc.log_file}.  Stop everything: make down
""")
    return 0


def down() -> int:
    from . import prod
    from .keycloak import KeycloakInstance

    prod.down()
    for name in ("screening-client", "sync-worker", "sync-service", "mailsink"):
        print(f"{name}: {'stopped' if processes.stop(name) else 'not running'}")
    kc = KeycloakInstance(home=VAR / "keycloak")
    was = kc.running_pid()
    kc.stop()
    print(f"keycloak: {'stopped' if was else 'not running'}")
    return 0


def run_mailsink(folder: str, port: int, web_port: int) -> int:
    import signal
    import threading

    from .mailsink import MailSink, serve_listing

    sink = MailSink(Path(folder), port)
    sink.start()
    web = serve_listing(Path(folder), web_port)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(f"mail sink: SMTP 127.0.0.1:{port}, page http://127.0.0.1:{web_port}/, folder {folder}", flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    web.shutdown()
    sink.stop()
    return 0


def list_mail() -> int:
    from .mailsink import MailSink

    sink = MailSink(VAR / "mail")
    for path, m in zip(sink.files(), sink.messages()):
        print(f"{m['Date']}  {m['To']}  {m['Subject']}\n    {path}")
    if not sink.files():
        print(f"(no mail yet in {sink.folder})")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack")
    sub = parser.add_subparsers(dest="command", required=True)
    u = sub.add_parser("up")
    u.add_argument("--profile", choices=["dev", "prod"], default="dev")
    sub.add_parser("down")
    r = sub.add_parser("realm")
    r.add_argument("--check", action="store_true")
    sub.add_parser("mail")
    m = sub.add_parser("mailsink")
    m.add_argument("--folder", required=True)
    m.add_argument("--port", type=int, required=True)
    m.add_argument("--web-port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "up":
        if args.profile == "prod":
            from . import prod

            return prod.up()
        return up()
    if args.command == "down":
        return down()
    if args.command == "mail":
        return list_mail()
    if args.command == "mailsink":
        return run_mailsink(args.folder, args.port, args.web_port)
    if args.check:
        import json

        import policies

        lines = realm.drift(json.loads(realm.REALM_FILE.read_text()), policies.load())
        print("\n".join(lines) or "realm-export.json agrees with policies/")
        return 1 if lines else 0
    changes = realm.regenerate()
    print("\n".join(changes) or "nothing to change")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
