"""The production shape runs the sync service from the runtime lock alone (issue 20 item 5): its
web processes and workers are the runtime venv's Python, which has no test or developer tool."""

from __future__ import annotations

import subprocess
from pathlib import Path


def test_the_service_runs_from_requirements_lock_alone(prod_stack):
    """Locks by purpose (issue 20), not a catalogue rule."""
    python = prod_stack.python
    assert "runtime-venv" in python
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True, check=True
    )
    installed = {line.split("==")[0].lower().replace("_", "-") for line in listed.stdout.splitlines()}
    assert {"gunicorn", "prometheus-client", "flask", "psycopg"} <= installed
    assert not installed & {"pytest", "playwright", "schemathesis", "hypothesis", "ruff", "mypy", "aiosmtpd"}
    for name in ("sync-web", "sync-worker-1", "sync-worker-2"):
        command = Path(f"/proc/{prod_stack.sup.pid(name)}/cmdline").read_bytes().split(b"\0")
        assert command[0].decode() == python, (name, command[:3])
