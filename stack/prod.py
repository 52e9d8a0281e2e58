"""The production-shaped stack (`make up PROFILE=prod`), on one machine with loopback ports.

- Debian's PostgreSQL: one cluster, a database and a role for Keycloak and for the sync service,
  passwords from the stack's ignored secrets file.
- Keycloak in production mode from the same Maven distribution: `kc.sh build` once (PostgreSQL,
  health, metrics, our providers and theme), then two nodes `start --optimized`, each its own copy
  and ports, one cluster (Infinispan over JGroups, discovery through the shared database: jdbc-ping).
- TLS from a local CA (stack/tls.py) on the nodes and on nginx; nginx balances the two nodes and
  takes a node out after a failed request (passive health check).
- The sync service under gunicorn (two web processes) and two outbox workers; the intake's rate
  limit is kept in redis, so both web processes count together.

Everything lives in one folder (`var/prod/` for `make up`; a temporary one for the tests).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from . import keycloak_indexes, monitoring, runtime_venv, tls
from .credentials_file import WANTED, ensure_key_file, load_or_create, write_env_file
from .keycloak import FEATURES, KeycloakError, build_providers, ensure_distribution, ensure_national_id_key
from .keycloak import VERSION as KEYCLOAK_VERSION
from .paths import REALM_FILE, REALM_NAME, ROOT, THEMES, VAR
from .postgres import Postgres
from .processes import Supervisor
from .realm import realm_env
from .waiting import TimedOut, wait_http, wait_until

HOME = VAR / "prod"

BUILD_CACHE = VAR / "keycloak-optimized"  # the optimized server (kc.sh build), see build_keycloak()
# Fixed ports of `make up PROFILE=prod`; beside the dev stack's, so both can run.
PORTS = {
    "nginx": 8443,
    "nginx-sync": 8444,  # the sync service's pages and API through nginx (TLS)
    "kc1": 8543,
    "kc1-management": 9001,
    "kc1-cluster": 7810,
    "kc2": 8643,
    "kc2-management": 9002,
    "kc2-cluster": 7820,
    "postgres": 5433,
    "redis": 6380,
    "sync-service": 5100,
    "smtp": 2526,
    "mail-web": 8026,
    "screening-client": 5081,
    "sync-metrics": 9101,  # the sync service's management port (/metrics)
    "prometheus": 9095,
    "blackbox": 9116,
}
SECRETS = {**WANTED, "KEYCLOAK_DB_PASSWORD": 24, "SYNC_DB_PASSWORD": 24, "REDIS_PASSWORD": 24}
# Keycloak's build-time options: fixed into the optimized server by `kc.sh build`.
BUILD_OPTIONS = [
    "--db=postgres",
    "--health-enabled=true",
    "--metrics-enabled=true",
    # Sign-ins, failures and the reset step's refusals (its `throttled` error) counted by Keycloak
    # itself: keycloak_user_events_total{event, error} on the management port.
    "--event-metrics-user-enabled=true",
    "--cache=ispn",
    "--vault=file",
    *FEATURES,
]
NODES = ("kc1", "kc2")

# The largest request body nginx passes to the sync service or Keycloak: well above the largest
# the service takes (a scan), so a phone's photo of 10 or 20 MB is refused by the service on the
# application's own page; a body beyond this gets too_large_page() from nginx.
PROXY_BODY_LIMIT_MB = 32

# Infinispan's log line for each cluster view a node receives: ISPN000094 for a join or a leave,
# ISPN000093 after two clusters merged. "[coordinator|view id] (member count) [members]"; a merged
# view lists its subgroups after its own members, so the count is read, not the last list.
CLUSTER_VIEW = re.compile(r"ISPN00009[34]: .*?\|\d+\] \((\d+)\)")


def cluster_size(log: str) -> int:
    """The member count of the last cluster view in a Keycloak node's log (1 before any)."""
    views = CLUSTER_VIEW.findall(log)
    return int(views[-1]) if views else 1


def too_large_page() -> str:
    """nginx's answer to a body over PROXY_BODY_LIMIT_MB, in the service's words (zh-Hant first,
    English beside it), one line without quotes for nginx's `return`."""
    from sync_service.services.scans import MAX_SCAN_BYTES

    mb = MAX_SCAN_BYTES // 1024 // 1024
    return (
        '<!doctype html><html lang="zh-Hant"><meta charset="utf-8"><title>檔案過大 File too large</title>'
        f"<h1>檔案過大 <span lang=en>File too large</span></h1>"
        f"<p>掃描檔最大 {mb} MB：請縮小後，按瀏覽器的「上一頁」回到申請書重新上傳。</p>"
        f"<p lang=en>A scan may be at most {mb} MB: make it smaller, then use your browser's Back button "
        "to return to the application and upload it again.</p></html>"
    ).replace("'", "&#39;")


class StackError(RuntimeError):
    pass


@dataclass
class ProdStack:
    home: Path = HOME
    ports: dict[str, int] = field(default_factory=lambda: dict(PORTS))
    pg_folder: Path | None = None  # default home/postgres; the tests give one the postgres user can reach
    durable: bool = True
    keycloak_args: list[str] = field(default_factory=list)  # more runtime options for both nodes
    sync_overrides: dict[str, str] = field(default_factory=dict)  # e.g. a short lease for the tests
    heap: str = "-Xms256m -Xmx1g"
    log: Callable[[str], None] = print
    # More jars for both nodes' build (the test run adds its captcha-answer seam; `make up` never does).
    extra_providers: list[Path] = field(default_factory=list)
    # The Keycloak release the nodes run (the upgrade rehearsal starts on an older one).
    keycloak_version: str = KEYCLOAK_VERSION

    def __post_init__(self) -> None:
        self.build_dir: Path | None = None  # the optimized server, set by build_keycloak()
        # The sync service's interpreter: the runtime lock's venv alone (stack/runtime_venv.py), set by up().
        self.python = sys.executable
        # Where each node's log began at its last start: cluster views before it are a former run's.
        self.log_start: dict[str, int] = {}
        self.sup = Supervisor(self.home)
        self.secrets = load_or_create(self.home / "secrets.env", SECRETS)
        self.pg = Postgres(self.pg_folder or self.home / "postgres", self.ports["postgres"], self.durable)

    # ---- addresses --------------------------------------------------------

    @property
    def url(self) -> str:
        """Keycloak as everyone sees it: through nginx."""
        return f"https://127.0.0.1:{self.ports['nginx']}"

    @property
    def sync_url(self) -> str:
        """The sync service's pages and API as everyone reaches them: through nginx, TLS."""
        return f"https://127.0.0.1:{self.ports['nginx-sync']}"

    @property
    def sync_direct_url(self) -> str:
        """gunicorn itself, on loopback behind nginx (the stack's own readiness checks)."""
        return f"http://127.0.0.1:{self.ports['sync-service']}"

    @property
    def screening_client_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['screening-client']}"

    @property
    def tls(self) -> tls.TlsFiles:
        return tls.ensure_certificates(self.home / "tls")

    @property
    def ca_file(self) -> Path:
        return self.tls.ca

    admin_user = "admin"

    @property
    def admin_password(self) -> str:
        return self.secrets["KC_BOOTSTRAP_ADMIN_PASSWORD"]

    def database_url(self, name: str) -> str:
        password = self.secrets["KEYCLOAK_DB_PASSWORD" if name == "keycloak" else "SYNC_DB_PASSWORD"]
        return f"postgresql+psycopg://{name}:{password}@127.0.0.1:{self.ports['postgres']}/{name}"

    def node_health(self, node: str) -> str:
        return f"https://127.0.0.1:{self.ports[node + '-management']}/health/ready"

    def node_ready(self, node: str) -> bool:
        try:
            return requests.get(self.node_health(node), verify=str(self.ca_file), timeout=10).status_code == 200
        except requests.RequestException:
            return False

    # ---- up ----------------------------------------------------------------

    def up(self) -> float:
        t0 = time.monotonic()
        self.home.mkdir(parents=True, exist_ok=True)
        _ = self.tls  # made on first use
        self.log("1/7 PostgreSQL (Debian): one cluster, databases keycloak and sync")
        self.pg.start()
        self.pg.ensure_database("keycloak", self.secrets["KEYCLOAK_DB_PASSWORD"])
        self.pg.ensure_database("sync", self.secrets["SYNC_DB_PASSWORD"])
        self.log("2/7 redis (shared rate limit) and the mail sink")
        self._start_redis()
        self.sup.start(
            "mailsink",
            [
                sys.executable,
                "-m",
                "stack",
                "mailsink",
                "--folder",
                str(self.home / "mail"),
                "--port",
                str(self.ports["smtp"]),
                "--web-port",
                str(self.ports["mail-web"]),
            ],
            {},
        )
        self.log("3/7 Keycloak: optimized build (PostgreSQL, health, metrics, our providers)")
        self.build_keycloak()
        self.log("4/7 Keycloak: two nodes, one cluster; nginx in front")
        self._start_nginx()
        for node in NODES:
            self.start_node(node)
            self.wait_node(node)
        self.wait_cluster()
        self._wait_nginx()
        # After Keycloak made or migrated its schema: our indexes on its tables (decisions 0100, 0143).
        keycloak_indexes.ensure(lambda sql: self.pg.psql(sql, database="keycloak"))
        self.log("5/7 demo institution and user")
        from .demo import ensure_demo_data

        self.demo = ensure_demo_data(self, self.secrets)
        self.log("6/7 sync service (gunicorn, two processes), two outbox workers, the stand-in screening system")
        self.python = str(runtime_venv.python(log=self.log))
        self.start_sync()
        self.log("7/7 Prometheus (both nodes, the sync service, the certificates) and its alert rules")
        self.start_monitoring()
        return time.monotonic() - t0

    def _start_redis(self) -> None:
        folder = self.home / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        conf = folder / "redis.conf"
        # Rate-limit counters only: nothing to persist, nothing to lose but a window of counts.
        conf.write_text(
            f"bind 127.0.0.1\nport {self.ports['redis']}\nprotected-mode yes\n"
            f'requirepass {self.secrets["REDIS_PASSWORD"]}\nsave ""\nappendonly no\n'
            f"dir {folder}\nmaxmemory 64mb\nmaxmemory-policy volatile-ttl\n"
        )
        conf.chmod(0o600)
        self.sup.start("redis", ["redis-server", str(conf)], {})

    @property
    def redis_url(self) -> str:
        return f"redis://:{self.secrets['REDIS_PASSWORD']}@127.0.0.1:{self.ports['redis']}/0"

    # ---- Keycloak ---------------------------------------------------------

    def build_keycloak(self, version: str | None = None) -> Path:
        """`kc.sh build` once per Keycloak version, set of providers, theme and build options. The
        optimized server is kept in var/keycloak-optimized/ with that set's fingerprint and shared
        by the stacks of this checkout (make up, the tests): a build takes a minute or more; each
        node then gets a hard-linked copy of its own. Another `version` (the upgrade rehearsal's)
        is built beside it and returned; the stack's own version becomes `build_dir`."""
        version = version or self.keycloak_version
        jars = build_providers(log=self.log) + list(self.extra_providers)
        stamp = hashlib.sha256("\n".join([version, *BUILD_OPTIONS]).encode())
        for path in [*jars, *sorted(p for p in THEMES.rglob("*") if p.is_file())]:
            stamp.update(path.name.encode())
            stamp.update(path.read_bytes())
        # The test run's build (with its seam) is kept apart, so `make up` and the tests do not
        # rebuild each other's server in turn.
        build_dir = BUILD_CACHE.with_name(
            BUILD_CACHE.name
            + (f"-{version}" if version != KEYCLOAK_VERSION else "")
            + ("-with-test-seams" if self.extra_providers else "")
        )
        done = build_dir / "build.done"
        if not done.exists() or done.read_text() != stamp.hexdigest():
            staging = build_dir.with_name(f"{build_dir.name}.{os.getpid()}")
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(ensure_distribution(self.log, version), staging, symlinks=True)
            for jar in jars:
                shutil.copy2(jar, staging / "providers" / jar.name)
            for theme in THEMES.iterdir():
                shutil.copytree(theme, staging / "themes" / theme.name)
            result = subprocess.run(
                [str(staging / "bin" / "kc.sh"), "build", *BUILD_OPTIONS], cwd=staging, capture_output=True, text=True
            )
            if result.returncode != 0:
                raise KeycloakError(f"kc.sh build failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
            (staging / "build.done").write_text(stamp.hexdigest())
            # Swap by renames: the nodes' hard-linked copies keep their files whatever happens here.
            old = build_dir.with_name(f"{build_dir.name}.old.{os.getpid()}")
            if build_dir.exists():
                build_dir.rename(old)
            staging.rename(build_dir)
            shutil.rmtree(old, ignore_errors=True)
        if version != self.keycloak_version:
            return build_dir
        self.build_dir = build_dir
        for node in NODES:
            built_from = self.node_dir(node) / "build.done"
            if (
                self.node_dir(node).exists()
                and not self.sup.pid(node)
                and (not built_from.exists() or built_from.read_text() != stamp.hexdigest())
            ):
                shutil.rmtree(self.node_dir(node))  # made from an older build
            elif self.sup.pid(node) and built_from.exists() and built_from.read_text() != stamp.hexdigest():
                self.log(f"  providers or theme changed, but {node} runs: `make down` first to rebuild")
        return build_dir

    def replace_node(self, node: str, build_dir: Path) -> float:
        """A node stopped (gracefully: it leaves the cluster), its copy replaced by one of
        `build_dir` (another Keycloak version), started again and ready; seconds it took."""
        t0 = time.monotonic()
        self.sup.stop(node)
        shutil.rmtree(self.node_dir(node), ignore_errors=True)
        self.build_dir = build_dir
        self.start_node(node)
        self.wait_node(node)
        return time.monotonic() - t0

    @property
    def vault_dir(self) -> Path:
        return self.home / "vault"

    def node_dir(self, node: str) -> Path:
        return self.home / f"keycloak-{node}"

    def node_env(self) -> dict[str, str]:
        """A node's environment: the realm file's placeholders, the database password, the first admin."""
        return {
            **realm_env(self.secrets, self.ports, sync_url=self.sync_url),
            "KC_DB_PASSWORD": self.secrets["KEYCLOAK_DB_PASSWORD"],
            "KC_BOOTSTRAP_ADMIN_USERNAME": self.admin_user,
            "KC_BOOTSTRAP_ADMIN_PASSWORD": self.admin_password,
            "JAVA_OPTS_KC_HEAP": self.heap,
        }

    def node_options(self, node: str) -> list[str]:
        """A node's runtime options (`kc.sh start --optimized ...`; the upgrade's compatibility
        commands take the same)."""
        t = self.tls
        return [
            f"--vault-dir={self.vault_dir}",
            f"--db-url=jdbc:postgresql://127.0.0.1:{self.ports['postgres']}/keycloak",
            "--db-username=keycloak",
            "--http-enabled=false",
            "--http-host=127.0.0.1",
            f"--https-port={self.ports[node]}",
            f"--https-certificate-file={t.cert}",
            f"--https-certificate-key-file={t.key}",
            # Keycloak calls the sync service too (back-channel logout, decision 0130) through
            # nginx's TLS: it trusts the stack's CA as every other process of the stack does.
            f"--truststore-paths={self.ca_file}",
            f"--http-management-port={self.ports[node + '-management']}",
            f"--hostname={self.url}",
            "--proxy-headers=xforwarded",
            "--cache-embedded-network-bind-address=127.0.0.1",
            f"--cache-embedded-network-bind-port={self.ports[node + '-cluster']}",
            *self.keycloak_args,
        ]

    def start_node(self, node: str) -> None:
        if self.sup.pid(node):
            return
        home = self.node_dir(node)
        if not (home / "bin" / "kc.sh").exists():
            if self.build_dir is None:
                raise StackError("build_keycloak() first: the nodes are copies of the optimized server")
            shutil.copytree(self.build_dir, home, symlinks=True, copy_function=os.link)
        imports = home / "data" / "import"
        imports.mkdir(parents=True, exist_ok=True)
        # Unlink first: never write through a hard link into the shared build.
        (imports / "realm-export.json").unlink(missing_ok=True)
        shutil.copy2(REALM_FILE, imports / "realm-export.json")
        ensure_national_id_key(self.vault_dir)  # Keycloak's vault secret, shared with the sync service
        cmd = [
            str(home / "bin" / "kc.sh"),
            "start",
            "--optimized",
            *self.node_options(node),
            # The first node imports the realm; Keycloak skips a realm the database already has.
            *(["--import-realm"] if node == NODES[0] else []),
        ]
        env = self.node_env()
        log = self.sup.logs / f"{node}.log"
        self.log_start[node] = log.stat().st_size if log.exists() else 0
        self.sup.start(node, cmd, env, cwd=home)

    def wait_node(self, node: str, timeout: float = 900) -> float:
        t0 = time.monotonic()

        def ready():
            if not self.sup.pid(node):
                raise StackError(f"Keycloak {node} exited:\n{self.sup.log_tail(node)}")
            return self.node_ready(node)

        try:
            wait_until(ready, timeout, f"Keycloak {node}", interval=1)
        except (StackError, TimedOut) as e:
            raise StackError(f"{e}\n{self.sup.log_tail(node)}") from None
        return time.monotonic() - t0

    def cluster_members(self, node: str) -> int:
        """How many nodes the last cluster view in this node's log names since its last start
        (0 for a node that is not running, 1 before its first view)."""
        if not self.sup.pid(node):
            return 0
        with open(self.sup.logs / f"{node}.log", "rb") as log:
            log.seek(self.log_start.get(node, 0))
            return cluster_size(log.read().decode(errors="replace"))

    def wait_cluster(self, timeout: float = 600) -> None:
        """Until both nodes see the two-node view. A node that found nobody in time at its start
        (a loaded machine answers discovery late) makes a cluster of its own; JGroups' MERGE3 joins
        the two later, tens of seconds after both nodes are ready."""
        wait_until(
            lambda: all(self.cluster_members(node) == len(NODES) for node in NODES),
            timeout,
            "the two Keycloak nodes in one cluster view",
            interval=1,
        )

    def ensure_cluster(self, timeout: float = 600) -> None:
        """Both nodes running, ready and in one cluster view: a node a test stopped or killed is
        started again (the tests leave the stack as they found it)."""
        stopped = [node for node in NODES if not self.sup.pid(node)]
        for node in stopped:
            self.start_node(node)
        for node in stopped:
            self.wait_node(node)
        self.wait_cluster(timeout)

    # ---- nginx ----------------------------------------------------------------

    def _start_nginx(self) -> None:
        self._write_nginx_conf(NODES)
        folder = self.home / "nginx"
        self.sup.start("nginx", ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder)], {})

    def balance(self, nodes: tuple[str, ...]) -> None:
        """Let nginx send requests to these nodes only (a graceful reload; bench/ compares one and two)."""
        self._write_nginx_conf(nodes)
        pid = int((self.home / "nginx" / "nginx.pid").read_text())
        os.kill(pid, signal.SIGHUP)

    def _write_nginx_conf(self, nodes: tuple[str, ...]) -> None:
        folder = self.home / "nginx"
        too_large = too_large_page()
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / "tmp" / sub).mkdir(parents=True, exist_ok=True)
            shutil.chown(folder / "tmp" / sub, "www-data", "www-data")
        t = self.tls
        upstream = "\n".join(
            # Passive health check: a node that refuses or fails a request is skipped for 10 s,
            # and the request is tried on the other node (proxy_next_upstream below).
            f"        server 127.0.0.1:{self.ports[node]} max_fails=1 fail_timeout=10s;"
            for node in nodes
        )
        (folder / "nginx.conf").write_text(f"""# Made by `python -m stack up --profile prod`; changes are overwritten.
user www-data;
worker_processes 2;
daemon off;
pid {folder}/nginx.pid;
error_log {self.sup.logs}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
    access_log {self.sup.logs}/nginx-access.log;
    client_body_temp_path {folder}/tmp/client_body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    # Request bodies (up to the largest nginx takes) and answers stay in memory: nginx's
    # workers (www-data) need not write temporary files under the stack's folder, which they may
    # not be able to enter (it answered 500 to any body over 16 KB then).
    client_body_buffer_size {PROXY_BODY_LIMIT_MB}m;
    proxy_max_temp_file_size 0;
    upstream keycloak {{
{upstream}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.ports["nginx"]} ssl;
        ssl_certificate {t.cert};
        ssl_certificate_key {t.key};
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {{
            proxy_pass https://keycloak;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_ssl_trusted_certificate {t.ca};
            proxy_ssl_verify on;
            proxy_ssl_name {tls.NODE_NAME};
            proxy_ssl_session_reuse on;
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-Port $server_port;
            proxy_buffer_size 64k;
            proxy_buffers 8 64k;
            proxy_connect_timeout 2s;
            # A node that dies mid-request: the request goes to the other node. Sign-in steps are safe
            # to repeat there (the authentication session is replicated to both nodes).
            proxy_next_upstream error timeout http_502 http_503 http_504 non_idempotent;
            proxy_next_upstream_tries 2;
        }}
    }}
    # The sync service's pages and API: gunicorn on loopback, TLS here. It trusts one proxy hop
    # (SYNC_PROXY_HOPS=1): the client address is the last one nginx appends to X-Forwarded-For,
    # whatever a caller put there before.
    upstream sync_service {{
        server 127.0.0.1:{self.ports["sync-service"]};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{self.ports["nginx-sync"]} ssl;
        ssl_certificate {t.cert};
        ssl_certificate_key {t.key};
        ssl_protocols TLSv1.2 TLSv1.3;
        # Larger than any body the service takes (a scan: 5 MB, sync_service/services/scans.py), so
        # an oversized scan reaches the service, which says so beside the field on the
        # application's page; only a body beyond this gets nginx's answer, in our words.
        client_max_body_size {PROXY_BODY_LIMIT_MB}m;
        error_page 413 /errors/too-large;
        location = /errors/too-large {{
            internal;
            default_type "text/html; charset=utf-8";
            return 413 '{too_large}';
        }}
        location / {{
            proxy_pass http://sync_service;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-Port $server_port;
            proxy_read_timeout 120s;  # a printed form or an audit export can take a while
        }}
    }}
}}
""")

    def _wait_nginx(self) -> None:
        def answers():
            try:
                return (
                    requests.get(
                        f"{self.url}/realms/{REALM_NAME}/.well-known/openid-configuration",
                        verify=str(self.ca_file),
                        timeout=5,
                    ).status_code
                    == 200
                )
            except requests.RequestException:
                return False

        wait_until(answers, 120, "nginx in front of Keycloak", interval=0.3)

    # ---- the sync service ---------------------------------------------------

    def sync_env(self) -> dict[str, str]:
        return {
            "KEYCLOAK_URL": self.url,
            "SYNC_SERVICE_CLIENT_SECRET": self.secrets["SYNC_SERVICE_CLIENT_SECRET"],
            # The pages sign people in as the realm's client reviewer-pages.
            "REVIEWER_CLIENT_SECRET": self.secrets["REVIEWER_CLIENT_SECRET"],
            "SYNC_PUBLIC_URL": self.sync_url,
            "SYNC_PROXY_HOPS": "1",  # nginx, the one proxy in front of gunicorn
            "SCREENING_SYSTEM_URL": f"{self.screening_client_url}/",
            "SYNC_DATABASE_URL": self.database_url("sync"),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.ports["smtp"]),
            "SYNC_DATA_KEY_FILE": str(ensure_key_file(self.home / "sync-data.key")),
            "SYNC_AUDIT_SIGNING_KEY_FILE": str(ensure_key_file(self.home / "audit-signing.key")),
            # The audit chain's signed head, outside the database (decision 0010): one file every
            # process of this host shares. Several hosts need a shared, append-only place instead.
            "SYNC_AUDIT_HEAD_FILE": str(self.home / "audit-head.json"),
            "SYNC_NATIONAL_ID_DIGEST_KEY_FILE": str(ensure_national_id_key(self.vault_dir)),
            "SYNC_RATELIMIT_STORAGE_URI": self.redis_url,
            # The management port (/metrics), served by gunicorn's arbiter; every process of this
            # host (web and workers) counts into one folder (adapters/metrics.py).
            "SYNC_METRICS_ADDRESS": f"127.0.0.1:{self.ports['sync-metrics']}",
            "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
            "FLASK_SECRET_KEY": self.secrets["FLASK_SECRET_KEY"],
            # Our CA, for requests (python-keycloak, authlib) in every process that talks to Keycloak.
            "REQUESTS_CA_BUNDLE": str(self.ca_file),
            "SSL_CERT_FILE": str(self.ca_file),
            **self.sync_overrides,
        }

    @property
    def metrics_dir(self) -> Path:
        return self.home / "metrics"

    def start_sync(self) -> None:
        # The processes' counts start afresh with them (prometheus-client's multiprocess folder).
        shutil.rmtree(self.metrics_dir, ignore_errors=True)
        self.metrics_dir.mkdir(parents=True)
        env = self.sync_env()
        write_env_file(self.home / "sync-service.env", env)  # for the operator's commands (operations.md)
        upgrade = subprocess.run(
            [self.python, "-m", "sync_service", "db", "upgrade"],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
        )
        if upgrade.returncode != 0:
            raise StackError(f"sync service migrations failed:\n{upgrade.stderr[-2000:]}")
        self.start_web()
        for name in ("sync-worker-1", "sync-worker-2"):
            self.start_worker(name)
        self.sup.start(
            "screening-client",
            [sys.executable, "-m", "examples.screening_client", "--port", str(self.ports["screening-client"])],
            {
                "OIDC_ISSUER": f"{self.url}/realms/{REALM_NAME}",
                "SCREENING_CLIENT_SECRET": self.secrets["SCREENING_CLIENT_SECRET"],
                "FLASK_SECRET_KEY": self.secrets["FLASK_SECRET_KEY"],
                "REQUESTS_CA_BUNDLE": str(self.ca_file),
                "SSL_CERT_FILE": str(self.ca_file),
            },
        )
        wait_http(f"{self.screening_client_url}/", 60, "screening client")

    def start_web(self) -> None:
        env_web = {**self.sync_env(), "SYNC_AUTO_MIGRATE": "0"}
        self.sup.start(
            "sync-web",
            [
                self.python,
                "-m",
                "gunicorn",
                "-c",
                "python:sync_service.gunicorn_conf",  # the management port in gunicorn's arbiter
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.ports['sync-service']}",
                "--access-logfile",
                "-",
                "sync_service.bootstrap:web_app()",
            ],
            env_web,
        )
        wait_http(f"{self.sync_direct_url}/health", 120, "sync service")

    def start_worker(self, name: str) -> None:
        self.sup.start(
            name, [self.python, "-m", "sync_service", "worker"], {**self.sync_env(), "SYNC_AUTO_MIGRATE": "0"}
        )

    # ---- the operators' view -------------------------------------------------

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['prometheus']}"

    def start_monitoring(self) -> None:
        folder = self.home / "monitoring"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "blackbox.yml").write_text(monitoring.blackbox_config(self.ca_file))
        blackbox = f"127.0.0.1:{self.ports['blackbox']}"
        (folder / "prometheus.yml").write_text(
            monitoring.prometheus_config(
                keycloak_nodes=[f"127.0.0.1:{self.ports[n + '-management']}" for n in NODES],
                sync_metrics=[f"127.0.0.1:{self.ports['sync-metrics']}"],
                tls_endpoints=[f"127.0.0.1:{self.ports['nginx']}", f"127.0.0.1:{self.ports['nginx-sync']}"],
                blackbox=blackbox,
                ca_file=self.ca_file,
            )
        )
        self.sup.start(
            "blackbox",
            [
                "prometheus-blackbox-exporter",
                f"--config.file={folder / 'blackbox.yml'}",
                f"--web.listen-address={blackbox}",
            ],
            {},
        )
        self.sup.start(
            "prometheus",
            [
                "prometheus",
                f"--config.file={folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.ports['prometheus']}",
                "--storage.tsdb.retention.time=2d",
            ],
            {},
        )
        wait_http(f"{self.prometheus_url}/-/ready", 120, "Prometheus")

    # ---- down ----------------------------------------------------------------

    ORDER = (
        "prometheus",
        "blackbox",
        "screening-client",
        "sync-worker-1",
        "sync-worker-2",
        "sync-web",
        "nginx",
        "kc2",
        "kc1",
        "redis",
        "mailsink",
    )

    def down(self) -> list[str]:
        stopped = [name for name in self.ORDER if self.sup.stop(name)]
        if self.pg.running():
            self.pg.stop()
            stopped.append("postgres")
        return stopped

    def running(self) -> list[str]:
        return [name for name in self.ORDER if self.sup.pid(name)]


@contextmanager
def temporary_stack(home: Path | None = None, **options) -> Iterator[ProdStack]:
    """A production-shaped stack on free loopback ports in temporary folders (the tests, the
    benches), up for the block, down and its database folder gone after it."""
    from .network import free_cluster_port, free_port

    ports = {name: (free_cluster_port() if name.endswith("-cluster") else free_port()) for name in PORTS}
    own_home = home is None
    home = home or Path(tempfile.mkdtemp(prefix="prod-"))
    pg_folder = Path(tempfile.mkdtemp(prefix="prod-pg-"))  # reachable by the postgres user
    stack = ProdStack(home=home, ports=ports, pg_folder=pg_folder, **options)
    try:
        stack.up()
        yield stack
    finally:
        stack.down()
        shutil.rmtree(pg_folder, ignore_errors=True)
        if own_home:
            shutil.rmtree(home, ignore_errors=True)


def up() -> int:
    stack = ProdStack()
    seconds = stack.up()
    p = stack.ports
    print(f"""
生產型態系統已啟動 / The production-shaped stack is up ({seconds:.0f} s).

  示範篩檢系統 Screening system (stand-in)  http://127.0.0.1:{p["screening-client"]}/
      登入 sign in as  {stack.demo["username"]}  /  {stack.demo["password"]}
      （首次登入須更換此密碼 / first sign-in: replace this password）
  Keycloak (nginx, two nodes, TLS)           {stack.url}/admin/master/console/#/{REALM_NAME}
      admin  /  KC_BOOTSTRAP_ADMIN_PASSWORD in {stack.home / "secrets.env"}
      trust the local CA: {stack.ca_file}   (curl --cacert {stack.ca_file} ...)
  Node health and metrics (management port)  https://127.0.0.1:{p["kc1-management"]}/health/ready  /metrics
                                             https://127.0.0.1:{p["kc2-management"]}/health/ready  /metrics
  Sync service metrics (management port)     http://127.0.0.1:{p["sync-metrics"]}/metrics   health {stack.sync_url}/health
  Prometheus (alerts: monitoring/)           {stack.prometheus_url}/alerts
  同步服務 Sync service (nginx, gunicorn ×2)  {stack.sync_url}/   API {stack.sync_url}/openapi.json   (two outbox workers)
  PostgreSQL                                 127.0.0.1:{p["postgres"]}  databases keycloak, sync
  測試郵件匣 Mail sink                        http://127.0.0.1:{p["mail-web"]}/
  Logs: {stack.sup.logs}.  Stop everything: make down
  Operations (backup, key rotation, upgrades): docs/operations.md
""")
    return 0


def down() -> int:
    if not HOME.exists():
        return 0
    for name in ProdStack().down():
        print(f"prod {name}: stopped")
    return 0
