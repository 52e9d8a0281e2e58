"""Bad input finds no server error: schemathesis over /openapi.json, in-process (WSGI).

Covers: R-PD-1 (nothing half-written, no crash on hostile input)."""
from __future__ import annotations

import json
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


# ---- crafted shapes that once gave 500 (issue 8, point 6), kept in the run --------

CODE = "0401180014"
SUBMIT = schema["/api/applications"]["POST"]
SEARCH = schema["/api/applications"]["GET"]
REVIEWER = {"Authorization": "Bearer reviewer"}


def _form(**changes) -> dict:
    from tests.support.sync import form, new_account_name
    return {**form("A", CODE, new_account_name()), **changes}


def _raw_json(text: str):
    return {"data": text.encode("utf-8", "surrogatepass"), "headers": {"Content-Type": "application/json"}}


CRAFTED = [
    ("deep JSON", SUBMIT, dict(body={}), _raw_json('{"type": ' + "[" * 5000 + "]" * 5000 + "}"), 400),
    ("unpaired surrogate", SUBMIT, dict(body={}),
     _raw_json(json.dumps(_form(), ensure_ascii=False).replace("家庭醫學部", "家庭\\ud800醫學部")), 422),
    ("form-encoded body", SUBMIT, dict(body={}),
     {"data": "type=A", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 400),
    ("NUL in a name", SUBMIT, dict(body=_form(applicant_name="王\x00小明"), media_type="application/json"), {}, 422),
    ("right-to-left override", SUBMIT, dict(body=_form(department="家庭\u202e醫學部"), media_type="application/json"),
     {}, 422),
    ("zero-width space in a code", SUBMIT,
     dict(body=_form(institution_code="04011\u200b80014"), media_type="application/json"), {}, 422),
    ("HTML in free text", SUBMIT, dict(body=_form(department="<img src=x onerror=alert(1)>"),
                                       media_type="application/json"), {}, 422),
    ("superscript limit", SEARCH, dict(query={"limit": "²"}, headers=REVIEWER), {}, 422),
    ("superscript offset", SEARCH, dict(query={"offset": "¹"}, headers=REVIEWER), {}, 422),
    ("unknown status", SEARCH, dict(query={"status": "bogus"}, headers=REVIEWER), {}, 422),
]


@pytest.mark.parametrize("name,operation,case_args,call_args,status", CRAFTED, ids=[c[0] for c in CRAFTED])
def test_crafted_input_gets_a_clear_client_error(name, operation, case_args, call_args, status):
    """Covers: R-FORM-1, R-FORM-2"""
    case = operation.Case(**case_args)
    response = case.call(**call_args)
    assert response.status_code == status, (name, response.text)
    error = response.json()["error"]
    assert error["zh"] and error["en"]
    if name == "form-encoded body":
        assert "must be JSON" in error["en"]


def test_intake_limits_answer_429_with_when_to_retry(tmp_path):
    """Covers: R-FORM-1 (issue 8, point 5: limits as schemathesis cases)"""
    app = make_app(tmp_path, submit_rate_per_hour=1, submit_burst_per_minute=3)
    limited = schemathesis.openapi.from_wsgi("/openapi.json", app)["/api/applications"]["POST"]
    try:
        headers = {"REMOTE_ADDR": "10.9.0.1"}
        first = limited.Case(body=_form(), media_type="application/json").call(environ_overrides=headers)
        assert first.status_code == 201, first.text
        second = limited.Case(body=_form(), media_type="application/json")
        response = second.call(environ_overrides=headers)
        assert response.status_code == 429 and int(response.headers["retry-after"][0]) > 0
        assert "分鐘" in response.json()["error"]["zh"] and "try again in" in response.json()["error"]["en"]
        second.validate_response(response, checks=[not_a_server_error])
        # the burst limit counts every try, refused or not, from another address
        other = {"REMOTE_ADDR": "10.9.0.2"}
        codes = [limited.Case(body=_form(national_id="A123456788"), media_type="application/json")
                 .call(environ_overrides=other).status_code for _ in range(4)]
        assert codes == [422, 422, 422, 429]
    finally:
        app.extensions["sync"].engine.dispose()
