"""Issue 8, the sync service's part: who may ask for what, crafted input, limits,
headers, personal data in logs, and a cut end of the audit chain. Against the
run's real Keycloak (real tokens, real accounts) and the real service over HTTP."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import text

from sync_service.domain import Status
from sync_service.services import applications as use_cases
from sync_service.web import create_app
from tests.support.personal_data import national_id
from tests.support.sync import REVIEWER, budgets, form, letter, new_account_name, ready_application, with_captcha

CAT = "CRC-COL"
ORIGINALS = {"A": ["unit-affidavit", "confidentiality-consent"]}


def audit_rows(wiring, application_id: str) -> list:
    """The application's trail with people named (the chain itself holds pseudonyms, decision 0095)."""
    with wiring.engine.connect() as conn:
        return wiring.chain.entries_of(conn, application_id)


def submit(sync_api, body: dict, token: str | None = None):
    if token is None and body.get("type") == "A":  # anonymous: the captcha answered (decision 0131)
        body = with_captcha(sync_api.wiring, body)
    return sync_api.post("/api/applications", token, json=body)


def ready(sync_api, reviewer_token: str, body: dict, token: str | None = None) -> str:
    """Submitted (by `token`, or anonymously) and its originals recorded: ready to decide."""
    r = submit(sync_api, body, token)
    assert r.status_code == 201, r.text
    app = r.json()
    r = sync_api.post(
        f"/api/applications/{app['id']}/originals",
        reviewer_token,
        json={"documents": app["missing_documents"], **letter()},
    )
    assert r.status_code == 200, r.text
    return app["id"]


def person_form(type_: str, institution: str, person: dict, **extra) -> dict:
    """Form 1 naming `person`'s own account with their e-mail and national ID."""
    return form(
        type_,
        institution,
        person["username"],
        **{"email": person["email"], "national_id": person["national_id"], **extra},
    )


def person(username: str) -> dict:
    """A Keycloak user of the realm's profile, made by an administrator."""
    return {
        "username": username,
        "enabled": True,
        "email": f"{username}.other@clinic.example.tw",
        "firstName": "美玲",
        "lastName": "林",
        "attributes": {"department": ["護理部"], "phone": ["(02)2559-1969#117"], "nationalId": [national_id()]},
    }


# ---- 1. token audience --------------------------------------------------------


def test_a_token_issued_for_another_client_is_refused(sync_api, service_tokens, make_reviewer):
    """No rule id: who may call the API at all (issue 8, point 1)."""
    reviewer = make_reviewer()
    r = sync_api.get("/api/applications", service_tokens.for_other(reviewer))
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "auth.token_audience"
    assert "sync-service" in r.json()["error"]["en"]
    assert sync_api.get("/api/applications", service_tokens.for_service(reviewer)).status_code == 200
    scheme = sync_api.get("/openapi.json").json()["components"]["securitySchemes"]["bearer"]
    assert {"sync-service", "reviewer-pages", "aud", "azp"} <= set(re.findall(r"[a-z-]+", scheme["description"]))


# ---- 2. separation of duties ----------------------------------------------------


def test_nobody_decides_an_application_naming_themselves(
    sync_api, wiring, service_tokens, make_reviewer, make_user, institution
):
    """Covers: R-AUD-1"""
    reviewer = make_reviewer()
    colleague = make_reviewer()
    mine, theirs = service_tokens.for_service(reviewer), service_tokens.for_service(colleague)
    own_account = ready(sync_api, theirs, person_form("C", institution, reviewer), mine)
    # The reviewer's national ID or e-mail on someone else's application: a new account's (A), since a
    # B, C or D naming an account whose holder is not the person on the form is refused at filing.
    own_id = ready(
        sync_api,
        theirs,
        form("A", institution, new_account_name(), national_id=reviewer["national_id"], category="CER-COL"),
    )
    own_mail = ready(
        sync_api,
        theirs,
        form("A", institution, new_account_name(), national_id=national_id(), email=reviewer["email"]),
    )
    for app_id in (own_account, own_id, own_mail):
        for action, body in (("approve", {}), ("reject", {"reason": "自己的申請"})):
            r = sync_api.post(f"/api/applications/{app_id}/{action}", mine, json=body)
            assert r.status_code == 403, (app_id, action, r.text)
            error = r.json()["error"]
            assert error["code"] == "decision.own_application" and error["zh"] and error["en"]
        refusals = [row for row in audit_rows(wiring, app_id) if row.action == "decision.refused"]
        assert len(refusals) == 2 and refusals[0].actor == reviewer["username"]
    r = sync_api.post(f"/api/applications/{own_account}/approve", theirs, json={})
    assert r.status_code == 200, r.text


# ---- 3. B, C, D belong to the person who files them --------------------------------


def test_b_c_d_are_filed_for_ones_own_account_or_by_a_reviewer(
    sync_api, wiring, service_tokens, make_user, make_reviewer, institution
):
    """Covers: R-CONF-2, R-AUD-1"""
    filer, other = make_user(), make_user()
    filer_token = service_tokens.for_service(filer)
    for type_ in ("B", "C", "D"):
        r = submit(sync_api, person_form(type_, institution, other), filer_token)
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "application.not_own_account"
    assert submit(sync_api, person_form("C", institution, filer), filer_token).status_code == 201
    reviewer = make_reviewer()
    r = submit(sync_api, person_form("C", institution, other), service_tokens.for_service(reviewer))
    assert r.status_code == 201, r.text
    [submitted] = [row for row in audit_rows(wiring, r.json()["id"]) if row.action == "application.submitted"]
    assert submitted.actor == reviewer["username"]
    assert submitted.details["on_behalf_of"] == other["username"]


def test_the_worker_checks_the_account_still_is_the_person_on_the_application(wiring, worker, make_user, institution):
    """Covers: R-MGR-4"""
    person = make_user()
    wrong_mail = ready_application(wiring, "C", institution, person["username"], email="not.them@clinic.example.tw")
    wrong_id = ready_application(
        wiring,
        "C",
        institution,
        person["username"],
        email=person["email"],
        national_id=national_id(),
        category="CER-COL",
    )
    for app_id in (wrong_mail, wrong_id):
        use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
    worker.run_until_idle()
    with wiring.uow() as uow:
        mail_app, id_app = uow.applications.get(wrong_mail), uow.applications.get(wrong_id)
    assert mail_app.status is Status.FAILED and "e-mail" in mail_app.failure_reason
    assert id_app.status is Status.FAILED and "national ID" in id_app.failure_reason


# ---- 4. a failed application does not hold the seat ---------------------------------


def test_failed_provisioning_releases_the_seat_and_a_reviewer_retries_or_cancels(
    sync_api, wiring, worker, admin, service_tokens, make_reviewer, institution
):
    """Covers: R-MGR-1, R-MGR-2, R-AUD-1"""
    reviewer = service_tokens.for_service(make_reviewer())
    squatted = new_account_name("q")
    first = ready(sync_api, reviewer, form("A", institution, squatted))
    # The name is taken all the same (its reservation removed by hand, decision 0121).
    admin.delete_user(admin.get_user_id(squatted))
    squatter = admin.create_user(person(squatted))
    assert sync_api.post(f"/api/applications/{first}/approve", reviewer, json={}).status_code == 200
    worker.run_until_idle()
    r = sync_api.get(f"/api/applications/{first}", reviewer)
    assert r.json()["status"] == "failed" and "account" in r.json()["failure_reason"]
    # the seat is free again: another applicant for the same institution and category is approved
    second = ready(sync_api, reviewer, form("A", institution, new_account_name()))
    r = sync_api.post(f"/api/applications/{second}/approve", reviewer, json={})
    assert r.status_code == 200, r.text
    # retrying the failed one now meets the seat taken: a clear refusal
    r = sync_api.post(f"/api/applications/{first}/retry", reviewer, json={})
    assert r.status_code == 409 and r.json()["error"]["code"] == "manager_seat.taken"
    r = sync_api.post(f"/api/applications/{first}/cancel", reviewer, json={"reason": "帳號名稱已有他人使用"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    assert sync_api.post(f"/api/applications/{first}/retry", reviewer, json={}).status_code == 409
    # a retry after the cause is fixed provisions it
    other_place = f"{int(institution) ^ 1:010d}"
    third_name = new_account_name("q")
    third = ready(sync_api, reviewer, form("A", other_place, third_name))
    admin.delete_user(admin.get_user_id(third_name))
    blocker = admin.create_user(person(third_name))
    sync_api.post(f"/api/applications/{third}/approve", reviewer, json={})
    worker.run_until_idle()
    assert sync_api.get(f"/api/applications/{third}", reviewer).json()["status"] == "failed"
    admin.delete_user(blocker)  # the cause is fixed
    r = sync_api.post(f"/api/applications/{third}/retry", reviewer, json={})
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    worker.run_until_idle()
    assert sync_api.get(f"/api/applications/{third}", reviewer).json()["status"] == "provisioned"
    actions = {row.action for row in audit_rows(wiring, first)} | {row.action for row in audit_rows(wiring, third)}
    assert {"application.cancelled", "application.retried"} <= actions
    admin.delete_user(squatter)


def test_intake_takes_an_a_for_an_existing_name_like_a_new_one_and_flags_duplicates(sync_api, make_user, institution):
    """Covers: R-MGR-2, R-FORM-3"""
    existing = make_user()  # the answer tells nobody the name exists (issue 19; decision 0131)
    r = submit(sync_api, form("A", institution, existing["username"], national_id=national_id()))
    assert r.status_code == 201 and r.json()["duplicates"] == [], r.text
    account = new_account_name()
    first = submit(sync_api, form("A", institution, account))
    assert first.status_code == 201 and first.json()["duplicates"] == []
    again = submit(sync_api, form("A", institution, account))
    assert again.status_code == 201 and again.json()["duplicates"] == [first.json()["id"]]


# ---- 5. public intake limits -------------------------------------------------------


@pytest.fixture
def limited_app(keycloak, run_secrets, mail, tmp_path):
    from sync_service.bootstrap import bootstrap
    from tests.integration.sync.conftest import sync_settings

    wiring = bootstrap(
        sync_settings(
            keycloak,
            run_secrets,
            mail,
            tmp_path,
            budgets=budgets(
                type_a_accepted_per_address_per_hour=2,
                type_a_accepted_per_email_per_hour=2,
                type_a_tries_per_address_per_minute=6,
            ),
        )
    )
    yield create_app(wiring=wiring)
    wiring.engine.dispose()


def test_intake_limits_count_accepted_submissions_per_address_and_e_mail(
    limited_app, service_tokens, make_user, institution
):
    """No rule id: abuse of the public intake (issue 8, point 5)."""
    client = limited_app.test_client()

    def post(body, address="10.1.0.1", token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if not token and body.get("type") == "A":
            body = with_captcha(limited_app.extensions["sync"], body)
        return client.post("/api/applications", json=body, headers=headers, environ_overrides={"REMOTE_ADDR": address})

    bad = {**form("A", institution, new_account_name()), "national_id": "A123456788"}
    assert post(bad).status_code == 422  # invalid tries do not use up the hourly limit
    assert post(form("A", institution, new_account_name())).status_code == 201
    assert post(bad).status_code == 422
    assert post(form("A", institution, new_account_name())).status_code == 201
    r = post(form("A", institution, new_account_name()))
    assert r.status_code == 429, r.json
    error = r.json["error"]
    wait = int(r.headers["Retry-After"])
    assert 0 < wait <= 3600 and error["code"] == "rate_limited.hourly"
    assert re.search(r"\d+ 分鐘", error["zh"]) and re.search(r"try again in \d+ minute", error["en"])
    # per e-mail: the same applicant from another address
    mailbox = "same.person@clinic.example.tw"
    assert post(form("A", institution, new_account_name(), email=mailbox), "10.2.0.1").status_code == 201
    assert post(form("A", institution, new_account_name(), email=mailbox), "10.2.0.2").status_code == 201
    assert post(form("A", institution, new_account_name(), email=mailbox), "10.2.0.3").status_code == 429
    # a realm token that is not a reviewer's skips nothing
    person = make_user()
    token = service_tokens.for_service(person)
    codes = [
        post(form("C", institution, person["username"], email=person["email"]), "10.3.0.1", token).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    # the burst limit counts every try, accepted or not
    codes = [post(bad, "10.4.0.1").status_code for _ in range(7)]
    assert codes == [422] * 6 + [429]


# ---- 6. crafted input -----------------------------------------------------------------


def test_crafted_input_gets_a_clear_client_error(sync_api, service_tokens, make_reviewer, institution):
    """No rule id: robustness and a clear answer to hostile input (issue 8, point 6)."""
    reviewer = service_tokens.for_service(make_reviewer())
    deep = "[" * 5000 + "]" * 5000
    r = sync_api.post(
        "/api/applications", data=('{"type": ' + deep + "}").encode(), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "request.invalid_json", r.text
    body = json.dumps(form("A", institution, new_account_name()), ensure_ascii=False)
    surrogate = body.replace("家庭醫學部", "家庭\\ud800醫學部").encode()
    r = sync_api.post("/api/applications", data=surrogate, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422) and r.json()["error"]["zh"], r.text
    for name, value in (("limit", "²"), ("offset", "¹"), ("limit", "٣"), ("status", "bogus")):
        r = sync_api.get("/api/applications", reviewer, params={name: value})
        assert r.status_code == 422 and r.json()["error"]["field"] == name, (name, r.text)
    hidden = {"NUL": "\x00", "RLO": "\u202e", "zero-width": "\u200b", "BEL": "\x07", "BOM": "\ufeff"}
    for label, char in hidden.items():
        for field in ("applicant_name", "department", "institution_name", "account", "institution_code"):
            filled = form("A", institution, new_account_name())
            filled[field] = filled[field][:2] + char + filled[field][2:]
            r = submit(sync_api, filled)
            assert r.status_code == 422, (label, field, r.text)
            assert field in {e["field"] for e in r.json()["error"].get("errors", [r.json()["error"]])}
    r = submit(sync_api, {**form("A", institution, new_account_name()), "department": "<script>x</script>"})
    assert r.status_code == 422, r.text
    r = sync_api.post("/api/applications", data={"type": "A"})
    assert r.status_code == 400 and "must be JSON" in r.json()["error"]["en"], r.text


# ---- 7. personal data in the service's log ------------------------------------------


def test_no_national_id_or_phone_number_in_the_service_log(
    sync_api, service_tokens, make_reviewer, institution, caplog
):
    """Covers: R-PD-1"""
    caplog.set_level(logging.DEBUG)
    reviewer = service_tokens.for_service(make_reviewer())
    body = form("A", institution, new_account_name(), phone="0912-345-678")
    assert submit(sync_api, body).status_code == 201
    r = sync_api.get(f"/api/applications?national_id={body['national_id']}&status=submitted", reviewer)
    assert r.status_code == 200 and r.json()["items"]
    sync_api.get(f"/api/applications?national_id={body['national_id']}&limit=x", reviewer)
    # The service's own records (the test's HTTP client, urllib3, logs its requests too).
    lines = "\n".join(record.getMessage() for record in caplog.records if not record.name.startswith("urllib3"))
    assert "/api/applications" in lines, "the look-up is logged, without its query"
    for secret in (body["national_id"], "912345678", "912-345-678"):
        assert secret not in lines


# ---- 8. response headers -----------------------------------------------------------------

SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")


def assert_security_headers(response) -> None:
    for name in SECURITY_HEADERS:
        assert response.headers.get(name), (response.url, name)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS only over TLS
    server = response.headers.get("Server", "")
    assert "Werkzeug" not in server and "Python" not in server, server


def test_the_sync_service_sends_security_headers_and_no_banner(sync_api):
    """No rule id: browser-side hardening (issue 8, point 8)."""
    for path in ("/health", "/openapi.json", "/api/applications", "/nowhere"):
        assert_security_headers(sync_api.get(path))


def test_the_stand_in_client_sends_security_headers_and_handles_an_error_callback(screening_client):
    """No rule id: browser-side hardening (issue 8, point 8)."""
    import requests

    assert_security_headers(requests.get(screening_client + "/", timeout=30))
    # The stand-in speaks the browser's language before anyone has signed in (issue 21 point 9).
    r = requests.get(screening_client + "/callback", params={"error": "x"}, timeout=30)
    assert r.status_code == 400 and "登入" in r.text, r.text
    assert_security_headers(r)
    english = {"Accept-Language": "en"}
    r = requests.get(screening_client + "/callback", params={"error": "x"}, headers=english, timeout=30)
    assert r.status_code == 400 and "Sign in" in r.text, r.text
    r = requests.get(screening_client + "/callback", params={"code": "x", "state": "y"}, timeout=30)
    assert r.status_code == 400, r.text


# ---- 16. a cut end of the audit chain ---------------------------------------------------------


@pytest.mark.parametrize("cut", ["last rows", "all rows"])
def test_a_truncated_audit_chain_is_detected(wiring, institution, cut):
    """Covers: R-AUD-1"""
    for _ in range(2):
        ready_application(wiring, "A", institution, new_account_name())
    with wiring.engine.begin() as conn:
        assert wiring.chain.verify(conn).ok
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        last = conn.execute(text("SELECT max(seq) FROM audit_log")).scalar_one()
        conn.execute(text("DELETE FROM audit_log WHERE seq > :keep"), {"keep": last - 3 if cut == "last rows" else 0})
    with wiring.engine.connect() as conn:
        report = wiring.chain.verify(conn)
    assert not report.ok
    assert "truncated" in report.broken.reason
