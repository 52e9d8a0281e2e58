"""Keycloak from Maven: fetch once, make an instance, start in dev mode, wait ready, stop.

An instance is a private copy of the pristine distribution with our providers,
theme and realm file installed. `make up` keeps one under var/keycloak; the test
run makes its own under a temporary folder, so the two never share state and a
dev-mode rebuild of one never races the other.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import requests

from .paths import CACHE, PROVIDERS_MODULE, REALM_FILE, REALM_NAME, THEMES
from .processes import Supervisor
from .waiting import TimedOut, wait_until

# Keycloak's file vault holds the national ID digest key (docs/decisions/0030); the sync
# service reads the same file. File name: <realm>_<key> (the vault's default resolver).
NATIONAL_ID_KEY = "national-id-digest-key"


def national_id_key_file(vault_dir: Path) -> Path:
    return vault_dir / f"{REALM_NAME}_{NATIONAL_ID_KEY}"


def ensure_national_id_key(vault_dir: Path) -> Path:
    """Make the key (32 random bytes, base64, mode 0600) once; Keycloak and the service share it."""
    from sync_service.adapters.keys import load_or_create_key

    path = national_id_key_file(vault_dir)
    load_or_create_key("", path)
    return path


VERSION = "26.7.3"
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{VERSION}:zip"
DIST_DIR = CACHE / "keycloak"


class KeycloakError(RuntimeError):
    pass


_SIGN_IN_FORM = re.compile(r'<form id="kc-form-login"[^>]*\saction="([^"]+)"')


def sign_in_form_action(page: str) -> str:
    """Where the sign-in page posts the account name and password (the benches' scripted sign-ins)."""
    found = _SIGN_IN_FORM.search(page)
    if found is None:
        raise KeycloakError(f"no sign-in form in the page: {page[:300]!r}")
    return html.unescape(found.group(1))


def _run(cmd: list[str], **kw) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise KeycloakError(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def ensure_distribution(log=print, version: str = VERSION) -> Path:
    """The unpacked distribution, fetched through Maven on first use only (another `version`:
    the upgrade rehearsal's older one, bench/rolling_upgrade.py)."""
    pristine = DIST_DIR / f"keycloak-{version}"
    if (pristine / "bin" / "kc.sh").exists():
        return pristine
    DIST_DIR.mkdir(parents=True, exist_ok=True)
    archive = DIST_DIR / f"keycloak-quarkus-dist-{version}.zip"
    if not archive.exists():
        artifact = f"org.keycloak:keycloak-quarkus-dist:{version}:zip"
        log(f"  fetching {artifact} through Maven (once) ...")
        _run(["mvn", "-B", "-q", "dependency:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={DIST_DIR}"])
    log("  unpacking the distribution ...")
    staging = DIST_DIR / f"unpacking-{version}"
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(archive) as z:
        z.extractall(staging)
    for script in (staging / f"keycloak-{version}" / "bin").glob("*.sh"):
        script.chmod(0o755)
    (staging / f"keycloak-{version}").rename(pristine)  # atomic: no half-unpacked dist
    staging.rmdir()
    return pristine


def build_providers(log=print) -> list[Path]:
    """Our extension jars and the libraries they need, ready to drop into providers/."""
    pom = PROVIDERS_MODULE / "pom.xml"
    if not pom.exists():
        return []
    log("  building keycloak-config/providers (Maven) ...")
    _run(["mvn", "-B", "-q", "-DskipTests", "package", "-f", str(pom)])
    return sorted((PROVIDERS_MODULE / "target" / "deploy").glob("*.jar"))


def test_seam_jars() -> list[Path]:
    """TEST ONLY: the jar of the providers' test seams (the captcha answers), built beside
    deploy/ by build_providers(); only the test run's Keycloak loads it, never `make up`."""
    return sorted((PROVIDERS_MODULE / "target" / "test-seam").glob("*.jar"))


# Keycloak features switched off (build-time options, same on the optimized production build):
# Workflows, on by default in 26.7.3, are not used (departures and reminders run in our worker,
# decisions 0080 and 0085), and their console tab only ever showed managers a dead end (0150).
FEATURES = ["--features-disabled=workflows"]


class CaptchaAnswers:
    """TEST ONLY: reads the answers the reset step issued from Keycloak's logs, written by the
    test-only seam jar (test_seam_jars); the browser tests and bench/perfect_solver.py type them.
    Several logs: a cluster's nodes, whichever served the page (tests/prod/journeys)."""

    # The line's time first (Keycloak's "2025-12-05 05:40:01,123 INFO ..."): several nodes' logs
    # read in the order the answers were issued.
    PATTERN = re.compile(r"^(\S+ \S+).*captcha issued: session=\S+ tab=(\S+) answer=(\S+)", re.MULTILINE)

    def __init__(self, *log_files: Path) -> None:
        self.log_files = log_files

    def _issued(self) -> list[tuple[str, str]]:
        found = [
            hit
            for log in self.log_files
            if log.exists()
            for hit in self.PATTERN.findall(log.read_text(errors="replace"))
        ]
        return [(tab, answer) for _, tab, answer in sorted(found)]

    def latest(self, tab_id: str, timeout: float = 10) -> str:
        def issued() -> list[str]:
            return [a for t, a in self._issued() if t == tab_id]

        # The log line is written as the page is served.
        return wait_until(issued, timeout, f"a captcha issued for tab {tab_id}")[-1]


@dataclass
class KeycloakInstance:
    home: Path
    http_port: int = 8080
    management_port: int = 9000
    admin_user: str = "admin"
    admin_password: str = ""
    env: dict[str, str] = field(default_factory=dict)  # fills ${...} placeholders of the realm file
    extra_args: list[str] = field(default_factory=list)  # more `kc.sh start-dev` options
    vault_dir: Path | None = None  # Keycloak's file vault (secrets kept out of its database)

    NAME = "keycloak"  # its pid file and log under home/run and home/log (stack/processes.py)

    @property
    def processes(self) -> Supervisor:
        return Supervisor(self.home)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.management_port}/health/ready"

    @property
    def log_file(self) -> Path:
        return self.processes.logs / f"{self.NAME}.log"

    def prepare(self, providers: list[Path], realm_file: Path = REALM_FILE) -> None:
        """Copy the distribution (first time), then install providers, theme and realm afresh."""
        pristine = ensure_distribution()
        if not (self.home / "bin" / "kc.sh").exists():
            shutil.copytree(pristine, self.home, symlinks=True, dirs_exist_ok=True)
        for old in (self.home / "providers").glob("*.jar"):
            old.unlink()
        for jar in providers:
            shutil.copy2(jar, self.home / "providers" / jar.name)
        for theme in THEMES.iterdir():
            target = self.home / "themes" / theme.name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(theme, target)
        imports = self.home / "data" / "import"
        imports.mkdir(parents=True, exist_ok=True)
        shutil.copy2(realm_file, imports / "realm-export.json")

    def start(self) -> None:
        env = dict(self.env)
        env["KC_BOOTSTRAP_ADMIN_USERNAME"] = self.admin_user
        env["KC_BOOTSTRAP_ADMIN_PASSWORD"] = self.admin_password
        cmd = [
            str(self.home / "bin" / "kc.sh"),
            "start-dev",
            "--http-host=127.0.0.1",
            f"--http-port={self.http_port}",
            f"--http-management-port={self.management_port}",
            "--health-enabled=true",
            *FEATURES,
            "--import-realm",
            *self.extra_args,
        ]
        if self.vault_dir is not None:
            ensure_national_id_key(self.vault_dir)
            cmd += ["--vault=file", f"--vault-dir={self.vault_dir}"]
        # Own process group: stop() ends the launcher script and the JVM together.
        self.processes.start(self.NAME, cmd, env, cwd=self.home)

    def is_ready(self) -> bool:
        try:
            return requests.get(self.health_url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self, timeout: float = 600, progress=None) -> float:
        """Poll /health/ready until it answers 200; return the seconds it took."""
        started = time.monotonic()
        notes = [started + 15]

        def ready() -> bool:
            if self.is_ready():
                return True
            if not self.running_pid():
                raise KeycloakError(f"Keycloak exited:\n{self.log_tail()}")
            if progress and time.monotonic() > notes[0]:
                progress(f"  ... still starting ({time.monotonic() - started:.0f} s), log: {self.log_file}")
                notes[0] += 15
            return False

        try:
            wait_until(ready, timeout, "Keycloak", interval=0.5)
        except TimedOut:
            raise KeycloakError(f"Keycloak not ready after {timeout} s:\n{self.log_tail()}") from None
        return time.monotonic() - started

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def running_pid(self) -> int | None:
        """The pid of the Keycloak started from this home, if it still runs."""
        return self.processes.pid(self.NAME)

    def stop(self, timeout: float = 60) -> None:
        self.processes.stop(self.NAME, timeout=timeout)
