"""Bad input finds no server error: schemathesis over /openapi.json, in-process (WSGI).

Covers: R-PD-1 (nothing half-written, no crash on hostile input)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from .conftest import make_app

# schemathesis needs the schema when tests are collected: the app (SQLite in a
# temp dir, fake Keycloak and mail) is made here, and removed at module teardown.
_DIR = Path(tempfile.mkdtemp(prefix="sync-schemathesis-"))
APP = make_app(_DIR)
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    APP.extensions["sync"].engine.dispose()
    shutil.rmtree(_DIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case):
    # As a reviewer, as a signed-in applicant, and anonymously. Only the
    # server-error check: the point is robustness, not every 4xx body.
    for token in ("reviewer", "applicant", None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        case.call_and_validate(headers=headers, checks=[not_a_server_error])
