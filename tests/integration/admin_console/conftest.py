"""Fixtures of the admin-console tests: a fresh world per test (world.py)."""

from __future__ import annotations

import pytest

from tests.integration.admin_console.world import ManagerWorld


@pytest.fixture
def world(admin, make_user, keycloak) -> ManagerWorld:
    w = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    w.provision()
    return w
