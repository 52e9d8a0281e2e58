"""Bad input finds no server error: schemathesis over /openapi.json, in-process (WSGI).

A robustness check (no 5xx on hostile input), so it names no rule id: no
5xx says nothing by itself about personal data being protected (R-PD-1)."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from .conftest import make_app


def test_no_server_error(tmp_path):
    # The app (SQLite in a temp dir, fake Keycloak and mail) is made when the
    # test runs, not when it is collected. (schemathesis.pytest.from_fixture
    # would do that too, but does not run under pytest 9.)
    app = make_app(tmp_path)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    try:
        operations = [result.ok() for result in schema.get_all_operations()]
        assert operations
        for operation in operations:
            @given(case=operation.as_strategy())
            @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def no_server_error(case):
                # As a reviewer, as a signed-in applicant, and anonymously. Only the
                # server-error check: the point is robustness, not every 4xx body.
                for token in ("reviewer", "applicant", None):
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    case.call_and_validate(headers=headers, checks=[not_a_server_error])

            no_server_error()
    finally:
        app.extensions["sync"].engine.dispose()
