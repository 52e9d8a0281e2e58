"""The JSON API: intake, review, decisions, errors."""

from __future__ import annotations

from tests.support.personal_data import national_id_of
from tests.support.sync import budgets, form, letter, new_account_name, with_captcha

from .conftest import REVIEWER_HEADERS, VENDOR_HEADERS, make_app

CODE = "0401180014"


def solved(client, body: dict) -> dict:
    """The body of an anonymous A with its captcha answered (decision 0131)."""
    return with_captcha(client.application.extensions["sync"], body)


def submit_a(client, **extra):
    account = new_account_name()
    # One person (the same national ID) behind every type A of these tests.
    body = {**form("A", CODE, account), "national_id": "A123456789", "documents": ["form-1"], **extra}
    return client.post("/api/applications", json=solved(client, body))


def test_type_a_is_public_and_the_rest_need_a_token(client, app):
    """Covers: R-MGR-2, R-FORM-1, R-ACC-1"""
    r = submit_a(client)
    assert r.status_code == 201, r.json
    assert r.json["status"] == "submitted" and r.json["national_id"] == "A12****789"
    assert r.headers["Location"].endswith(r.json["id"])
    r = client.post("/api/applications", json=form("C", CODE, "wang1234"))
    assert r.status_code == 401 and r.json["error"]["code"] == "auth.sign_in_required"
    # The applicant's own account (the token's subject), holding the form's national ID and e-mail.
    app.extensions["sync"].directory().kc.add_account(
        "app-1", "wang1234", "wang1234@clinic.example.tw", national_id_of("wang1234")
    )
    r = client.post(
        "/api/applications", json=form("C", CODE, "wang1234"), headers={"Authorization": "Bearer applicant"}
    )
    assert r.status_code == 201
    # Someone else's national ID or e-mail on one's own account's form: answered at once, beside the field.
    r = client.post(
        "/api/applications",
        json=form("C", CODE, "wang1234", national_id="B223456782", email="other@clinic.example.tw"),
        headers={"Authorization": "Bearer applicant"},
    )
    assert r.status_code == 422
    assert {e["code"] for e in r.json["error"]["errors"]} == {"national_id.not_the_holder", "email.not_the_holder"}
    # B, C and D are filed for one's own account
    r = client.post(
        "/api/applications", json=form("C", CODE, "chen5678"), headers={"Authorization": "Bearer applicant"}
    )
    assert r.status_code == 403 and r.json["error"]["code"] == "application.not_own_account"


def test_every_field_error_comes_back_at_once_in_both_languages(client):
    """Covers: R-FORM-1, R-FORM-2, R-FORM-3"""
    r = client.post(
        "/api/applications",
        json=solved(client, {**form("A", CODE, "abc"), "applicant_name": "臺大醫院", "national_id": "A123456788"}),
    )
    assert r.status_code == 422
    error = r.json["error"]
    assert error["code"] == "form.invalid" and error["zh"] and error["en"]
    assert {e["field"] for e in error["errors"]} == {"account", "applicant_name", "national_id"}


def test_bad_requests_are_json_errors(client):
    assert client.post("/api/applications", data="{", content_type="application/json").status_code == 400
    assert client.post("/api/applications", json=[1]).json["error"]["code"] == "request.invalid_json"
    r = client.post("/api/applications", json={**form("A", CODE, "wang1234"), "phone": 12})
    assert r.status_code == 422 and r.json["error"]["field"] == "phone"
    assert client.get("/api/applications").status_code == 401
    assert client.get("/api/applications", headers={"Authorization": "Bearer nope"}).status_code == 401
    r = client.get("/api/applications", headers={"Authorization": "Bearer applicant"})
    assert r.status_code == 403 and r.json["error"]["code"] == "auth.staff_required"
    r = client.get("/api/applications/nope", headers=REVIEWER_HEADERS)
    assert r.status_code == 404 and r.json["error"]["code"] == "application.not_found"
    assert client.get("/nowhere").json["error"]["code"] == "http.404"
    assert client.delete("/api/applications").status_code == 405


def test_review_flow_through_the_api(client):
    """Covers: R-DOC-4, R-MGR-1, R-FORM-6, R-VEN-1"""
    app_id = submit_a(client).json["id"]
    r = client.post(f"/api/applications/{app_id}/approve", json={}, headers=REVIEWER_HEADERS)
    assert r.status_code == 409 and r.json["error"]["code"] == "approval.originals_missing"
    r = client.post(
        f"/api/applications/{app_id}/originals",
        json={"documents": ["form-1", "unit-affidavit", "confidentiality-consent"]},
        headers=REVIEWER_HEADERS,
    )
    assert r.status_code == 422 and {e["field"] for e in r.json["error"]["errors"]} == {"letter_number", "received_on"}
    r = client.post(
        f"/api/applications/{app_id}/originals",
        json={"documents": ["form-1", "unit-affidavit", "confidentiality-consent"], **letter()},
        headers=REVIEWER_HEADERS,
    )
    assert r.status_code == 200, r.json
    assert r.json["status"] == "originals_received" and r.json["received_documents"] == [
        "form-1",
        "unit-affidavit",
        "confidentiality-consent",
    ]
    vendor_record = {"vendor_name": "林工程師", "processed_on": "2025-05-03"}
    r = client.post(f"/api/applications/{app_id}/vendor-record", json=vendor_record, headers=REVIEWER_HEADERS)
    assert r.status_code == 403 and r.json["error"]["code"] == "auth.vendor_required"  # 由系統廠商填寫
    r = client.post(f"/api/applications/{app_id}/vendor-record", json=vendor_record, headers=VENDOR_HEADERS)
    assert r.status_code == 200 and r.json["vendor_record"]["name"] == "林工程師"
    # The vendor reads the file and records its processing; it decides nothing (R-VEN-1).
    assert client.get(f"/api/applications/{app_id}", headers=VENDOR_HEADERS).status_code == 200
    for action, body in (("approve", {}), ("reject", {"reason": "x"}), ("retry", {}), ("cancel", {"reason": "x"})):
        r = client.post(f"/api/applications/{app_id}/{action}", json=body, headers=VENDOR_HEADERS)
        assert r.status_code == 403 and r.json["error"]["code"] == "auth.reviewer_required", action
    r = client.post(f"/api/applications/{app_id}/approve", json={}, headers=REVIEWER_HEADERS)
    assert r.status_code == 200 and r.json["status"] == "approved"
    assert r.json["changes"][0]["kind"] == "grant" and r.json["changes"][0]["create_account"]
    r = client.get(f"/api/applications/{app_id}/provisioning", headers=REVIEWER_HEADERS)
    assert r.json["changes"][0]["status"] == "pending"
    # a second manager for the same seat is refused, with the reason
    other = submit_a(client).json["id"]
    client.post(
        f"/api/applications/{other}/originals",
        json={"documents": ["form-1", "unit-affidavit", "confidentiality-consent"], **letter()},
        headers=REVIEWER_HEADERS,
    )
    r = client.post(f"/api/applications/{other}/approve", json={}, headers=REVIEWER_HEADERS)
    assert r.status_code == 409 and r.json["error"]["code"] == "manager_seat.taken"
    r = client.post(f"/api/applications/{other}/reject", json={"reason": "已有管理者"}, headers=REVIEWER_HEADERS)
    assert r.json["status"] == "rejected"
    listed = client.get("/api/applications?status=rejected", headers=REVIEWER_HEADERS).json["items"]
    assert [a["id"] for a in listed] == [other]
    by_id = client.get("/api/applications?national_id=A123456789", headers=REVIEWER_HEADERS).json["items"]
    assert len(by_id) == 2


def test_public_intake_is_rate_limited_per_address(tmp_path):
    app = make_app(
        tmp_path, budgets=budgets(type_a_accepted_per_address_per_hour=3, type_a_accepted_per_email_per_hour=3)
    )
    client = app.test_client()
    codes = [submit_a(client).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    r = submit_a(client)
    assert r.json["error"]["code"] == "rate_limited.hourly" and int(r.headers["Retry-After"]) > 0
    other = client.post(
        "/api/applications",
        json=solved(client, form("A", CODE, new_account_name())),
        environ_overrides={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 201
    app.extensions["sync"].engine.dispose()


def test_a_captcha_issued_by_one_web_process_is_read_and_answered_at_another_once(tmp_path):
    """The production shape serves the pages from two processes (gunicorn x2): the challenge,
    its picture and the answer may each reach a different one (decision 0061 kept challenges
    in one process's memory: the picture was a 404 and the answer refused there)."""
    first = make_app(tmp_path / "one")
    second = make_app(tmp_path / "two", database_url=f"sqlite:///{tmp_path / 'one' / 'api.db'}")
    issued = first.test_client().post("/api/captcha").json
    answer = first.extensions["sync"].challenges.answer_for_tests(issued["challenge"])
    picture = second.test_client().get(issued["image"])
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    body = {**form("A", CODE, new_account_name()), "challenge": issued["challenge"], "captcha": answer}
    assert second.test_client().post("/api/applications", json=body).status_code == 201
    again = first.test_client().post("/api/applications", json={**body, "account": new_account_name()})
    assert again.status_code == 400 and again.json["error"]["code"] == "captcha.required"  # answered once, anywhere
    for app in (first, second):
        app.extensions["sync"].engine.dispose()


def test_openapi_document_is_served(client):
    doc = client.get("/openapi.json").json
    assert doc["openapi"].startswith("3.") and "/api/applications/{application_id}/approve" in doc["paths"]
