"""A person's own data (R-PD-2): what is held about them, a copy, and their
requests to correct, stop or delete. Signed in through the realm, like /mine."""

from __future__ import annotations

import json

from flask import Blueprint, Response, redirect, render_template, request, url_for

import policies

from ..domain import DomainError
from ..domain.personal_data import STATUS_LABELS, RequestStatus
from ..services import personal_data as use_cases
from ..services.ports import DirectoryError
from .page_support import field_errors, signed_in, signed_in_caller, use_page_errors, wiring

blueprint = Blueprint("personal_data", __name__)
use_page_errors(blueprint)


def _page(values: dict | None = None, errors: dict | None = None, status: int = 200, sent: str | None = None):
    who = signed_in_caller()
    held = use_cases.held_data(wiring().uow(), wiring().directory(), who)
    copy_ready = any(r["kind"] == "copy" and r["status"] == RequestStatus.APPROVED.value for r in held.requests)
    return render_template(
        "my_data.html",
        held=held,
        rules=policies.personal_data(),
        values=values or {},
        errors=errors or {},
        copy_ready=copy_ready,
        sent=sent,
        request_labels={s.value: label for s, label in STATUS_LABELS.items()},
    ), status


@blueprint.get("/my-data")
@signed_in
def my_data():
    return _page(sent=request.args.get("sent"))


@blueprint.post("/my-data/requests")
@signed_in
def file_request():
    values = {k: request.form.get(k, "") for k in ("kind", "field", "value", "reason")}
    try:
        filed = use_cases.file_request(wiring().uow(), signed_in_caller(), values)
    except DomainError as e:
        return _page(values, field_errors(e) or {"kind": (e.zh, e.en)}, 422)
    return redirect(url_for("personal_data.my_data", sent=filed.kind, _anchor="requests"), code=303)


@blueprint.get("/my-data/copy.json")
@signed_in
def copy():
    try:
        data = use_cases.copy_of(wiring().uow(), wiring().directory(), signed_in_caller())
    except DirectoryError as e:
        return render_template("error.html", status=503, zh=e.zh, en=e.en), 503
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="personal-data-{signed_in_caller().username}.json"',
            "Cache-Control": "no-store",
        },
    )
