"""Background processes of `make up`: one pid file and one log each, under var/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import requests

from .paths import ROOT, VAR

RUN = VAR / "run"
LOGS = VAR / "log"


def pid_of(name: str) -> int | None:
    try:
        pid = int((RUN / f"{name}.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def start(name: str, args: list[str], env: dict[str, str]) -> int:
    """Start `python args...` in the background unless it already runs; return its pid."""
    pid = pid_of(name)
    if pid:
        return pid
    RUN.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    log = open(LOGS / f"{name}.log", "ab")
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    (RUN / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def stop(name: str) -> bool:
    pid = pid_of(name)
    if not pid:
        return False
    os.killpg(pid, signal.SIGTERM)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    (RUN / f"{name}.pid").unlink(missing_ok=True)
    return True


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)  # polling a readiness URL
    raise RuntimeError(f"{url} did not answer within {timeout} s")
