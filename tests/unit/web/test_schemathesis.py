"""Bad input finds no server error: schemathesis over /openapi.json, in-process (WSGI).

A robustness check (no 5xx on hostile input), so it names no rule id: no
5xx says nothing by itself about personal data being protected (R-PD-1)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.support.sync import budgets, form, new_account_name, with_captcha

from .conftest import make_app


def test_no_server_error(tmp_path):
    # The app (SQLite in a temp dir, fake Keycloak and mail) is made when the
    # test runs, not when it is collected. (schemathesis.pytest.from_fixture
    # would do that too, but does not run under pytest 9.)
    app = make_app(tmp_path)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    try:
        operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]  # an Err fails the test
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


# ---- crafted shapes that once gave 500 (issue 8, point 6), kept in the run --------

CODE = "0401180014"
REVIEWER = {"Authorization": "Bearer reviewer"}


def _form(**changes) -> dict:
    return {**form("A", CODE, new_account_name()), **changes}


def _raw_json(text: str) -> dict:
    return {"data": text.encode("utf-8", "surrogatepass"), "headers": {"Content-Type": "application/json"}}


def _json(**changes) -> dict:
    return {"body": _form(**changes), "media_type": "application/json"}


# name: (method, case arguments, call arguments, status)
CRAFTED = {
    "deep JSON": ("POST", lambda: {"body": {}}, lambda: _raw_json('{"type": ' + "[" * 5000 + "]" * 5000 + "}"), 400),
    "unpaired surrogate": (
        "POST",
        lambda: {"body": {}},
        lambda: _raw_json(json.dumps(_form(), ensure_ascii=False).replace("家庭醫學部", "家庭\\ud800醫學部")),
        422,
    ),
    "form-encoded body": (
        "POST",
        lambda: {"body": {}},
        lambda: {"data": "type=A", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
        400,
    ),
    "NUL in a name": ("POST", lambda: _json(applicant_name="王\x00小明"), dict, 422),
    "right-to-left override": ("POST", lambda: _json(department="家庭\u202e醫學部"), dict, 422),
    "zero-width space in a code": ("POST", lambda: _json(institution_code="04011\u200b80014"), dict, 422),
    "HTML in free text": ("POST", lambda: _json(department="<img src=x onerror=alert(1)>"), dict, 422),
    "superscript limit": ("GET", lambda: {"query": {"limit": "²"}, "headers": REVIEWER}, dict, 422),
    "superscript offset": ("GET", lambda: {"query": {"offset": "¹"}, "headers": REVIEWER}, dict, 422),
    "unknown status": ("GET", lambda: {"query": {"status": "bogus"}, "headers": REVIEWER}, dict, 422),
}


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_input_gets_a_clear_client_error(name, tmp_path):
    """No rule id: hostile input gets a clear 4xx (issue 8, point 6)."""
    method, case_args, call_args, status = CRAFTED[name]
    app = make_app(tmp_path)
    try:
        operation = schemathesis.openapi.from_wsgi("/openapi.json", app)["/api/applications"][method]
        case = operation.Case(**case_args())
        response = case.call(**call_args())
        assert response.status_code == status, (name, response.text)
        case.validate_response(response, checks=[not_a_server_error])
        error = response.json()["error"]
        assert error["zh"] and error["en"]
        if name == "form-encoded body":
            assert "must be JSON" in error["en"]
    finally:
        app.extensions["sync"].engine.dispose()


def test_intake_limits_answer_429_with_when_to_retry(tmp_path):
    """No rule id: abuse of the public intake (issue 8, point 5)."""
    app = make_app(
        tmp_path,
        budgets=budgets(
            type_a_accepted_per_address_per_hour=1,
            type_a_accepted_per_email_per_hour=1,
            type_a_tries_per_address_per_minute=3,
        ),
    )
    limited = schemathesis.openapi.from_wsgi("/openapi.json", app)["/api/applications"]["POST"]
    try:
        headers = {"REMOTE_ADDR": "10.9.0.1"}
        wiring = app.extensions["sync"]
        first = limited.Case(**{**_json(), "body": with_captcha(wiring, _form())}).call(environ_overrides=headers)
        assert first.status_code == 201, first.text
        second = limited.Case(**{**_json(), "body": with_captcha(wiring, _form())})
        response = second.call(environ_overrides=headers)
        assert response.status_code == 429 and int(response.headers["retry-after"][0]) > 0
        assert "分鐘" in response.json()["error"]["zh"] and "try again in" in response.json()["error"]["en"]
        second.validate_response(response, checks=[not_a_server_error])
        # the burst limit counts every try, refused or not, from another address
        other = {"REMOTE_ADDR": "10.9.0.2"}
        codes = [
            limited.Case(**_json(national_id="A123456788")).call(environ_overrides=other).status_code for _ in range(4)
        ]
        assert codes == [422, 422, 422, 429]
    finally:
        app.extensions["sync"].engine.dispose()
