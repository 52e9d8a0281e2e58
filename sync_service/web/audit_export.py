"""Audits of an institution (R-AUD-1, R-AUD-2, R-VEN-1; decision 0091): HPA's reviewers or the
vendor's staff open one (periodic or unannounced, with their reference), then take the CSV of
the period's changes for a person, the signed bundle for an auditor (the chain rows and the
accounts and grants held now, signed), or the accounts and grants alone as CSV. Each download is
an audit row: who looked at which institution, when, and why."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from ..domain import taiwan_date
from ..domain.errors import FormInvalid
from ..services.audit_export import AUDIT_KINDS, AuditExport, accounts_csv, export_request
from ..services.clock import utcnow
from .page_support import field_errors, signed_in_caller, staff_only, use_page_errors, wiring

blueprint = Blueprint("audit_export", __name__, url_prefix="/review/audit-export")
use_page_errors(blueprint)
FORMATS = ("csv", "bundle", "accounts")


@blueprint.get("/")
@staff_only
def export_page():
    wanted = request.args.get("format")
    today = taiwan_date(utcnow()).isoformat()
    values = {
        "institution": request.args.get("institution", ""),
        "from": request.args.get("from", today[:8] + "01"),
        "to": request.args.get("to", today),
        "kind": request.args.get("kind", "unannounced"),
        "reference": request.args.get("reference", ""),
    }
    if wanted not in FORMATS:
        return render_template("review_audit_export.html", values=values, errors={}, kinds=AUDIT_KINDS)
    export = wiring().audit_export()
    try:
        export_for = export_request(values["institution"], values["from"], values["to"])
        held = export.open(
            signed_in_caller(),
            wiring().directory(),
            export_for,
            kind=values["kind"],
            reference=values["reference"],
            what=wanted,
        )
    except FormInvalid as e:
        return render_template(
            "review_audit_export.html", values=values, errors=field_errors(e), kinds=AUDIT_KINDS
        ), 422
    if wanted == "csv":
        body, mimetype, name = export.csv(export_for).encode("utf-8"), "text/csv; charset=utf-8", "csv"
    elif wanted == "accounts":
        body, mimetype, name = accounts_csv(held).encode("utf-8"), "text/csv; charset=utf-8", "accounts.csv"
    else:
        body, mimetype, name = export.bundle(export_for, held), "application/zip", "zip"
    filename = AuditExport.file_name(export_for, name)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
