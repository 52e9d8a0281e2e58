"""Uploading and reading scans of the signed documents (applicant and reviewers only)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..domain import DomainError
from ..services import scans as use_cases
from .page_support import caller, field_errors, may_see, use_page_errors, wiring

blueprint = Blueprint("scans", __name__)
use_page_errors(blueprint)


@blueprint.post("/applications/<reference>/scans")
def upload(reference):
    file = request.files.get("file")
    who = caller()
    by = who.username if who else "applicant"
    try:
        use_cases.upload(
            wiring().uow(),
            reference,
            document=request.form.get("document", ""),
            filename=file.filename if file else "",
            data=file.read() if file else b"",
            by=by,
            may_see=may_see,
        )
    except DomainError as e:
        from ..services.errors import NotFound

        if isinstance(e, NotFound):
            raise
        with wiring().uow() as uow:
            app = uow.applications.get(reference)
            scans = uow.scans.of_application(reference)
        return render_template("application.html", app=app, scans=scans, new=False, upload_errors=field_errors(e)), 422
    if who is not None and who.is_reviewer:
        return redirect(url_for("review.application", reference=reference), code=303)
    return redirect(url_for("public.application", reference=reference), code=303)


@blueprint.get("/applications/<reference>/scans/<scan_id>")
def download(reference, scan_id):
    scan = use_cases.read(wiring().uow(), reference, scan_id, may_see=may_see)
    return current_app.response_class(
        scan.content,
        mimetype=scan.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="scan-{scan.id}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
