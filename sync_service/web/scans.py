"""Uploading and reading scans of the signed documents (applicant and reviewers only)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..domain import DomainError
from ..services import lookup
from ..services import scans as use_cases
from ..services.errors import NotFound
from . import limits
from .page_support import field_errors, use_page_errors, viewer, wiring

blueprint = Blueprint("scans", __name__)
use_page_errors(blueprint)


@blueprint.errorhandler(429)
def too_many(e):
    """A budget on uploads (web/limits.py) refused: the application's page says when to try again."""
    seconds = limits.retry_after_seconds()
    _, zh, en = limits.refusal_text(seconds, hourly=seconds > 60, what=("上傳", "uploads"))
    page = lookup.application_page(wiring().uow(), (request.view_args or {}).get("reference", ""), viewer())
    html = render_template(
        "application.html", app=page.application, scans=page.scans, new=False, upload_errors={"file": (zh, en)}
    )
    return html, 429, {"Retry-After": str(seconds)}


@blueprint.post("/applications/<reference>/scans")
@limits.scan_limits
def upload(reference):
    file = request.files.get("file")
    who = viewer()
    try:
        use_cases.upload(
            wiring().uow(),
            reference,
            document=request.form.get("document", ""),
            filename=(file.filename or "") if file else "",
            data=file.read() if file else b"",
            viewer=who,
        )
    except NotFound:
        raise
    except DomainError as e:
        return _application_again(reference, field_errors(e), 422)
    if who.is_staff:
        return redirect(url_for("review.application", reference=reference), code=303)
    return redirect(url_for("public.application", reference=reference), code=303)


def _application_again(reference: str, errors: dict, status: int):
    """The application's own page, the refusal beside the file field: the way back is the page itself."""
    page = lookup.application_page(wiring().uow(), reference, viewer())
    return render_template(
        "application.html", app=page.application, scans=page.scans, new=False, upload_errors=errors
    ), status


@blueprint.errorhandler(413)
def too_large(e):
    """A body over the route's limit (web.SizedRequest) is refused before it is read: the same
    words as the use case's own size check, on the application's page."""
    return _application_again((request.view_args or {})["reference"], field_errors(use_cases.too_large()), 413)


@blueprint.get("/applications/<reference>/scans/<scan_id>")
def download(reference, scan_id):
    scan = use_cases.read(wiring().uow(), reference, scan_id, viewer=viewer())
    return current_app.response_class(
        scan.content,
        mimetype=scan.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="scan-{scan.id}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
