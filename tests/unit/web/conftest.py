"""The JSON API in-process: SQLite, fake Keycloak and mail, static tokens."""

from __future__ import annotations

import pytest

from sync_service.bootstrap import bootstrap
from sync_service.web import create_app
from tests.support.sync import APPLICANT, REVIEWER, VENDOR, StaticTokens, settings_for_tests
from tests.unit.service.fake_directory import FakeKeycloak, FakeMailer

TOKENS = {"reviewer": REVIEWER, "applicant": APPLICANT, "vendor": VENDOR}


def make_app(tmp_path, **overrides):
    wiring = bootstrap(
        settings_for_tests(f"sqlite:///{tmp_path / 'api.db'}", tmp_path, **overrides),
        directory_factory=FakeKeycloak().directory,
        mailer=FakeMailer(),
        token_verifier=StaticTokens(TOKENS),
    )
    return create_app(wiring=wiring)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    app.extensions["sync"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


REVIEWER_HEADERS = {"Authorization": "Bearer reviewer"}
VENDOR_HEADERS = {"Authorization": "Bearer vendor"}
