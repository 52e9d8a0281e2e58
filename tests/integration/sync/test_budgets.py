"""Issue 19, the public pages against an attacker who solves every captcha (decision 0131):
budgets per reference or application, per client address and for everyone on status look-ups,
scans and type-A filings; the JSON intake's captcha; an existing account name answered as a new
one; and the smaller findings (a forged sign-in answer, markup in personal-data reasons, year 1).
Against the run's real Keycloak; the service in-process with its own database and budgets."""

from __future__ import annotations

import re

import pytest

from stack.samples import national_id as stranger_national_id
from sync_service.bootstrap import bootstrap
from sync_service.domain import FieldError
from sync_service.services import applications as use_cases
from sync_service.services import personal_data
from sync_service.services.ports import Caller
from sync_service.web import create_app
from tests.integration.sync.conftest import sync_settings
from tests.support.sync import REVIEWER, budgets, form, new_account_name

PDF = b"%PDF-1.4\n% a signed affidavit\n"


@pytest.fixture
def make_app(keycloak, run_secrets, mail, tmp_path):
    made = []

    def make(**budget_changes):
        wiring = bootstrap(sync_settings(keycloak, run_secrets, mail, tmp_path, budgets=budgets(**budget_changes)))
        made.append(wiring)
        return create_app(wiring=wiring)

    yield make
    for wiring in made:
        wiring.engine.dispose()


def _csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _solved(app, client) -> dict:
    """A captcha issued to the JSON intake, answered as a perfect solver would (the test seam)."""
    challenge = client.post("/api/captcha").json["challenge"]
    return {"challenge": challenge, "captcha": app.extensions["sync"].challenges.answer_for_tests(challenge)}


def test_status_look_ups_are_budgeted_per_reference_per_address_and_for_everyone(make_app, institution):
    """Issue 19: 150 wrong e-mails for a known reference met no limit; the reference is printed
    on the forms, so knowing it is no secret. Each budget on its own service."""

    def look_up(app, reference, email, address):
        client = app.test_client()
        data = {"csrf_token": _csrf(client, "/status"), "reference": reference, "email": email}
        return client.post("/status", data=data, environ_overrides={"REMOTE_ADDR": address})

    def filed(app):
        return use_cases.submit(app.extensions["sync"].uow(), form("A", institution, new_account_name()), caller=None)

    app = make_app(status_tries_per_reference_per_hour=4)
    known = filed(app)
    wrong = [look_up(app, known.id, f"guess{i}@clinic.example.tw", f"10.9.0.{i}").status_code for i in range(6)]
    assert wrong == [404] * 4 + [429] * 2  # per reference, whatever the address
    refused = look_up(app, known.id.lower(), known.form.email, "10.9.1.1")  # the right e-mail too, now
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert "查詢次數已達上限" in page and "try again in" in page

    app = make_app(status_tries_per_address_per_hour=3)
    references = [filed(app).id for _ in range(4)]
    codes = [look_up(app, r, "guess@clinic.example.tw", "10.9.2.1").status_code for r in references]
    assert codes == [404, 404, 404, 429]  # one address, many references

    app = make_app(status_tries_everyone_per_minute=3)
    references = [filed(app).id for _ in range(4)]
    codes = [look_up(app, r, "guess@clinic.example.tw", f"10.9.3.{i}").status_code for i, r in enumerate(references)]
    assert codes == [404, 404, 404, 429]  # many addresses, many references: everyone together


def test_scans_are_budgeted_and_bounded_per_document(make_app, institution):
    """Issue 19: 60 scans in 2.7 s were all taken."""
    app = make_app(scans_uploads_per_application_per_hour=12)
    wiring = app.extensions["sync"]
    client = app.test_client()
    token = _csrf(client, "/apply?type=A")
    body = {**form("A", institution, new_account_name()), "csrf_token": token}
    challenge = re.search(r'name="challenge" value="([^"]+)"', client.get("/apply?type=A").get_data(as_text=True))[1]
    body.update(challenge=challenge, captcha=wiring.challenges.answer_for_tests(challenge))
    filed = client.post("/apply", data=body)
    assert filed.status_code == 303, filed.get_data(as_text=True)
    reference = filed.headers["Location"].split("/applications/")[1].split("?")[0]
    codes = []
    for i in range(60):
        data = {"csrf_token": token, "document": "unit-affidavit", "file": (_file(i), "affidavit.pdf")}
        codes.append(client.post(f"/applications/{reference}/scans", data=data).status_code)
    assert codes[:5] == [303] * 5  # five kept per document (policies/budgets.toml)
    assert set(codes[5:12]) == {422} and set(codes[12:]) == {429}
    with wiring.uow() as uow:
        assert len(uow.scans.of_application(reference)) == 5


def _file(i: int):
    import io

    return io.BytesIO(PDF + str(i).encode())


def test_the_json_intake_of_an_a_needs_a_captcha_or_a_signed_in_caller(make_app, institution, make_user):
    """Issue 19: the JSON API filed a type A with no captcha at all."""

    app = make_app()
    client = app.test_client()
    body = form("A", institution, new_account_name())
    r = client.post("/api/applications", json=body)
    assert r.status_code == 400 and r.json["error"]["code"] == "captcha.required", r.json
    assert r.json["error"]["zh"] and "POST /api/captcha" in r.json["error"]["en"]
    wrong = {**body, "challenge": client.post("/api/captcha").json["challenge"], "captcha": "XXXXX"}
    assert client.post("/api/applications", json=wrong).status_code == 400
    assert client.post("/api/applications", json={**body, **_solved(app, client)}).status_code == 201
    issued = client.post("/api/captcha").json
    assert client.get(issued["image"]).mimetype == "image/png"


def test_an_existing_account_name_is_answered_as_a_new_one_and_the_reviewer_is_told(make_app, institution, make_user):
    """Issue 19: the intake's 409 account.exists told an anonymous caller which names exist.
    Covers: R-MGR-2"""
    from sync_service.services import review

    app = make_app()
    client = app.test_client()
    existing = make_user()
    answers = []
    # Someone else's account named with the filer's own national ID; its holder's own A; a new name.
    for account, national_id in (
        (existing["username"], stranger_national_id()),
        (existing["username"], existing["national_id"]),
        (new_account_name(), None),
    ):
        body = form("A", institution, account, **({"national_id": national_id} if national_id else {}))
        answers.append(client.post("/api/applications", json={**body, **_solved(app, client)}))
    assert [r.status_code for r in answers] == [201, 201, 201]
    assert set(answers[0].json) == set(answers[1].json) == set(answers[2].json)
    wiring = app.extensions["sync"]
    told = [
        review.review_file(wiring.uow(), r.json["id"], caller=REVIEWER, directory=wiring.directory()).existing_account
        for r in answers
    ]
    assert told[0] is not None and not told[0].same_person
    assert told[1] is not None and told[1].same_person
    assert told[2] is None


def test_type_a_filings_are_budgeted_per_account_name_and_for_everyone(make_app, institution):
    app = make_app(type_a_accepted_per_account_name_per_day=2, type_a_accepted_everyone_per_hour=5)
    client = app.test_client()

    def file(account, address):
        body = {**form("A", institution, account, email=f"{address}@clinic.example.tw"), **_solved(app, client)}
        return client.post("/api/applications", json=body, environ_overrides={"REMOTE_ADDR": address}).status_code

    name = new_account_name()
    assert [file(name, f"10.8.0.{i}") for i in range(3)] == [201, 201, 429]
    assert [file(new_account_name(), f"10.8.1.{i}") for i in range(4)] == [201, 201, 201, 429]


def test_a_sign_in_answer_not_begun_here_is_a_400_not_a_500(make_app):
    """Issue 19: `GET /signed-in?code=x&state=y` answered 500."""
    r = make_app().test_client().get("/signed-in?code=x&state=y")
    assert r.status_code == 400 and "重新登入" in r.get_data(as_text=True)


def test_personal_data_reasons_refuse_markup(wiring, make_user, institution):
    """Issue 19: personal-data reasons accepted markup (escaped on output, stored as given).
    Covers: R-PD-2"""
    person = make_user()
    asked = personal_data.file_request(
        wiring.uow(), Caller(subject=person["id"], username=person["username"]), {"kind": "copy"}
    )
    for act in (
        lambda: personal_data.extend(wiring.uow(), asked.id, REVIEWER, "<b>忙</b>"),
        lambda: personal_data.reject(wiring.uow(), asked.id, REVIEWER, '<img src=x onerror="alert(1)">'),
    ):
        with pytest.raises(FieldError, match=r"markup|HTML"):
            act()
    with pytest.raises(FieldError) as refused:
        personal_data.file_request(
            wiring.uow(),
            Caller(subject=person["id"], username=person["username"]),
            {"kind": "stop", "reason": "<script>x</script>"},
        )
    assert refused.value.code == "reason.markup"


def test_an_application_dated_year_1_is_refused(make_app, institution):
    """Issue 19: an application dated year 1 was accepted.
    Covers: R-FORM-1"""
    app = make_app()
    client = app.test_client()
    for dated in ("0001-01-01", "1999-12-31"):
        r = client.post(
            "/api/applications",
            json={**form("A", institution, new_account_name(), application_date=dated), **_solved(app, client)},
        )
        assert r.status_code == 422, r.json
        error = r.json["error"]
        assert {e["field"] for e in error.get("errors", [error])} == {"application_date"}
        assert "一年" in str(r.json) and "a year" in str(r.json)
