"""The public intake's limits on the production shape, through nginx: shared by the two gunicorn
processes (counts in redis), per real client address (nginx's, via ProxyFix with one trusted hop),
and not escaped by a caller who writes their own X-Forwarded-For."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter

from .conftest import INTAKE_LIMIT


class _FromAddress(HTTPAdapter):
    """Connections from this loopback address (all of 127.0.0.0/8 is this machine): another client."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _tries(stack, address: str, n: int, forged: bool = False) -> list[int]:
    statuses = []
    for i in range(n):
        # A new connection each time, so gunicorn's two processes both take requests.
        with requests.Session() as s:
            s.mount("https://", _FromAddress(address))
            headers = {"X-Forwarded-For": f"203.0.113.{i + 1}"} if forged else {}
            response = s.post(
                f"{stack.sync_url}/api/applications", json={}, headers=headers, verify=str(stack.ca_file), timeout=30
            )
            statuses.append(response.status_code)
    return statuses


def test_the_intake_limit_is_shared_by_the_web_processes(prod_stack):
    """Public intake abuse bound (DESIGN.md), not a catalogue rule."""
    statuses = _tries(prod_stack, "127.0.0.11", 4 * INTAKE_LIMIT)
    assert sum(s != 429 for s in statuses) == INTAKE_LIMIT, statuses


def test_the_intake_limit_is_per_real_client_address_behind_nginx(prod_stack):
    """Public intake abuse bound (DESIGN.md), not a catalogue rule: one client's tries, each with
    a made-up X-Forwarded-For, are counted as that one client's; another client is not held back."""
    forging = _tries(prod_stack, "127.0.0.12", 3 * INTAKE_LIMIT, forged=True)
    assert sum(s != 429 for s in forging) == INTAKE_LIMIT, forging
    other = _tries(prod_stack, "127.0.0.13", INTAKE_LIMIT)
    assert 429 not in other, other
