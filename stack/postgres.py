"""Debian's PostgreSQL, one cluster run as the `postgres` user from a folder of ours: the one
launcher of the production-shaped stack, the tests and the benches.

- `Postgres(folder, port)`: durable, local (socket) connections as postgres for
  administration, every TCP login with its password (the production shape).
- `Postgres.throwaway()`: a temporary folder on a free port, fsync off, TCP logins trusted
  (the tests' and benches' own databases: `new_database()`), `discard()` removes it.
"""

from __future__ import annotations

import glob
import re
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from .network import free_port


class PostgresError(RuntimeError):
    pass


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise PostgresError("PostgreSQL is not installed; `make bootstrap` installs it (apt-get install postgresql)")
    return Path(found[-1]).parent


@dataclass
class Postgres:
    """One cluster of Debian's PostgreSQL, run as the `postgres` user from a folder of ours."""

    folder: Path
    port: int
    durable: bool = True  # the tests turn fsync off: their data need not survive a power cut
    trust_tcp: bool = False  # the tests' and benches' clusters: any TCP login as postgres, no password

    @classmethod
    def throwaway(cls) -> Postgres:
        """A cluster of its own in a temporary folder on a free loopback port (start() it)."""
        return cls(Path(tempfile.mkdtemp(prefix="sync-pg-")), free_port(), durable=False, trust_tcp=True)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _as_postgres(self, *cmd: str, input: str | None = None) -> str:
        result = subprocess.run(["runuser", "-u", "postgres", "--", *cmd], input=input, capture_output=True, text=True)
        if result.returncode != 0:
            raise PostgresError(f"{cmd[0]} failed: {result.stderr.strip()[-2000:]}")
        return result.stdout

    def running(self) -> bool:
        return (
            subprocess.run(
                ["runuser", "-u", "postgres", "--", str(_pg_bin() / "pg_ctl"), "-D", str(self.data), "status"],
                capture_output=True,
            ).returncode
            == 0
        )

    def start(self) -> Postgres:
        bin_ = _pg_bin()
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.folder, "postgres", "postgres")
        self.folder.chmod(0o700)
        if not (self.data / "PG_VERSION").exists():
            # Local (socket) connections as postgres for administration; every TCP login needs its password.
            self._as_postgres(
                str(bin_ / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--auth-local=peer",
                "--auth-host=" + ("trust" if self.trust_tcp else "scram-sha-256"),
            )
        if self.running():
            return self
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder} "
            "-c max_connections=200"
        )
        if self.durable:
            options += " -c shared_buffers=256MB"
        else:  # the tests' and benches': their data need not survive a power cut
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._as_postgres(
            str(bin_ / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "postgres.log"),
            "-o",
            options,
            "-w",
            "-t",
            "120",
            "start",
        )
        return self

    def stop(self) -> None:
        if (self.data / "PG_VERSION").exists() and self.running():
            self._as_postgres(str(_pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def discard(self) -> None:
        """Stop at once and remove the folder (a throwaway cluster)."""
        try:
            if (self.data / "PG_VERSION").exists() and self.running():
                self._as_postgres(str(_pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str, user: str = "postgres", password: str | None = None) -> str:
        """SQLAlchemy's URL of a database (over TCP: a throwaway cluster trusts postgres without a password)."""
        login = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh database with a unique name, owned by postgres; its URL (a throwaway cluster)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._as_postgres(
            str(_pg_bin() / "psql"),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(self.folder),
            "-p",
            str(self.port),
            "-d",
            database,
            input=sql,
        )

    def ensure_database(self, name: str, password: str) -> None:
        """A role and a database it owns, both called `name`; the password is (re)set from the secrets file."""
        quoted = password.replace("'", "''")
        if not self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'").strip():
            self.psql(f"CREATE ROLE {name} LOGIN PASSWORD '{quoted}'")
        else:
            self.psql(f"ALTER ROLE {name} PASSWORD '{quoted}'")
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip():
            self.psql(f"CREATE DATABASE {name} OWNER {name}")

    def dump(self, database: str, target: Path) -> None:
        """pg_dump's custom format: compressed, restorable table by table with pg_restore."""
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.chown(target.parent, "postgres", "postgres")
        self._as_postgres(
            str(_pg_bin() / "pg_dump"), "-h", str(self.folder), "-p", str(self.port), "-Fc", "-f", str(target), database
        )

    def restore(self, database: str, source: Path) -> None:
        """A fresh database of that name, owned by its role, filled from the dump."""
        self.psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        self.psql(f"CREATE DATABASE {database} OWNER {database}")
        self._as_postgres(
            str(_pg_bin() / "pg_restore"),
            "-h",
            str(self.folder),
            "-p",
            str(self.port),
            "-d",
            database,
            "--no-owner",
            "--role",
            database,
            "--exit-on-error",
            str(source),
        )


# ---- our indexes on Keycloak's tables (stack/policy_index.py, stack/attribute_index.py) -------


def index_state(psql, index: str) -> tuple[str, bool] | None:
    """(definition as pg_indexes gives it, valid) of an index; None when there is none.
    `psql(sql)` runs SQL in Keycloak's database as its owner or a superuser."""
    row = psql(
        "SELECT x.indexdef || '|' || i.indisvalid::text FROM pg_indexes x JOIN pg_class c ON c.relname = x.indexname "
        f"JOIN pg_index i ON i.indexrelid = c.oid WHERE x.indexname = '{index}'"
    ).strip()
    if not row:
        return None
    definition, valid = row.rsplit("|", 1)
    return definition, valid == "true"


def ensure_index(psql, index: str, create_sql: str) -> None:
    """Make an index of ours if it is missing: `create_sql` is idempotent (IF NOT EXISTS) and
    analyses the table after. An index left invalid (its build interrupted) is made again."""
    state = index_state(psql, index)
    if state is not None and not state[1]:
        psql(f"DROP INDEX {index}")
    psql(create_sql)


_PARAMETERS = re.compile(r"DETAIL:\s+parameters: (.*)$", re.IGNORECASE)


def logged_statement(log: Path, statement: re.Pattern, start: int = 0) -> tuple[str, dict[int, str]] | None:
    """(statement, {n: quoted value}) of the first statement matching `statement` (its group 1 is
    the SQL) that PostgreSQL logged after byte `start` of its log, with log_min_duration_statement
    = 0: "... execute <name>: select ..." then "DETAIL:  Parameters: $1 = '...', ..."; None if
    there is none yet."""
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        found = statement.search(line)
        if found and i + 1 < len(lines):
            detail = _PARAMETERS.search(lines[i + 1])
            if detail:
                values = re.findall(r"\$(\d+) = ('(?:[^']|'')*'|NULL)", detail.group(1))
                return found.group(1), {int(n): v for n, v in values}
    return None


def explain(statement: str, parameters: dict[int, str], options: str = "") -> str:
    """SQL that has PostgreSQL plan a logged statement with its logged parameters."""
    values = ", ".join(parameters[n] for n in sorted(parameters))
    return f"PREPARE logged AS {statement}; EXPLAIN {options} EXECUTE logged({values}); DEALLOCATE logged;"
