"""The JSON API in-process: SQLite, fake Keycloak and mail, static tokens."""

from __future__ import annotations

import time

import pytest

from sync_service.bootstrap import bootstrap
from sync_service.web import create_app
from tests.support.sync import APPLICANT, REVIEWER, VENDOR, StaticTokens, settings_for_tests
from tests.unit.service.fake_directory import FakeKeycloak, FakeMailer

TOKENS = {"reviewer": REVIEWER, "applicant": APPLICANT, "vendor": VENDOR}


def make_app(tmp_path, **overrides):
    tmp_path.mkdir(parents=True, exist_ok=True)
    database_url = overrides.pop("database_url", f"sqlite:///{tmp_path / 'api.db'}")
    wiring = bootstrap(
        settings_for_tests(database_url, tmp_path, **overrides),
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


def sign_in(client, app, who) -> str:
    """`who` signed in to the pages as the realm's sign-in leaves them (decision 0130): a session
    of the fake realm, and a page session naming it, not confirmed yet (the first page asks)."""
    kc = app.extensions["sync"].directory_factory.__self__
    session_id = f"sid-{who.subject}"
    kc.sign_in(who.subject, session_id, who.roles)
    with client.session_transaction() as session:
        session["signin"] = {
            "subject": who.subject,
            "username": who.username,
            "roles": sorted(who.roles),
            "email": who.email,
            "sid": session_id,
            "until": time.time() + 600,
            "checked_at": 0,
        }
    return session_id
