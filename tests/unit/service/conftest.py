"""Service-layer tests: real SQL storage (SQLite, and PostgreSQL), fake Keycloak and mail."""
from __future__ import annotations

import pytest

from sync_service.bootstrap import bootstrap
from tests.support.sync import REVIEWER, StaticTokens, settings_for_tests

from .fake_directory import FakeKeycloak, FakeMailer


@pytest.fixture(scope="session")
def postgres_cluster():
    from tests.support.postgres import PostgresCluster
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sync.db'}"
    return request.getfixturevalue("postgres_cluster").new_database()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'sync.db'}"


@pytest.fixture
def fake_keycloak():
    return FakeKeycloak()


@pytest.fixture
def mailer():
    return FakeMailer()


@pytest.fixture
def wiring(database_url, tmp_path, fake_keycloak, mailer):
    w = bootstrap(settings_for_tests(database_url, tmp_path), directory_factory=fake_keycloak.directory,
                  mailer=mailer, token_verifier=StaticTokens({"reviewer": REVIEWER}))
    yield w
    w.engine.dispose()


@pytest.fixture
def worker(wiring):
    w = wiring.worker(threads=1, base_backoff_seconds=0.0)
    yield w
    w.close()
