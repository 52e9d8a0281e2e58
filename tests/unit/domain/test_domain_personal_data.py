"""Personal-data requests: deadlines from policies, one extension with its reason, decisions with theirs."""

from datetime import UTC, date, datetime, timedelta

import pytest

import policies
from sync_service.domain import DomainError, FieldError, FormInvalid
from sync_service.domain.personal_data import RequestStatus, new_request

NOON_TW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 12:00 in Taipei
RULES = policies.personal_data()  # the kinds of request and their deadlines


def test_each_kind_is_due_as_the_act_says_and_extends_once_by_as_much_with_a_reason():
    """Covers: R-PD-2"""
    rules = policies.personal_data()
    assert {k: v.answer_within_days for k, v in rules.kinds.items()} == {
        "copy": 15,
        "correct": 30,
        "stop": 30,
        "delete": 30,
    }
    for kind, rule in rules.kinds.items():
        r = new_request(
            rules=RULES,
            id="r1",
            account="Wang1234",
            kind=kind,
            now=NOON_TW,
            field_name="email",
            value="wang@clinic.example.tw",
        )
        assert r.account == "wang1234" and r.due_on == date(2026, 3, 2) + timedelta(days=rule.answer_within_days)
        with pytest.raises(FieldError) as no_reason:
            r.extend("  ", by="reviewer-lin", rules=RULES)
        assert no_reason.value.field == "extension_reason"
        r.extend("需向機構調閱紙本", by="reviewer-lin", rules=RULES)
        assert r.deadline == r.due_on + timedelta(days=rule.extension_days)
        with pytest.raises(DomainError) as twice:
            r.extend("再延一次", by="reviewer-lin", rules=RULES)
        assert twice.value.code == "request.extended_once"
        assert not r.overdue(r.deadline) and r.overdue(r.deadline + timedelta(days=1))


def test_a_reviewer_decides_with_a_reason_for_a_refusal_and_never_on_their_own_request():
    """Covers: R-PD-2"""
    r = new_request(rules=RULES, id="r2", account="lin5678", kind="delete", now=NOON_TW)
    with pytest.raises(DomainError) as own:
        r.approve(by="LIN5678", at=NOON_TW)
    assert own.value.code == "request.own"
    with pytest.raises(FieldError):
        r.reject("", by="reviewer-lin", at=NOON_TW)
    r.reject("查無此人之資料", by="reviewer-lin", at=NOON_TW)
    assert r.status is RequestStatus.REJECTED and not r.overdue(r.deadline + timedelta(days=99))
    with pytest.raises(DomainError) as again:
        r.approve(by="reviewer-lin", at=NOON_TW)
    assert again.value.code == "request.decided"


def test_a_correction_names_an_item_and_a_value_of_its_shape():
    """Covers: R-PD-2"""
    with pytest.raises(FormInvalid) as no_item:
        new_request(
            rules=RULES, id="r3", account="wang1234", kind="correct", now=NOON_TW, field_name="nationalId", value="x"
        )
    assert no_item.value.errors[0].field == "field"
    with pytest.raises(FormInvalid) as bad_mail:
        new_request(
            rules=RULES, id="r3", account="wang1234", kind="correct", now=NOON_TW, field_name="email", value="not-mail"
        )
    assert bad_mail.value.errors[0].field == "value"
    phone = new_request(
        rules=RULES,
        id="r3",
        account="wang1234",
        kind="correct",
        now=NOON_TW,
        field_name="phone",
        value="(02)2559-1969#117",
    )
    assert phone.details["field"] == "phone" and "117" in phone.details["value"]
    with pytest.raises(FieldError) as unknown:
        new_request(rules=RULES, id="r4", account="wang1234", kind="everything", now=NOON_TW)
    assert unknown.value.field == "kind"
