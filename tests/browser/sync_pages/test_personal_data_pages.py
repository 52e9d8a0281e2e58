"""A person's personal-data requests through the pages, against the run's real
Keycloak: see what is held, ask for a copy, a correction and deletion; a
reviewer extends, refuses and approves; the copy holds the person and nobody
else; deletion says what is kept, and keeps only that."""

from __future__ import annotations

import json

import pytest

from sync_service.services import applications as use_cases
from sync_service.services.ports import Caller
from tests.pages.sync_pages import MyDataPage, ReviewPersonalDataPage
from tests.support.sync import form

pytestmark = pytest.mark.browser


def _with_application(service, person: dict, institution: str, national_id: str) -> str:
    caller = Caller(subject=person["id"], username=person["username"])
    return use_cases.submit(
        service.uow(), form("C", institution, person["username"], national_id=national_id), caller=caller
    ).id


def test_a_person_asks_for_a_copy_a_correction_and_deletion_and_a_reviewer_decides(
    service, base_url, page, make_user, reviewer, sign_in, institution, admin, tmp_path, shoot, csp_violations
):
    """Covers: R-PD-2"""
    me, other = make_user(), make_user()
    mine = _with_application(service, me, institution, me["national_id"])
    theirs = _with_application(service, other, institution, other["national_id"])

    sign_in(me, "/my-data")
    my_data = MyDataPage(page, base_url)
    assert my_data.serious_accessibility_violations() == []
    assert my_data.profile()["username"] == me["username"] and my_data.profile()["email"] == me["email"]
    assert my_data.application_references() == [mine]
    assert "查詢、閱覽或製給複製本" in page.inner_text("#request-form") and "View the data held" in page.inner_text(
        "#request-form"
    )
    notice = my_data.deletion_notice()
    assert "稽核紀錄" in notice and "pseudonymised" in notice  # said before anyone asks

    my_data.ask("correct", field="email")  # no value: said beside the field, in both languages
    assert my_data.error_beside("value") and "E-mail" in my_data.error_beside("value")
    my_data.ask("copy", by_keyboard=True)
    assert "已收到" in my_data.confirmation() and "received" in my_data.confirmation()
    my_data.ask("correct", field="email", value=f"{me['username']}.new@clinic.example.tw")
    my_data.ask("delete", reason="已離職，不再使用本系統")
    assert sorted(r["kind"] for r in my_data.requests()) == ["copy", "correct", "delete"]
    shoot(my_data, "my-data")

    sign_in(reviewer, "/review/personal-data")
    review = ReviewPersonalDataPage(page, base_url)
    assert review.serious_accessibility_violations() == []
    assert {(r["account"], r["kind"]) for r in review.queued()} >= {
        (me["username"], k) for k in ("copy", "correct", "delete")
    }
    review.open_request_of(me["username"], "copy")
    assert review.serious_accessibility_violations() == []
    before = review.deadline()
    review.extend("需向機構調閱紙本")
    assert review.deadline() != before
    review.approve()
    assert review.status() == "approved"
    review.open_queue()
    review.open_request_of(me["username"], "correct")
    review.reject("")
    assert "原因" in review.error_beside("decision_reason") and "Say why" in review.error_beside("decision_reason")
    review.reject("新的 E-mail 須由機構管理者確認")
    shoot(review, "review-personal-data")

    sign_in(me, "/my-data")
    copy = json.loads(my_data.download_copy(tmp_path).read_text())
    assert copy["profile"]["username"] == me["username"] and [a["reference"] for a in copy["applications"]] == [mine]
    assert copy["applications"][0]["national_id"] == me["national_id"]
    text = json.dumps(copy, ensure_ascii=False)
    for nobody_else in (other["username"], other["email"], theirs, other["national_id"], reviewer["username"]):
        assert nobody_else not in text
    shown = {r["kind"]: r for r in my_data.requests()}
    assert "需向機構調閱紙本" in shown["copy"]["text"] and "新的 E-mail 須由機構管理者確認" in shown["correct"]["text"]

    sign_in(reviewer, "/review/personal-data")
    review.open_request_of(me["username"], "delete")
    assert "pseudonymised" in page.inner_text("#kept-after-deletion")
    review.approve()
    assert review.status() == "approved"
    assert admin.get_users({"username": me["username"], "exact": "true"}) == []
    assert admin.get_users({"username": other["username"], "exact": "true"}) != []
    with service.engine.connect() as conn:
        assert service.chain.verify(conn).ok
    assert csp_violations == []
