"""Service-layer tests: real SQL storage (SQLite here; the same tests run on
PostgreSQL in tests/integration/postgres), fake Keycloak and mail."""

from __future__ import annotations

import pytest

from tests.support.service_fixtures import fake_keycloak, mailer, sqlite_url, wiring, worker  # noqa: F401


@pytest.fixture
def database_url(sqlite_url):  # noqa: F811
    return sqlite_url
