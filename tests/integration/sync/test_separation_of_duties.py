"""Issue 19, separation of duties that cannot be side-stepped (decision 0132), against the run's
real Keycloak (real reviewers, real tokens) and the service over HTTP: a reviewer approved an A
naming their own e-mail with a +x tag; one reviewer alone filed an A, recorded its originals and
approved it; one reviewer filed a B on a manager's behalf and approved it."""

from __future__ import annotations

import random

import pytest

import policies
from stack.legacy_export import national_id
from tests.support.sync import form, letter, new_account_name, with_captcha


def _file(sync_api, body: dict, token: str | None = None) -> dict:
    if token is None:
        body = with_captcha(sync_api.wiring, body)
    r = sync_api.post("/api/applications", token, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _originals(sync_api, app: dict, token: str) -> None:
    body = {"documents": app["missing_documents"], **letter()}  # each original against its letter (R-DOC-4)
    r = sync_api.post(f"/api/applications/{app['id']}/originals", token, json=body)
    assert r.status_code == 200, r.text


def _decide(sync_api, app: dict, token: str, action: str = "approve"):
    body = {"reason": "不符資格"} if action == "reject" else {}
    return sync_api.post(f"/api/applications/{app['id']}/{action}", token, json=body)


def _refused(response, matched: str, wiring, app: dict) -> None:
    """Refused with 403 and the audit row saying why: what matched, or its own filing (0161)."""
    assert response.status_code == 403, response.text
    code = "decision.own_filing" if matched == "filed" else "decision.own_application"
    assert response.json()["error"]["code"] == code
    with wiring.engine.connect() as conn:
        trail = wiring.chain.entries_of(conn, app["id"])
    last = [e.details for e in trail if e.action == "decision.refused"][-1]
    assert (last["reason"] == "own_filing") if matched == "filed" else (last["matched"] == matched)


def test_a_reviewer_cannot_decide_an_application_naming_a_mailbox_of_theirs(
    sync_api, service_tokens, make_reviewer, admin, institution
):
    """Covers: R-AUD-1"""
    reviewer = make_reviewer()
    colleague = service_tokens.for_service(make_reviewer())
    variants = (
        (None, reviewer["email"].upper().replace("@", "+x@")),  # capitals and a +tag
        ("mei.ling.lin@gmail.com", "MeiLingLin+screening@GoogleMail.com"),  # dots gmail ignores, its other name
    )
    for realm_address, address in variants:
        if realm_address:
            admin.update_user(reviewer["id"], {"email": realm_address})
        token = service_tokens.for_service(reviewer)
        app = _file(sync_api, form("A", institution, new_account_name(), email=address))
        _originals(sync_api, app, colleague)
        for action in ("approve", "reject"):
            _refused(_decide(sync_api, app, token, action), "email", sync_api.wiring, app)
    # dots are significant elsewhere: another person's mailbox at the clinic's own domain
    other = _file(sync_api, form("A", institution, new_account_name(), email="mei.ling.lin@clinic.example.tw"))
    _originals(sync_api, other, colleague)
    assert _decide(sync_api, other, token).status_code == 200


def test_the_filer_never_decides_what_they_filed_a_or_b(
    sync_api, service_tokens, make_reviewer, make_user, institution
):
    """Covers: R-AUD-1, R-DOC-4"""
    filer = service_tokens.for_service(make_reviewer())
    second = service_tokens.for_service(make_reviewer())
    # One reviewer alone: files an A for any name and e-mail, records its originals, approves it.
    a = _file(sync_api, form("A", institution, new_account_name()), filer)
    _originals(sync_api, a, filer)
    _refused(_decide(sync_api, a, filer), "filed", sync_api.wiring, a)
    assert _decide(sync_api, a, second).status_code == 200  # a second person decides
    # One reviewer files a B on a manager's behalf and approves it.
    held_id = national_id(random.Random())
    manager = make_user(nationalId=held_id)
    b_form = form("B", f"{int(institution) ^ 1:010d}", manager["username"], email=manager["email"], national_id=held_id)
    b = _file(sync_api, b_form, filer)
    _originals(sync_api, b, second)
    _refused(_decide(sync_api, b, filer, "reject"), "filed", sync_api.wiring, b)
    assert _decide(sync_api, b, second, "reject").status_code == 200


def test_with_three_people_per_decision_the_originals_recorder_does_not_decide(
    sync_api, service_tokens, make_reviewer, institution, monkeypatch
):
    """policies/duties.toml people_per_decision = 3: four eyes on the originals as well.
    Covers: R-DOC-4"""
    monkeypatch.setattr(policies, "duties", lambda: policies.Duties(3, ("gmail.com", "googlemail.com")))
    recorder = service_tokens.for_service(make_reviewer())
    decider = service_tokens.for_service(make_reviewer())
    app = _file(sync_api, form("A", institution, new_account_name()))
    _originals(sync_api, app, recorder)
    _refused(_decide(sync_api, app, recorder), "originals", sync_api.wiring, app)
    assert _decide(sync_api, app, decider).status_code == 200


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Wang.Xiaoming+hpa@NTUH.gov.tw", "wang.xiaoming@ntuh.gov.tw", True),
        ("wangxiaoming@ntuh.gov.tw", "wang.xiaoming@ntuh.gov.tw", False),
        ("w.a.n.g@gmail.com", "WANG+x@googlemail.com", True),
        (None, "wang@ntuh.gov.tw", False),
    ],
)
def test_mailboxes_are_compared_normalised(a, b, same):
    from sync_service.domain.fields import same_mailbox

    assert same_mailbox(a, b, policies.duties().dot_blind_domains) is same
