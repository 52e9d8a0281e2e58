"""The production shape's Python: a venv of requirements.lock alone (the service's runtime lock,
issue 20 item 5), apart from the developer's .venv (requirements-dev.lock: tests, tools). The
sync service's processes of `make up PROFILE=prod` and of tests/prod run from it, so an import of
something only the tests install fails there as it would in production.

Made once per lock (var/runtime-venv/, with the lock's digest), in a staging folder renamed into
place, so a half-made venv is never used."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .paths import ROOT, VAR

LOCK = ROOT / "requirements.lock"
HOME = VAR / "runtime-venv"


def python(log=print) -> Path:
    """The runtime venv's interpreter, made or remade when the lock changed."""
    digest = hashlib.sha256(LOCK.read_bytes() + sys.version.encode()).hexdigest()
    done = HOME / "lock.sha256"
    if done.exists() and done.read_text() == digest:
        return HOME / "bin" / "python"
    log("  the runtime venv (requirements.lock alone) ...")
    staging = HOME.with_name(f"{HOME.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(staging)], check=True)
    # Run as `python -m ...` only: the venv's own scripts name the staging folder.
    installed = subprocess.run(
        [str(staging / "bin" / "python"), "-m", "pip", "install", "-q", "--require-hashes", "-r", str(LOCK)],
        capture_output=True,
        text=True,
    )
    if installed.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(
            f"installing requirements.lock failed:\n{installed.stdout[-2000:]}{installed.stderr[-2000:]}"
        )
    (staging / "lock.sha256").write_text(digest)
    old = HOME.with_name(f"{HOME.name}.old.{os.getpid()}")
    if HOME.exists():
        HOME.rename(old)
    staging.rename(HOME)
    shutil.rmtree(old, ignore_errors=True)
    return HOME / "bin" / "python"
