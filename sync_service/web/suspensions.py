"""停權 (R-SUS-1, decision 0163): HPA's reviewers and the vendor's staff suspend an institution or a
person, with a reason and a reference, and lift it. One use case per action."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..domain import DomainError
from ..services import suspensions as use_cases
from ..services.institutions import named_institution
from ..services.ports import DirectoryError
from .page_support import field_errors, signed_in_caller, staff_only, use_page_errors, wiring

blueprint = Blueprint("suspensions", __name__, url_prefix="/review/suspensions")
use_page_errors(blueprint)
FIELDS = ("scope", "institution_code", "account", "reason", "reference")


def _page(values: dict | None = None, errors: dict | None = None, status: int = 200, lift_errors=None):
    listed = use_cases.listed(wiring().uow(), signed_in_caller())
    directory = wiring().directory()
    codes = {s.institution_code for s in listed if s.institution_code}
    names = {code: named_institution(wiring().uow(), directory, code) for code in codes}
    return render_template(
        "review_suspensions.html",
        suspensions=listed,
        names=names,
        values=values or {"scope": "institution"},
        errors=errors or {},
        lift_errors=lift_errors or {},
        done=request.args.get("done"),
    ), status


@blueprint.get("/")
@staff_only
def overview():
    return _page()


@blueprint.post("/")
@staff_only
def suspend():
    values = {k: request.form.get(k, "") for k in FIELDS}
    try:
        s = use_cases.suspend(wiring().uow(), wiring().directory(), wiring().mailer, signed_in_caller(), values)
    except DomainError as e:
        return _page(values, field_errors(e) or {"scope": (e.zh, e.en)}, 422)
    except DirectoryError as e:  # recorded; suspending again applies it again
        return _page(values, {"scope": (e.zh, e.en)}, 503)
    return redirect(url_for("suspensions.overview", done=f"suspended:{s.id}", _anchor=f"s-{s.id}"), code=303)


@blueprint.post("/<suspension_id>/lift")
@staff_only
def lift(suspension_id):
    reason = request.form.get("lift_reason", "")
    try:
        use_cases.lift(wiring().uow(), wiring().directory(), wiring().mailer, signed_in_caller(), suspension_id, reason)
    except DomainError as e:
        return _page(lift_errors={suspension_id: field_errors(e).get("lift_reason", (e.zh, e.en))}, status=422)
    except DirectoryError as e:  # nothing recorded as lifted; lifting again finishes it
        return _page(lift_errors={suspension_id: (e.zh, e.en)}, status=503)
    return redirect(
        url_for("suspensions.overview", done=f"lifted:{suspension_id}", _anchor=f"s-{suspension_id}"), code=303
    )
