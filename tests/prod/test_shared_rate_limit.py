"""The public intake's limits hold across the two gunicorn processes (counts in redis)."""

from __future__ import annotations

import requests

from .conftest import INTAKE_LIMIT


def test_the_intake_limit_is_shared_by_the_web_processes(prod_stack):
    """Public intake abuse bound (DESIGN.md), not a catalogue rule."""
    statuses = []
    for _ in range(4 * INTAKE_LIMIT):
        # A new connection each time, so gunicorn's two processes both take requests.
        with requests.Session() as s:
            statuses.append(s.post(f"{prod_stack.sync_url}/api/applications", json={}, timeout=30).status_code)
    assert sum(s != 429 for s in statuses) == INTAKE_LIMIT, statuses
