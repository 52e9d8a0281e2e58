"""Applicants' pages: file form 1 (A without an account, B–D signed in), see
where an application stands, print its forms, upload the signed scans."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for

import policies

from ..domain import DomainError, taiwan_date
from ..services import applications as use_cases
from ..services import lookup
from ..services.clock import utcnow
from . import limits
from .page_support import (
    caller,
    field_errors,
    remember_reference,
    signed_in,
    use_page_errors,
    viewer,
    wiring,
)

blueprint = Blueprint("public", __name__)
use_page_errors(blueprint)

CAPTCHA_FAILED = (
    "驗證碼不正確或已過期，請看新的圖片再輸入一次",
    "The verification code is wrong or has expired; type the one in the new picture",
)


@blueprint.get("/")
def home():
    return render_template("home.html")


def _form_from(data) -> dict:
    return {name: (data.get(name) or "").strip() for name in use_cases.FORM_FIELDS}


def _render_apply(form: dict, errors: dict, status: int = 200, notice: tuple[str, str] | None = None):
    challenge = wiring().challenges.issue() if caller() is None else None
    p = policies.load()
    # Which types and categories ask for each document; the page's script shows those that apply.
    documents = []
    for d in p.documents:
        pairs = [(t, c) for t in p.application_types for c in p.categories if d in p.required_documents(t, c)]
        documents.append((d, p.documents[d], sorted({t for t, _ in pairs}), sorted({c for _, c in pairs})))
    return render_template(
        "apply.html",
        form=form,
        errors=errors,
        challenge=challenge,
        notice=notice,
        types=list(p.application_types.values()),
        documents=documents,
    ), status


@blueprint.get("/apply")
def apply():
    who = caller()
    form = _form_from({"type": request.args.get("type", "A")})
    form["application_date"] = taiwan_date(utcnow()).isoformat()
    if who is not None and form["type"] != "A":
        # What the system holds of the person, as they would type it (issue 21 point 8).
        form.update(lookup.prefill(wiring().uow(), wiring().directory(), who, form["type"]))
        form["account"] = who.username
    return _render_apply(form, {})


@blueprint.errorhandler(429)
def too_many(e):
    """A budget (web/limits.py) refused: the form comes back as typed, with when to try again."""
    seconds = limits.retry_after_seconds()
    if request.endpoint == "public.status":
        _, zh, en = limits.refusal_text(seconds, hourly=seconds > 60, what=("查詢", "look-ups"))
        values = {k: (request.form.get(k) or "").strip() for k in ("reference", "email")}
        page = render_template("status.html", values=values, errors={"reference": (zh, en)})
        return page, 429, {"Retry-After": str(seconds)}
    _, zh, en = limits.refusal_text(seconds, hourly=seconds > 60)
    response, status = _render_apply(_form_from(request.form), {}, 429, notice=(zh, en))
    return response, status, {"Retry-After": str(seconds)}


@blueprint.post("/apply")
@limits.intake_limits
def submit():
    who = caller()
    form = _form_from(request.form)
    if who is not None and form["type"].upper() in ("B", "C", "D"):
        # B, C and D are filed for one's own account, whatever was posted.
        form["account"] = who.username
    if who is None:
        if form["type"].upper() not in ("", "A"):
            errors = {"type": ("B、C、D 類申請須先登入既有帳號", "Applications B, C and D need you to sign in first")}
            return _render_apply(form, errors, 422)
        if not wiring().challenges.check(request.form.get("challenge", ""), request.form.get("captcha", "")):
            errors = lookup.form_findings(form)
            errors["captcha"] = CAPTCHA_FAILED
            return _render_apply(form, errors, 422)
    try:
        app = use_cases.submit(wiring().uow(), form, caller=who, directory=wiring().directory())
    except DomainError as e:
        errors = field_errors(e) or {"type": (e.zh, e.en)}
        return _render_apply(form, errors, 422)
    remember_reference(app.id)
    return redirect(url_for("public.application", reference=app.id, new=1), code=303)


@blueprint.post("/apply/check")
def check():
    """The field rules as the person types: the same parse as the submission."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    form = {name: data.get(name) if isinstance(data.get(name), str) else None for name in use_cases.FORM_FIELDS}
    who = caller()
    if who is not None and (form.get("type") or "").upper() in ("B", "C", "D"):
        form["account"] = who.username
    findings = lookup.form_findings(form)
    return jsonify({field: {"zh": zh, "en": en} for field, (zh, en) in findings.items()})


@blueprint.get("/captcha/<challenge_id>.png")
def captcha_image(challenge_id):
    image = wiring().challenges.image(challenge_id)
    if image is None:
        abort(404)
    return current_app.response_class(image, mimetype="image/png", headers={"Cache-Control": "no-store"})


@blueprint.get("/applications/<reference>")
def application(reference):
    page = lookup.application_page(wiring().uow(), reference, viewer())
    return render_template(
        "application.html", app=page.application, scans=page.scans, new=bool(request.args.get("new")), upload_errors={}
    )


@blueprint.route("/status", methods=["GET", "POST"])
@limits.status_limits
def status():
    values = {"reference": "", "email": ""}
    errors: dict = {}
    code = 200
    if request.method == "POST":
        values = {k: (request.form.get(k) or "").strip() for k in values}
        try:
            app = lookup.find_by_reference(wiring().uow(), values["reference"], values["email"])
        except DomainError as e:
            errors = field_errors(e) or {"reference": (e.zh, e.en)}
            code = 404 if not field_errors(e) else 422
        else:
            remember_reference(app.id)
            return redirect(url_for("public.application", reference=app.id), code=303)
    return render_template("status.html", values=values, errors=errors), code


@blueprint.get("/mine")
@signed_in
def mine():
    return render_template("mine.html", apps=lookup.applications_of(wiring().uow(), viewer()))
