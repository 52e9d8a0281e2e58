"""The service-layer tests' fixtures: real SQL storage, fake Keycloak and mail.
`tests/unit/service` runs them on SQLite; `tests/integration/postgres` runs the
same tests on a throwaway PostgreSQL cluster (it installs and starts a server)."""

from __future__ import annotations

import pytest

from sync_service.bootstrap import bootstrap
from tests.support.sync import REVIEWER, StaticTokens, settings_for_tests
from tests.unit.service.fake_directory import FakeKeycloak, FakeMailer


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
    w = bootstrap(
        settings_for_tests(database_url, tmp_path),
        directory_factory=fake_keycloak.directory,
        mailer=mailer,
        token_verifier=StaticTokens({"reviewer": REVIEWER}),
    )
    yield w
    w.engine.dispose()


@pytest.fixture
def worker(wiring):
    w = wiring.worker(threads=1, base_backoff_seconds=0.0)
    yield w
    w.close()
