"""The reviewers' page for the audit export (R-AUD-1, decision 0091): one institution, a
date range, then the CSV for a person or the signed bundle for an auditor."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from ..domain import taiwan_date
from ..domain.errors import FormInvalid
from ..services.audit_export import AuditExport, export_request
from ..services.clock import utcnow
from .page_support import field_errors, reviewer_only, use_page_errors, wiring

blueprint = Blueprint("audit_export", __name__, url_prefix="/review/audit-export")
use_page_errors(blueprint)


@blueprint.get("/")
@reviewer_only
def export_page():
    wanted = request.args.get("format")
    today = taiwan_date(utcnow()).isoformat()
    values = {
        "institution": request.args.get("institution", ""),
        "from": request.args.get("from", today[:8] + "01"),
        "to": request.args.get("to", today),
    }
    if wanted not in ("csv", "bundle"):
        return render_template("review_audit_export.html", values=values, errors={})
    try:
        export_for = export_request(values["institution"], values["from"], values["to"])
    except FormInvalid as e:
        return render_template("review_audit_export.html", values=values, errors=field_errors(e)), 422
    export = wiring().audit_export()
    if wanted == "csv":
        body, mimetype = export.csv(export_for).encode("utf-8"), "text/csv; charset=utf-8"
    else:
        body, mimetype = export.bundle(export_for), "application/zip"
    name = AuditExport.file_name(export_for, "csv" if wanted == "csv" else "zip")
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
