"""HPA reviewers' pages: the queue, one application's file, and every decision
on it. Nothing here needs the JSON API; each action is one use case."""

from __future__ import annotations

import json

from flask import Blueprint, Response, redirect, render_template, request, url_for

import policies

from ..domain import STATUS_LABELS, DomainError, Status, taiwan_date
from ..services import applications as use_cases
from ..services import personal_data, review
from ..services.clock import utcnow
from ..services.errors import NotFound
from ..services.ports import DirectoryError
from .page_support import field_errors, reviewer_only, signed_in_caller, staff_only, use_page_errors, wiring

blueprint = Blueprint("review", __name__, url_prefix="/review")
use_page_errors(blueprint)
PAGE = 50


@blueprint.get("/")
@staff_only
def queue():
    filters = {k: (request.args.get(k) or "").strip() or None for k in review.QUEUE_FILTERS}
    if filters["status"] not in (review.WAITING, review.ALL, *[s.value for s in Status]):
        filters["status"] = review.WAITING  # what the queue opens on: what waits for a reviewer
    order = request.args.get("order")
    newest_first = {"newest": True, "oldest": False}.get(order or "")
    page = max(int(request.args.get("page", "1")) if request.args.get("page", "1").isdigit() else 1, 1)
    q = review.queue(
        wiring().uow(),
        caller=signed_in_caller(),
        limit=PAGE,
        offset=(page - 1) * PAGE,
        newest_first=newest_first,
        **filters,
    )
    if newest_first is None:
        newest_first = filters["status"] != review.WAITING
    p = policies.load()
    return render_template(
        "review_queue.html",
        q=q,
        filters=filters,
        page=page,
        page_size=PAGE,
        statuses=list(STATUS_LABELS.items()),
        waiting_count=sum(q.counts.get(status, 0) for status in review.WAITING_STATUSES),
        newest_first=newest_first,
        types=list(p.application_types.values()),
        categories=p.categories.values(),
    )


LETTER_FORM = (*use_cases.FORM_FIELDS, "letter_number", "received_on")


def _letter_page(form: dict, errors: dict | None = None, status: int = 200):
    types = [policies.load().application_types[t.value] for t in use_cases.NOTICE_TYPES]
    return render_template("review_file_letter.html", form=form, errors=errors or {}, types=types), status


@blueprint.get("/file-letter")
@reviewer_only
def file_letter_form():
    """A B or D from the institution's letter: its representative's notice (附件2-1 四, R-MGR-6)."""
    return _letter_page({k: "" for k in LETTER_FORM})


@blueprint.post("/file-letter")
@reviewer_only
def file_letter():
    form = {k: request.form.get(k, "") for k in LETTER_FORM}
    try:
        app = use_cases.file_for_institution(
            wiring().uow(),
            {k: form[k] or None for k in use_cases.FORM_FIELDS},
            caller=signed_in_caller(),
            letter_number=form["letter_number"],
            received_on=form["received_on"],
            directory=wiring().directory(),
        )
    except DomainError as e:
        return _letter_page(form, field_errors(e) or {"type": (e.zh, e.en)}, 422)
    return redirect(url_for("review.application", reference=app.id), code=303)


@blueprint.get("/find")
@staff_only
def find():
    """The forms' QR code opens this (a phone camera), or a reviewer types the reference."""
    typed = request.args.get("reference", "")
    try:
        reference = review.find(wiring().uow(), typed, caller=signed_in_caller())
    except NotFound as e:
        return render_template("review_find.html", typed=typed, errors={"reference": (e.zh, e.en)}), 404
    except DomainError as e:
        return render_template("review_find.html", typed=typed, errors={"reference": (e.zh, e.en)}), 422
    return redirect(url_for("review.application", reference=reference))


def _file_page(reference: str, errors: dict | None = None, values: dict | None = None, status: int = 200):
    f = review.review_file(wiring().uow(), reference, caller=signed_in_caller(), directory=wiring().directory())
    today = taiwan_date(utcnow()).isoformat()
    defaults = {
        "received_on": "",  # typed from the letter, never assumed
        "letter_number": "",
        "reason": "",
        "vendor_name": "",
        "processed_on": today,
        "notes": "",
    }
    return render_template(
        "review_application.html", f=f, app=f.application, errors=errors or {}, values={**defaults, **(values or {})}
    ), status


@blueprint.get("/<reference>")
@staff_only
def application(reference):
    return _file_page(reference)


def _act(reference: str, action, values: dict):
    try:
        action()
    except DomainError as e:
        return _file_page(reference, field_errors(e) or {"decision": (e.zh, e.en)}, values, 422)
    return redirect(url_for("review.application", reference=reference), code=303)


@blueprint.post("/<reference>/originals")
@reviewer_only
def originals(reference):
    values = {k: request.form.get(k, "") for k in ("received_on", "letter_number")}
    documents = request.form.getlist("documents")
    return _act(
        reference,
        lambda: use_cases.record_originals_received(
            wiring().uow(),
            reference,
            caller=signed_in_caller(),
            documents=documents,
            letter_number=values["letter_number"],
            received_on=values["received_on"],
        ),
        {**values, "documents": documents},
    )


@blueprint.post("/<reference>/approve")
@reviewer_only
def approve(reference):
    replacing = request.form.get("replacing") or None
    return _act(
        reference,
        lambda: use_cases.approve(
            wiring().uow(), reference, caller=signed_in_caller(), replacing=replacing, directory=wiring().directory()
        ),
        {},
    )


@blueprint.post("/<reference>/reject")
@reviewer_only
def reject(reference):
    values = {"reason": request.form.get("reason", "")}
    return _act(
        reference,
        lambda: use_cases.reject(
            wiring().uow(),
            reference,
            caller=signed_in_caller(),
            reason=values["reason"],
            directory=wiring().directory(),
        ),
        values,
    )


@blueprint.post("/<reference>/retry")
@reviewer_only
def retry(reference):
    """A failed provisioning, its cause fixed, goes to the worker again."""
    return _act(
        reference,
        lambda: use_cases.retry_provisioning(
            wiring().uow(), reference, caller=signed_in_caller(), directory=wiring().directory()
        ),
        {},
    )


@blueprint.post("/<reference>/cancel")
@reviewer_only
def cancel(reference):
    """A failed application is given up, with the reason the applicant will read."""
    values = {"reason": request.form.get("reason", "")}
    return _act(
        reference,
        lambda: use_cases.cancel_application(
            wiring().uow(),
            reference,
            caller=signed_in_caller(),
            reason=values["reason"],
            directory=wiring().directory(),
        ),
        values,
    )


@blueprint.post("/<reference>/vendor-record")
@staff_only
def vendor_record(reference):
    """維護廠商登錄 (R-FORM-6), kept with every later step in the audit chain."""
    values = {k: request.form.get(k, "") for k in ("vendor_name", "processed_on", "notes")}
    return _act(
        reference,
        lambda: use_cases.record_vendor_processing(
            wiring().uow(),
            reference,
            caller=signed_in_caller(),
            vendor_name=values["vendor_name"],
            processed_on=values["processed_on"],
            notes=values["notes"],
        ),
        values,
    )


# ---- personal-data requests (R-PD-2, decision 0095) ----------------------------


@blueprint.get("/personal-data")
@staff_only
def personal_data_queue():
    status = request.args.get("status", "open")
    status = status if status in ("open", "approved", "rejected", "all") else "open"
    requests = personal_data.queue(wiring().uow(), signed_in_caller(), None if status == "all" else status)
    return render_template(
        "review_personal_data_queue.html",
        requests=requests,
        status=status,
        today=personal_data.today(),
        rules=policies.personal_data(),
    )


def _request_page(
    request_id: str,
    errors: dict | None = None,
    values: dict | None = None,
    status: int = 200,
    applied: dict | None = None,
):
    r = personal_data.get(wiring().uow(), request_id, signed_in_caller())
    return render_template(
        "review_personal_data.html",
        r=r,
        errors=errors or {},
        values=values or {},
        today=personal_data.today(),
        rules=policies.personal_data(),
        correctable=policies.personal_data().correctable,
    ), status


@blueprint.get("/personal-data/written")
@staff_only
def written_request_form():
    """A request received in writing (附件4 五 「以書面…向資拓宏宇行使」, R-PD-2, R-VEN-1)."""
    return _written_page({k: "" for k in personal_data.WRITTEN_FIELDS})


def _written_page(values: dict, errors: dict | None = None, status: int = 200):
    return render_template(
        "review_personal_data_written.html", values=values, errors=errors or {}, rules=policies.personal_data()
    ), status


@blueprint.post("/personal-data/written")
@staff_only
def written_request():
    values = {k: request.form.get(k, "") for k in personal_data.WRITTEN_FIELDS}
    letter = request.files.get("letter")
    try:
        filed = personal_data.register_written(
            wiring().uow(),
            wiring().directory(),
            signed_in_caller(),
            values,
            letter_name=letter.filename if letter and letter.filename else "",
            letter_data=letter.read() if letter else b"",
        )
    except DomainError as e:
        return _written_page(values, field_errors(e) or {"kind": (e.zh, e.en)}, 422)
    return redirect(url_for("review.personal_data_request", request_id=filed.id), code=303)


@blueprint.get("/personal-data/<request_id>/letter")
@staff_only
def personal_data_letter(request_id):
    letter = personal_data.letter_of(wiring().uow(), request_id, signed_in_caller())
    return Response(
        letter.content or b"",
        mimetype=letter.content_type,
        headers={"Content-Disposition": f'attachment; filename="{letter.filename}"', "Cache-Control": "no-store"},
    )


@blueprint.get("/personal-data/<request_id>/copy.json")
@staff_only
def personal_data_written_copy(request_id):
    data = personal_data.written_copy(wiring().uow(), wiring().directory(), request_id, signed_in_caller())
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="personal-data-{request_id}.json"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.get("/personal-data/<request_id>")
@staff_only
def personal_data_request(request_id):
    return _request_page(request_id)


def _decide_request(request_id: str, action, values: dict):
    try:
        action()
    except DomainError as e:
        return _request_page(request_id, field_errors(e) or {"decision": (e.zh, e.en)}, values, 422)
    except DirectoryError as e:
        return _request_page(request_id, {"decision": (e.zh, e.en)}, values, 503)
    return redirect(url_for("review.personal_data_request", request_id=request_id), code=303)


@blueprint.post("/personal-data/<request_id>/approve")
@staff_only
def personal_data_approve(request_id):
    return _decide_request(
        request_id,
        lambda: personal_data.approve(wiring().uow(), wiring().directory(), request_id, signed_in_caller()),
        {},
    )


@blueprint.post("/personal-data/<request_id>/reject")
@staff_only
def personal_data_reject(request_id):
    values = {"decision_reason": request.form.get("decision_reason", "")}
    return _decide_request(
        request_id,
        lambda: personal_data.reject(wiring().uow(), request_id, signed_in_caller(), values["decision_reason"]),
        values,
    )


@blueprint.post("/personal-data/<request_id>/extend")
@staff_only
def personal_data_extend(request_id):
    values = {"extension_reason": request.form.get("extension_reason", "")}
    return _decide_request(
        request_id,
        lambda: personal_data.extend(wiring().uow(), request_id, signed_in_caller(), values["extension_reason"]),
        values,
    )
