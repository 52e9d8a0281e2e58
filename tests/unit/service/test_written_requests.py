"""Personal-data requests received in writing (R-PD-2, R-VEN-1; issue 22 point 1), through the use
cases against the fake directory: registered by the vendor for anyone, the requester checked by
national ID, the letter kept, a fee recorded; then the online request's deadlines and decisions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sync_service.domain import FormInvalid
from sync_service.domain.personal_data import RequestStatus
from sync_service.services import applications as use_cases
from sync_service.services import personal_data
from sync_service.services.errors import Forbidden
from tests.support.sync import APPLICANT, REVIEWER, TW, VENDOR, form, new_account_name, ready_application

PDF = b"%PDF-1.4 a letter"
CODE = "0401180014"


def _register(wiring, fake_keycloak, **fields):
    values = {"kind": "copy", "received_on": datetime.now(TW).date().isoformat(), **fields}
    return personal_data.register_written(
        wiring.uow(), fake_keycloak.directory(), VENDOR, values, letter_name="letter.pdf", letter_data=PDF
    )


def test_a_rejected_applicant_without_an_account_asks_in_writing_and_gets_a_copy(wiring, fake_keycloak):
    """Covers: R-PD-2, R-VEN-1"""
    rejected = ready_application(wiring, "A", CODE, new_account_name(), national_id="A123456789")
    use_cases.reject(wiring.uow(), rejected, caller=REVIEWER, reason="切結書未用印")
    received = datetime.now(TW).date() - timedelta(days=2)
    request = _register(wiring, fake_keycloak, national_id="a123456789", received_on=received.isoformat(), fee="20")
    assert request.channel == "written" and request.registered_by == VENDOR.username and request.fee == 20
    assert request.due_on == received + timedelta(days=15)  # from the letter's day
    with wiring.uow() as uow:
        assert uow.personal_requests.letter(request.id).content == PDF
    personal_data.approve(wiring.uow(), fake_keycloak.directory(), request.id, VENDOR)
    copy = personal_data.written_copy(wiring.uow(), fake_keycloak.directory(), request.id, VENDOR)
    assert [a["reference"] for a in copy["applications"]] == [rejected]
    assert copy["applications"][0]["national_id"] == "A123456789" and copy["profile"] is None
    decided = personal_data.get(wiring.uow(), request.id, VENDOR)
    assert decided.status is RequestStatus.APPROVED and decided.decided_by == VENDOR.username


def test_the_requester_is_checked_against_what_is_held(wiring, fake_keycloak):
    """Covers: R-PD-2"""
    stopped = new_account_name()
    fake_keycloak.add_account("id-stopped", stopped, f"{stopped}@clinic.example.tw", "A123456789")
    with pytest.raises(FormInvalid) as e:  # another person's national ID for that account
        _register(wiring, fake_keycloak, account=stopped, national_id="B120863158")
    assert [err.code for err in e.value.errors] == ["national_id.not_the_holder"]
    with pytest.raises(FormInvalid) as e:  # nothing held under it at all
        _register(wiring, fake_keycloak, national_id="B120863158")
    assert [err.code for err in e.value.errors] == ["national_id.nothing_held"]
    # A person whose account was stopped at their own request (disabled) is the account's holder.
    fake_keycloak.accounts["id-stopped"]["enabled"] = False
    request = _register(wiring, fake_keycloak, account=stopped, national_id="A123456789", kind="delete")
    assert request.account == stopped


def test_a_written_request_needs_its_letter_and_a_true_date(wiring, fake_keycloak):
    """Covers: R-PD-2"""
    tomorrow = (datetime.now(TW).date() + timedelta(days=1)).isoformat()
    with pytest.raises(FormInvalid) as e:
        personal_data.register_written(
            wiring.uow(),
            fake_keycloak.directory(),
            VENDOR,
            {"kind": "nothing", "national_id": "A123456788", "received_on": tomorrow, "fee": "-5"},
            letter_name="letter.txt",
            letter_data=b"plain text",
        )
    assert {err.field for err in e.value.errors} == {"kind", "national_id", "received_on", "fee", "letter"}


def test_only_staff_register_and_decide(wiring, fake_keycloak):
    """Covers: R-VEN-1"""
    use_cases.submit(wiring.uow(), form("A", CODE, new_account_name()), caller=None)
    with pytest.raises(Forbidden):
        personal_data.register_written(
            wiring.uow(), fake_keycloak.directory(), APPLICANT, {}, letter_name="x.pdf", letter_data=PDF
        )
