"""Background processes: one pid file and one log each, each in its own process group.
The one supervisor of `make up` (under var/), `make up PROFILE=prod` (under var/prod/),
the tests and the benches."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .paths import ROOT, VAR
from .waiting import wait_http

__all__ = ["LOGS", "Supervisor", "pid_of", "start", "stop", "wait_http"]


class Supervisor:
    """Background processes: one pid file and one log each, each in its own process group."""

    def __init__(self, home: Path) -> None:
        self.run, self.logs = home / "run", home / "log"

    def pid(self, name: str) -> int | None:
        try:
            pid = int((self.run / f"{name}.pid").read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if self._alive(pid) else None

    def start(self, name: str, cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> int:
        """Start `cmd` in the background unless `name` already runs; return its pid."""
        pid = self.pid(name)
        if pid:
            return pid
        self.run.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        with open(self.logs / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(
                cmd, cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        (self.run / f"{name}.pid").write_text(str(proc.pid))
        return proc.pid

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 60) -> bool:
        pid = self.pid(name)
        if not pid:
            return False
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._alive(pid):
            time.sleep(0.1)  # polling for the exit
        if self._alive(pid):
            os.killpg(pid, signal.SIGKILL)
        (self.run / f"{name}.pid").unlink(missing_ok=True)
        return True

    def kill(self, name: str) -> None:
        """SIGKILL, as a machine that dies: no shutdown hooks, no goodbye to the cluster."""
        self.stop(name, signal.SIGKILL, timeout=30)

    @staticmethod
    def _alive(pid: int) -> bool:
        try:
            # A killed child of ours stays a zombie until reaped: that counts as gone.
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return False
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def log_tail(self, name: str, lines: int = 30) -> str:
        try:
            return "\n".join((self.logs / f"{name}.log").read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


# ---- the dev stack's processes (`make up`): var/run, var/log ------------------------

DEV = Supervisor(VAR)
LOGS = DEV.logs


def pid_of(name: str) -> int | None:
    return DEV.pid(name)


def start(name: str, args: list[str], env: dict[str, str]) -> int:
    """Start `python args...` in the background unless it already runs; return its pid."""
    return DEV.start(name, [sys.executable, *args], env)


def stop(name: str) -> bool:
    return DEV.stop(name)
