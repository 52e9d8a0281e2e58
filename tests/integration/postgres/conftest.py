"""The service-layer tests again, on PostgreSQL: Debian's server (stack/postgres.py,
a throwaway cluster run as `postgres` from a temp dir)."""

from __future__ import annotations

import pytest

from tests.support.service_fixtures import fake_keycloak, mailer, sqlite_url, wiring, worker  # noqa: F401


@pytest.fixture(scope="session")
def postgres_cluster():
    from stack.postgres import Postgres

    cluster = Postgres.throwaway().start()
    yield cluster
    cluster.discard()


@pytest.fixture
def database_url(postgres_cluster):
    return postgres_cluster.new_database()
