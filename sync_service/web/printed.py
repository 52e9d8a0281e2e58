"""The forms to print, sign, stamp and mail (R-DOC-4, R-DOC-5), as PDFs."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from ..services import printing
from .page_support import use_page_errors, visible_application, wiring
from .qr import printing_qr_svg

blueprint = Blueprint("printed", __name__)
use_page_errors(blueprint)


def _base_url() -> str:
    return wiring().settings.public_url.rstrip("/") or request.host_url.rstrip("/")


@blueprint.get("/applications/<reference>/forms/<document>.pdf")
def pdf(reference, document):
    if document not in printing.PRINTABLE:
        abort(404)
    app = visible_application(reference)
    body = printing.render_pdf(app, document, base_url=_base_url(), renderer=wiring().printer)
    return current_app.response_class(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{app.id}-{document}.pdf"', "Cache-Control": "no-store"},
    )


@blueprint.get("/applications/<reference>/forms/<document>")
def html(reference, document):
    """The same form as a page (what the PDF is measured against in bench/)."""
    if document not in printing.PRINTABLE:
        abort(404)
    app = visible_application(reference)
    form = printing.printed_form(app, document, base_url=_base_url())
    return render_template("printed_form.html", form=form, qr=printing_qr_svg(form.qr_target), system=printing.SYSTEM)
