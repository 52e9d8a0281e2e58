"""The service-layer tests again, on PostgreSQL: Debian's server (installed when
missing, which needs root), initdb'd in a temp dir and run as `postgres`."""

from __future__ import annotations

import pytest

from tests.support.service_fixtures import fake_keycloak, mailer, sqlite_url, wiring, worker  # noqa: F401


@pytest.fixture(scope="session")
def postgres_cluster():
    from tests.support.postgres import PostgresCluster

    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def database_url(postgres_cluster):
    return postgres_cluster.new_database()
