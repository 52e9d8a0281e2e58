"""The JSON API over the use cases: parse the request, call one use case, shape the answer."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

import policies

from ..domain import STATUS_LABELS, Application, Status, taiwan_date
from ..services import applications as use_cases
from ..services.clock import utcnow
from ..services.ports import Caller
from .api_error import ApiError
from .auth import current_caller
from .limits import captcha_limits, intake_limits

blueprint = Blueprint("api", __name__, url_prefix="/api")

FILTERS = ("status", "type", "institution_code", "category", "account", "national_id")
STATUSES = frozenset(s.value for s in Status)


def _wiring():
    return current_app.extensions["sync"]


def _caller() -> Caller:
    """The caller of a request that needs one (401 without a valid token)."""
    return current_caller()


def _caller_if_any() -> Caller | None:
    return current_caller(required=False)


def _directory():
    return _wiring().directory()


def _body() -> dict:
    """The request's JSON object. Anything else is refused with a clear 400:
    a form-encoded body, JSON that does not parse (or nests absurdly deep)."""
    if not request.data and not request.form:
        return {}
    if not request.is_json:
        raise ApiError(
            400,
            "request.not_json",
            "請求內容必須是 JSON（Content-Type: application/json）",
            "The body must be JSON (Content-Type: application/json)",
        )
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "request.invalid_json", "請求內容應為 JSON 物件", "The body must be a JSON object")
    return data


def _text(data: dict, name: str) -> str | None:
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    raise ApiError(422, f"{name}.not_text", f"欄位 {name} 應為文字", f"Field {name} must be text", field=name)


def _documents(data: dict) -> list[str]:
    value = data.get("documents", [])
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value) or len(value) > 20:
        raise ApiError(
            422,
            "documents.invalid",
            "documents 應為文件代碼的清單",
            "documents must be a list of document ids",
            field="documents",
        )
    return value


def _application_id(application_id: str) -> str:
    if len(application_id) > 40:
        from ..services.errors import application_not_found

        raise application_not_found(application_id[:40])
    return application_id


def represent(app: Application, duplicates: list[str] | None = None) -> dict:
    f, v = app.form, app.vendor_record
    zh, en = STATUS_LABELS[app.status]
    today = taiwan_date(utcnow())

    def iso(value):
        return value.isoformat() if value else None

    return {
        "id": app.id,
        "type": app.type.value,
        "category": app.category,
        "institution": {"code": app.institution.code, "name": app.institution.name},
        "department": f.department,
        "applicant_name": f.applicant_name,
        "account": f.account,
        "phone": f.phone.national,
        "national_id": f.national_id.masked(),
        "email": f.email,
        "application_date": iso(f.application_date),
        "reason": f.reason,
        "effective_date": iso(f.effective_date),
        # R-MGR-6: the day the change takes effect (A, C: on approval if later), and for B and D
        # the notice given, counted from the day HPA received form 1.
        "takes_effect_on": iso(f.takes_effect_on),
        "notice_days": app.notice_days(today),
        "notice_counted_from": iso(app.form_received_on),
        "late_notice": app.late_notice(today, policies.departures().notice_days),
        "filed_by": app.filed_by,
        "filed_for": app.filed_for,
        "status": app.status.value,
        "status_label": {"zh": zh, "en": en},
        # What the applicant declared, apart from what HPA received on paper (R-DOC-4).
        "declared_documents": sorted(app.declared_documents),
        "received_documents": list(app.received_documents),
        "missing_documents": list(app.missing_documents),
        "receipts": [
            {
                "document": r.document,
                "letter_number": r.letter_number,
                "received_on": iso(r.received_on),
                "recorded_by": r.by,
                "recorded_at": iso(r.at),
            }
            for r in sorted(app.receipts.values(), key=lambda r: (r.at, r.document))
        ],
        "vendor_record": {"name": v.name, "processed_on": iso(v.processed_on), "notes": v.notes} if v else None,
        "submitted_at": iso(app.submitted_at),
        "originals_received_by": app.originals_received_by,
        "originals_received_at": iso(app.originals_received_at),
        "decided_by": app.decided_by,
        "decided_at": iso(app.decided_at),
        "replacing": app.replacing,
        "rejection_reason": app.rejection_reason,
        "failure_reason": app.failure_reason,
        "provisioned_at": iso(app.provisioned_at),
        **({"duplicates": duplicates} if duplicates is not None else {}),
    }


@blueprint.post("/captcha")
@captcha_limits
def captcha():
    """A captcha for an anonymous filing of an application A (decision 0131): its picture to
    read, and the challenge to send back with the answer."""
    challenge = _wiring().challenges.issue()
    return jsonify({"challenge": challenge, "image": url_for("public.captcha_image", challenge_id=challenge)}), 201


def _require_captcha(data: dict) -> None:
    """An application A filed without a token answers a captcha, as the form does (issue 19)."""
    if _wiring().challenges.check(_text(data, "challenge") or "", _text(data, "captcha") or ""):
        return
    raise ApiError(
        400,
        "captcha.required",
        "未登入送件須附驗證碼：先 POST /api/captcha 取得圖片，再以 challenge 與 captcha 欄位送出答案",
        "Filing without a token needs a captcha: POST /api/captcha for a picture, then send its "
        "challenge and your answer as the fields challenge and captcha",
        field="captcha",
    )


@blueprint.post("/applications")
@intake_limits
def submit():
    caller = _caller_if_any()
    data = _body()
    form = {name: _text(data, name) for name in use_cases.FORM_FIELDS}
    if caller is None and (form["type"] or "").strip().upper() == "A":
        use_cases.check_form(form)  # what to correct first, before the captcha is spent
        _require_captcha(data)
    app = use_cases.submit(_wiring().uow(), form, caller=caller, documents=_documents(data), directory=_directory())
    response = jsonify(represent(app, use_cases.duplicates_of(_wiring().uow(), app)))
    response.status_code = 201
    response.headers["Location"] = f"/api/applications/{app.id}"
    return response


@blueprint.get("/applications")
def search():
    caller = _caller()
    filters = {}
    for name in FILTERS:
        value = request.args.get(name)
        if value is not None:
            filters[name] = value
    if "status" in filters and filters["status"] not in STATUSES:
        raise ApiError(
            422,
            "status.unknown",
            "status 應為以下之一：" + "、".join(sorted(STATUSES)),
            "status must be one of " + ", ".join(sorted(STATUSES)),
            field="status",
        )
    limits = {}
    for name, low, high, default in (("limit", 1, 500, 100), ("offset", 0, 10**9, 0)):
        raw = request.args.get(name, str(default))
        # Only ASCII digits: str.isdigit() also takes "²" and "٣", which int() then refuses.
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not low <= int(raw) <= high:
            raise ApiError(
                422,
                f"{name}.invalid",
                f"{name} 應為 {low} 到 {high} 的整數",
                f"{name} must be a whole number from {low} to {high}",
                field=name,
            )
        limits[name] = int(raw)
    apps = use_cases.search(_wiring().uow(), caller=caller, **filters, **limits)
    return jsonify({"items": [represent(a) for a in apps], **limits})


@blueprint.get("/applications/<application_id>")
def read(application_id):
    app = use_cases.read(_wiring().uow(), _application_id(application_id), caller=_caller())
    return jsonify(represent(app, use_cases.duplicates_of(_wiring().uow(), app)))


@blueprint.post("/applications/<application_id>/originals")
def originals(application_id):
    caller = _caller()
    data = _body()
    app = use_cases.record_originals_received(
        _wiring().uow(),
        _application_id(application_id),
        caller=caller,
        documents=_documents(data),
        letter_number=_text(data, "letter_number"),
        received_on=_text(data, "received_on"),
    )
    return jsonify(represent(app))


@blueprint.post("/applications/<application_id>/approve")
def approve(application_id):
    caller = _caller()
    data = _body()
    application_id = _application_id(application_id)
    changes = use_cases.approve(
        _wiring().uow(), application_id, caller=caller, replacing=_text(data, "replacing"), directory=_directory()
    )
    app = use_cases.read(_wiring().uow(), application_id, caller=caller)
    return jsonify(
        {
            **represent(app),
            "changes": [
                {
                    "kind": c.kind.value,
                    "account": c.account,
                    "create_account": c.create_account,
                    "effective_on": c.effective_on.isoformat() if c.effective_on else None,
                }
                for c in changes
            ],
        }
    )


def _decide(use_case, application_id: str, *text_fields: str):
    """Reject, retry, cancel: the same request shape, one use case each, the application back."""
    caller = _caller()
    data = _body()
    application_id = _application_id(application_id)
    texts = {name: _text(data, name) for name in text_fields}
    app = use_case(_wiring().uow(), application_id, caller=caller, directory=_directory(), **texts)
    return jsonify(represent(app))


@blueprint.post("/applications/<application_id>/reject")
def reject(application_id):
    return _decide(use_cases.reject, application_id, "reason")


@blueprint.post("/applications/<application_id>/retry")
def retry(application_id):
    return _decide(use_cases.retry_provisioning, application_id)


@blueprint.post("/applications/<application_id>/cancel")
def cancel(application_id):
    return _decide(use_cases.cancel_application, application_id, "reason")


@blueprint.post("/applications/<application_id>/vendor-record")
def vendor_record(application_id):
    caller = _caller()
    data = _body()
    app = use_cases.record_vendor_processing(
        _wiring().uow(),
        _application_id(application_id),
        caller=caller,
        vendor_name=_text(data, "vendor_name"),
        processed_on=_text(data, "processed_on"),
        notes=_text(data, "notes") or "",
    )
    return jsonify(represent(app))


@blueprint.get("/applications/<application_id>/provisioning")
def provisioning(application_id):
    app, entries = use_cases.provisioning_status(_wiring().uow(), _application_id(application_id), caller=_caller())
    zh, en = STATUS_LABELS[app.status]
    return jsonify(
        {
            "application_id": app.id,
            "status": app.status.value,
            "status_label": {"zh": zh, "en": en},
            "failure_reason": app.failure_reason,
            "provisioned_at": app.provisioned_at.isoformat() if app.provisioned_at else None,
            "changes": [
                {
                    "kind": e.change.kind.value,
                    "account": e.change.account,
                    "status": e.status,
                    "attempts": e.attempts,
                    "last_error": e.last_error,
                    "effective_on": e.change.effective_on.isoformat() if e.change.effective_on else None,
                    "done_at": e.done_at.isoformat() if e.done_at else None,
                }
                for e in entries
            ],
        }
    )
