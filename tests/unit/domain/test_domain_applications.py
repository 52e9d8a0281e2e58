"""The Application aggregate: intake of form 1, documents, and the state machine."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

import policies
from sync_service.domain import (
    ApplicationType,
    ApprovalRefused,
    DomainError,
    FieldError,
    FormInvalid,
    IllegalTransition,
    ManagerSeat,
    Receipt,
    Status,
    new_application,
)
from sync_service.domain import events as ev
from sync_service.domain.events import Event

TW = timezone(timedelta(hours=8))
AT = datetime(2025, 5, 2, 10, 0, tzinfo=TW)
TODAY = date(2025, 5, 2)

FORM = dict(
    category="CRC-COL",
    institution_code="0401180014",
    institution_name="國立臺灣大學醫學院附設醫院",
    department="家庭醫學部",
    applicant_name="王小明",
    account="wang1234",
    phone="(02)2312-3456#6521",
    national_id="A123456789",
    email="wang.xiaoming@ntuh.gov.tw",
    application_date="2025-05-01",
)
NOTICE_DAYS = policies.departures().notice_days  # a B or D with less is flagged (R-MGR-6)
LETTER_RULES = policies.letters()  # the official letter's number format (R-DOC-4)


def seat_for(app):
    """The seat an approval of `app` can succeed on: empty for A and C, held by the account for B and D."""
    holder = None if app.type.appoints_manager else app.account
    return ManagerSeat(app.institution.code, app.category, manager=holder)


LETTER = {"letter_number": "國健癌字第1140000456號", "received_on": "2025-05-02"}


def received(app, documents) -> None:
    """`documents` recorded as received (R-DOC-4), as a letter would."""
    app.receipts = {d: Receipt(d, LETTER["letter_number"], TODAY, "clerk-chen", AT) for d in documents}


def make(type_="A", status=None, documents=None, **overrides):
    """An application in `status` with `documents` received on paper (by default: none before
    the originals are recorded, every required one after)."""
    values = {**FORM, **overrides}
    if type_ == "B":
        values.setdefault("reason", "離職")
    app = new_application(catalogue=policies.load(), id="app-1", type=type_, today=TODAY, **values)
    if documents is None:
        early = status in (None, Status.DRAFT, Status.SUBMITTED)
        documents = () if early else app.required_documents
    received(app, documents)
    if status is not None:
        app.status = status
        if status in (Status.APPROVED, Status.PROVISIONED, Status.FAILED):
            app.decided_by = "reviewer-lin"
    return app


# ---------------------------------------------------------------------------
# Intake


def test_new_application_is_a_validated_draft():
    """Covers: R-FORM-1, R-FORM-3"""
    app = make("A", documents=())
    assert app.status is Status.DRAFT
    assert app.type is ApplicationType.A
    assert app.institution.code == "0401180014"
    assert app.form.national_id.value == "A123456789"
    assert app.form.phone.e164 == "+886223123456" and app.form.phone.extension == "6521"
    assert app.form.application_date == date(2025, 5, 1)
    assert app.events == []


def test_all_field_errors_are_reported_together():
    """Covers: R-FORM-1, R-FORM-2, R-FORM-3"""
    with pytest.raises(FormInvalid) as e:
        new_application(
            catalogue=policies.load(),
            id="x",
            type="A",
            category="LUNG",
            institution_code="12345",
            institution_name="",
            department="",
            applicant_name="仁愛診所",
            account="adm12345",
            phone="123",
            national_id="A123456788",
            email="wang@",
            application_date="2099-01-01",
            today=TODAY,
        )
    fields_in_error = {err.field for err in e.value.errors}
    assert fields_in_error == {
        "category",
        "institution_code",
        "institution_name",
        "department",
        "applicant_name",
        "account",
        "phone",
        "national_id",
        "email",
        "application_date",
    }
    body = e.value.as_dict()
    assert body["code"] == "form.invalid" and len(body["errors"]) == 10
    assert "10" in e.value.zh


def test_unknown_type_is_refused_and_the_rest_still_checked():
    """Covers: R-FORM-1"""
    with pytest.raises(FormInvalid) as e:
        make("E", account="has space")
    assert {(err.field, err.code) for err in e.value.errors} == {
        ("type", "type.unknown"),
        ("account", "account.format"),
    }


@pytest.mark.parametrize("type_", ["B", "C", "D"])
def test_existing_account_types_take_any_existing_account_shape(type_):
    """Covers: R-MGR-3, R-MGR-4, R-MGR-5"""
    # "lin" is too short for a new name (R-FORM-3) but may be an existing account
    assert make(type_, account="Lin").account == "lin"


def test_new_account_rules_apply_to_a():
    """Covers: R-FORM-3, R-FORM-4"""
    with pytest.raises(FormInvalid) as e:
        make("A", account="lin")
    assert e.value.errors[0].code == "account.format"
    for type_ in "ABCD":
        with pytest.raises(FormInvalid) as e:
            make(type_, account="ADM0401180014")
        assert e.value.errors[0].code == "account.adm_account"


def test_b_requires_a_reason():
    """Covers: R-FORM-1"""
    assert make("B", reason="離職").form.reason == "離職"
    with pytest.raises(FormInvalid) as e:
        make("B", reason="  ")
    assert [err.code for err in e.value.errors] == ["reason.required"]


@pytest.mark.parametrize("type_", ["A", "B", "C", "D"])
def test_every_type_carries_the_forms_date(type_):
    """Covers: R-MGR-6"""
    app = make(type_, effective_date="2025-05-20")
    assert app.form.effective_date == date(2025, 5, 20) == app.form.takes_effect_on
    undated = make(type_)
    assert undated.form.effective_date is None and undated.form.takes_effect_on == date(2025, 5, 1)
    with pytest.raises(FormInvalid) as e:
        make(type_, effective_date="2027-01-01")
    assert [err.code for err in e.value.errors] == ["effective_date.too_far"]


def test_notice_counts_from_the_day_hpa_received_the_letter():
    """Covers: R-MGR-6

    附件2-1 四: 15 days before the effective date. The form's own date can be typed back;
    the notice counts from the day form 1's letter reached HPA, and before that from today."""
    b = make("B", status=Status.SUBMITTED, effective_date="2025-05-20", application_date="2025-04-01")
    assert b.notice_days(TODAY) == 18 and not b.late_notice(TODAY, NOTICE_DAYS)  # not in yet: from today
    assert b.late_notice(date(2025, 5, 6), NOTICE_DAYS)  # 14 days left and still no letter
    b.record_originals_received(
        letter_rules=LETTER_RULES,
        by="clerk-chen",
        at=AT,
        documents=["form-1"],
        letter_number="國健癌字第1140000456號",
        received_on="2025-05-02",
    )
    assert b.form_received_on == TODAY and b.notice_days(date(2025, 6, 1)) == 18
    d = make("D", status=Status.SUBMITTED, effective_date="2025-05-10")
    assert d.notice_days(TODAY) == 8 and d.late_notice(TODAY, NOTICE_DAYS)
    for type_ in "AC":  # appointments give no notice
        assert make(type_, effective_date="2025-05-03").notice_days(TODAY) is None
        assert not make(type_, effective_date="2025-05-03").late_notice(TODAY, NOTICE_DAYS)


def test_reason_belongs_to_b_only():
    """Covers: R-FORM-1"""
    for type_ in "ACD":
        with pytest.raises(FormInvalid) as e:
            make(type_, reason="離職", effective_date="2025-05-20")
        assert {err.code for err in e.value.errors} == {"reason.not_applicable"}


def test_type_labels_come_from_policies():
    """Covers: R-FORM-1"""
    names = policies.load().application_types
    assert {t.value for t in ApplicationType} == set(names)
    assert names[ApplicationType.A].zh == "管理者新申請"
    assert names[ApplicationType.D].en == "Manager becomes user"


# ---------------------------------------------------------------------------
# Documents


@pytest.mark.parametrize(
    "type_,category",
    list(itertools.product("ABCD", ["CRC-COL", "CER-COL", "HPV-COL", "GAS-COL", "GAS-LAB"])),
)
def test_required_documents_follow_policies(type_, category):
    """Covers: R-DOC-1, R-DOC-2, R-DOC-3"""
    app = make(type_, category=category)
    expected = {"form-1"}
    if type_ in "AC":
        expected |= {"unit-affidavit", "confidentiality-consent"}
        if category == "GAS-LAB":
            expected |= {"lab-opening-licence", "technologist-licence"}
    assert set(app.required_documents) == expected
    assert app.required_documents == policies.load().required_documents(type_, category)


def test_declaring_documents():
    """Covers: R-DOC-1, R-DOC-4, R-AUD-1"""
    app = make("A", documents=())
    app.declare_document("form-1", by="applicant", at=AT)
    app.declare_document("form-1", by="applicant", at=AT)  # twice: nothing new
    assert app.declared_documents == {"form-1"}
    # Declared is not received: every original is still missing.
    assert app.missing_documents == ("form-1", "unit-affidavit", "confidentiality-consent")
    assert [type(e) for e in app.events] == [ev.DocumentDeclared]
    with pytest.raises(FieldError) as e:
        app.declare_document("lab-opening-licence", by="applicant", at=AT)  # not GAS-LAB
    assert e.value.code == "documents.not_required"
    with pytest.raises(FieldError):
        app.declare_document("unit-affidavit-v2", by="applicant", at=AT)


def test_documents_cannot_be_declared_after_the_decision():
    """Covers: R-DOC-4"""
    for status in (Status.APPROVED, Status.REJECTED, Status.PROVISIONED, Status.FAILED):
        app = make("A", status=status, documents=())
        with pytest.raises(IllegalTransition):
            app.declare_document("form-1", by="reviewer-lin", at=AT)


def test_originals_are_recorded_letter_by_letter_all_or_nothing():
    """Covers: R-DOC-4"""
    app = make("C", category="GAS-LAB", status=Status.SUBMITTED)
    with pytest.raises(FormInvalid):
        app.record_originals_received(
            letter_rules=LETTER_RULES, by="clerk-chen", at=AT, documents=["form-1", "bogus"], **LETTER
        )
    assert app.status is Status.SUBMITTED and app.receipts == {} and app.events == []
    app.record_originals_received(
        letter_rules=LETTER_RULES, by="clerk-chen", at=AT, documents=["form-1", "unit-affidavit", "form-1"], **LETTER
    )
    assert app.status is Status.SUBMITTED  # three originals still to come
    assert set(app.receipts) == {"form-1", "unit-affidavit"}
    assert app.receipts["form-1"] == Receipt("form-1", "國健癌字第1140000456號", TODAY, "clerk-chen", AT)
    assert app.events[-1].documents == ("form-1", "unit-affidavit")
    assert app.events[-1].letter_number == "國健癌字第1140000456號" and app.events[-1].received_on == TODAY
    with pytest.raises(FormInvalid) as e:  # a document is received once
        app.record_originals_received(letter_rules=LETTER_RULES, by="clerk-chen", at=AT, documents=["form-1"], **LETTER)
    assert e.value.errors[0].code == "documents.already_received"
    later = {"letter_number": "臺大醫字第114001234號", "received_on": "114/05/02"}
    app.record_originals_received(
        letter_rules=LETTER_RULES,
        by="clerk-wu",
        at=AT,
        documents=["confidentiality-consent", "lab-opening-licence", "technologist-licence"],
        **later,
    )
    assert app.status is Status.ORIGINALS_RECEIVED and app.missing_documents == ()
    assert app.originals_received_by == "clerk-wu" and app.originals_received_at == AT
    assert app.receipts["technologist-licence"].letter_number == "臺大醫字第114001234號"


@pytest.mark.parametrize(
    "letter,fields",
    [
        ({}, {"letter_number", "received_on"}),
        ({"letter_number": "x", "received_on": "2025-05-02"}, {"letter_number"}),
        ({"letter_number": "國健癌字第1140000456號", "received_on": "2025-05-03"}, {"received_on"}),  # tomorrow
        ({"letter_number": "國健癌字第1140000456號", "received_on": "2025-04-30"}, {"received_on"}),  # before the form
        ({"letter_number": "國健癌字第1150000456號", "received_on": "2025-05-02"}, {"letter_number"}),  # next year's
        ({"letter_number": "國健癌字第1120000456號", "received_on": "2025-05-02"}, {"letter_number"}),  # two years old
        ({"letter_number": "第1140000456號", "received_on": "2025-05-02"}, {"letter_number"}),
    ],
)
def test_a_letter_needs_its_number_and_a_true_date(letter, fields):
    """Covers: R-DOC-4"""
    app = make("A", status=Status.SUBMITTED)
    with pytest.raises(FormInvalid) as e:
        app.record_originals_received(letter_rules=LETTER_RULES, by="clerk-chen", at=AT, documents=["form-1"], **letter)
    assert {err.field for err in e.value.errors} == fields
    assert all(err.zh and err.en for err in e.value.errors)
    assert app.receipts == {} and app.events == []


def test_a_letter_names_at_least_one_original():
    """Covers: R-DOC-4"""
    app = make("A", status=Status.SUBMITTED)
    with pytest.raises(FormInvalid) as e:
        app.record_originals_received(letter_rules=LETTER_RULES, by="clerk-chen", at=AT, documents=[], **LETTER)
    assert [err.code for err in e.value.errors] == ["documents.required"]


# ---------------------------------------------------------------------------
# Approval preconditions


def test_approval_waits_for_the_originals():
    """Covers: R-DOC-4"""
    app = make("A", status=Status.SUBMITTED)
    with pytest.raises(ApprovalRefused) as e:
        app.approve(seat_for(app), by="reviewer-lin", at=AT)
    assert e.value.code == "approval.originals_missing"
    assert "正本" in e.value.zh
    assert app.status is Status.SUBMITTED


@pytest.mark.parametrize(
    "type_,category,present,missing",
    [
        ("A", "CRC-COL", {"form-1"}, ("unit-affidavit", "confidentiality-consent")),
        ("C", "HPV-COL", {"form-1", "confidentiality-consent"}, ("unit-affidavit",)),
        (
            "A",
            "GAS-LAB",
            {"form-1", "unit-affidavit", "confidentiality-consent"},
            ("lab-opening-licence", "technologist-licence"),
        ),
        (
            "C",
            "GAS-LAB",
            {"form-1", "unit-affidavit", "confidentiality-consent", "lab-opening-licence"},
            ("technologist-licence",),
        ),
        ("B", "GAS-LAB", set(), ("form-1",)),
        ("D", "CER-COL", set(), ("form-1",)),
    ],
)
def test_approval_refused_while_a_document_is_missing(type_, category, present, missing):
    """Covers: R-DOC-1, R-DOC-2, R-DOC-3"""
    app = make(type_, category=category, status=Status.ORIGINALS_RECEIVED, documents=present)
    with pytest.raises(ApprovalRefused) as e:
        app.approve(seat_for(app), by="reviewer-lin", at=AT)
    assert e.value.code == "approval.documents_missing"
    assert e.value.missing == missing
    assert app.status is Status.ORIGINALS_RECEIVED and app.events == []


def test_b_and_d_need_form_1_only():
    """Covers: R-DOC-3"""
    for type_ in "BD":
        app = make(type_, category="GAS-LAB", status=Status.ORIGINALS_RECEIVED, documents={"form-1"})
        app.approve(seat_for(app), by="reviewer-lin", at=AT)
        assert app.status is Status.APPROVED


# ---------------------------------------------------------------------------
# The state machine: every (state, action) pair, legal or not.

# Written out independently of the domain's TRANSITIONS table.
LEGAL = {
    (Status.DRAFT, "submit"): Status.SUBMITTED,
    (Status.SUBMITTED, "record_originals_received"): Status.ORIGINALS_RECEIVED,
    (Status.ORIGINALS_RECEIVED, "approve"): Status.APPROVED,
    (Status.SUBMITTED, "reject"): Status.REJECTED,
    (Status.ORIGINALS_RECEIVED, "reject"): Status.REJECTED,
    (Status.APPROVED, "mark_provisioned"): Status.PROVISIONED,
    (Status.FAILED, "mark_provisioned"): Status.PROVISIONED,
    (Status.APPROVED, "mark_failed"): Status.FAILED,
    (Status.FAILED, "mark_failed"): Status.FAILED,
    (Status.FAILED, "retry"): Status.APPROVED,
    (Status.FAILED, "cancel"): Status.CANCELLED,
}
EVENT_OF = {
    "submit": ev.ApplicationSubmitted,
    "record_originals_received": ev.OriginalsReceived,
    "approve": ev.ApplicationApproved,
    "reject": ev.ApplicationRejected,
    "mark_provisioned": ev.ApplicationProvisioned,
    "mark_failed": ev.ProvisioningFailed,
    "retry": ev.ProvisioningRetried,
    "cancel": ev.ApplicationCancelled,
}
ACTIONS = {
    "submit": lambda a: a.submit(by="applicant:wang1234", at=AT),
    "record_originals_received": lambda a: a.record_originals_received(
        letter_rules=LETTER_RULES, by="clerk-chen", at=AT, documents=a.required_documents, **LETTER
    ),
    "approve": lambda a: a.approve(seat_for(a), by="reviewer-lin", at=AT),
    "reject": lambda a: a.reject(by="reviewer-lin", at=AT, reason="切結書未蓋章"),
    "mark_provisioned": lambda a: a.mark_provisioned(by="sync-worker", at=AT),
    "mark_failed": lambda a: a.mark_failed("Keycloak unreachable", by="sync-worker", at=AT),
    "retry": lambda a: a.retry(seat_for(a), by="reviewer-lin", at=AT),
    "cancel": lambda a: a.cancel(seat_for(a), by="reviewer-lin", at=AT, reason="帳號名稱已有他人使用"),
}


@pytest.mark.parametrize("status,action", list(itertools.product(Status, ACTIONS)))
def test_every_transition(status, action):
    """Covers: R-DOC-4, R-AUD-1"""
    app = make("A", status=status)
    if (status, action) in LEGAL:
        ACTIONS[action](app)
        assert app.status is LEGAL[(status, action)]
        assert len(app.events) == 1 and isinstance(app.events[0], EVENT_OF[action])
        event = app.events[0]
        assert isinstance(event, Event)
        assert event.application_id == "app-1" and event.at == AT and event.by
    else:
        expected = ApprovalRefused if (status, action) == (Status.SUBMITTED, "approve") else IllegalTransition
        with pytest.raises(expected) as e:
            ACTIONS[action](app)
        assert e.value.zh and e.value.en
        assert app.status is status
        assert app.events == []


def test_the_domain_table_matches_the_written_one():
    """Covers: R-DOC-4"""
    from sync_service.domain import TRANSITIONS

    derived = {(s, action): target for action, (sources, target, _, _) in TRANSITIONS.items() for s in sources}
    assert derived == LEGAL


def test_illegal_transition_message_names_the_state():
    """A refused step says, in zh-Hant and English, which state the application is in."""
    app = make("A", status=Status.REJECTED)
    with pytest.raises(IllegalTransition) as e:
        app.approve(seat_for(app), by="reviewer-lin", at=AT)
    assert e.value.code == "transition.approve"
    assert "已退件" in e.value.zh and "rejected" in e.value.en


def test_full_happy_path_records_who_what_when_and_whose_approval():
    """Covers: R-AUD-1, R-DOC-4"""
    app = make("A", documents=())
    app.submit(by="applicant:wang1234", at=AT)
    app.declare_document("form-1", by="applicant:wang1234", at=AT)
    app.record_originals_received(letter_rules=LETTER_RULES, by="clerk-chen", at=AT, documents=["form-1"], **LETTER)
    app.record_originals_received(
        letter_rules=LETTER_RULES,
        by="clerk-chen",
        at=AT + timedelta(days=3),
        documents=["unit-affidavit", "confidentiality-consent"],
        letter_number="國健癌字第1140000457號",
        received_on="2025-05-05",
    )
    app.approve(seat_for(app), by="reviewer-lin", at=AT + timedelta(days=4))
    app.mark_failed("Keycloak unreachable", by="sync-worker", at=AT + timedelta(days=4, minutes=1))
    app.mark_provisioned(by="sync-worker", at=AT + timedelta(days=4, minutes=5))
    names = [e.name for e in app.events]
    assert names == [
        "application.submitted",
        "application.document_declared",
        "application.originals_received",
        "application.originals_received",
        "application.approved",
        "application.provisioning_failed",
        "application.provisioned",
    ]
    approved, failed, provisioned = app.events[-3:]
    assert approved.approved_by == "reviewer-lin"
    assert failed.approved_by == "reviewer-lin" and failed.reason == "Keycloak unreachable"
    assert provisioned.approved_by == "reviewer-lin" and provisioned.by == "sync-worker"
    assert app.status is Status.PROVISIONED and app.failure_reason is None
    assert app.approved_by == "reviewer-lin"


def test_reject_needs_a_reason():
    """Covers: R-AUD-1"""
    app = make("A", status=Status.SUBMITTED)
    with pytest.raises(FieldError) as e:
        app.reject(by="reviewer-lin", at=AT, reason="  ")
    assert e.value.code == "reason.required"
    assert app.status is Status.SUBMITTED
    app.reject(by="reviewer-lin", at=AT, reason="切結書未蓋章")
    assert app.rejection_reason == "切結書未蓋章" and app.decided_by == "reviewer-lin"
    assert app.approved_by is None


def test_failure_needs_a_reason():
    """Covers: R-AUD-1"""
    app = make("A", status=Status.APPROVED)
    with pytest.raises(FieldError):
        app.mark_failed("", by="sync-worker", at=AT)
    assert app.status is Status.APPROVED


def test_every_step_needs_who_and_an_unambiguous_when():
    """Covers: R-AUD-1"""
    app = make("A")
    with pytest.raises(DomainError) as e:
        app.submit(by=" ", at=AT)
    assert e.value.code == "actor.required"
    with pytest.raises(DomainError) as e:
        app.submit(by="applicant", at=datetime(2025, 5, 2, 10, 0))
    assert e.value.code == "time.naive"
    assert app.status is Status.DRAFT and app.events == []


# ---------------------------------------------------------------------------
# The vendor's processing record (維護廠商登錄)


def test_vendor_record_is_kept_for_every_submitted_application():
    """Covers: R-FORM-6, R-AUD-1"""
    for status in set(Status) - {Status.DRAFT}:
        app = make("A", status=status)
        app.record_vendor_processing("陳工程師", "114/05/03", "已建立帳號", by="vendor-chen", at=AT)
        assert app.vendor_record.name == "陳工程師"
        assert app.vendor_record.processed_on == date(2025, 5, 3)
        assert app.vendor_record.notes == "已建立帳號"
        event = app.events[-1]
        assert isinstance(event, ev.VendorProcessingRecorded) and event.by == "vendor-chen"
        expected_approver = "reviewer-lin" if status in (Status.APPROVED, Status.PROVISIONED, Status.FAILED) else None
        assert event.approved_by == expected_approver


def test_vendor_record_rules():
    """Covers: R-FORM-6"""
    app = make("A")
    with pytest.raises(IllegalTransition):
        app.record_vendor_processing("陳工程師", "2025-05-03", by="vendor-chen", at=AT)
    app.status = Status.SUBMITTED
    with pytest.raises(FormInvalid) as e:
        app.record_vendor_processing("", "2025-02-30", "備" * 1001, by="vendor-chen", at=AT)
    assert {err.field for err in e.value.errors} == {"vendor_name", "processed_on", "notes"}
    assert app.vendor_record is None and app.events == []
    app.record_vendor_processing("陳工程師", "2025-05-03", by="vendor-chen", at=AT)
    app.record_vendor_processing("林工程師", "2025-05-04", "補登", by="vendor-lin", at=AT)
    assert app.vendor_record is not None and app.vendor_record.name == "林工程師"
    assert len(app.events) == 2  # both records stay on the audit chain
