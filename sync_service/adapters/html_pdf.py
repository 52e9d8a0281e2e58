"""The printed forms as PDF: the forms' own HTML (web/templates/printed/sheets.html, the one
place their layout lives) printed by WeasyPrint with web/static/printed.css
(docs/decisions/0170-printed-forms-from-their-html.md).

The face is Noto Sans CJK TC from Debian's fonts-noto-cjk, found through fontconfig and
embedded as a subset; the QR code is the same inline SVG the page shows, drawn as vectors;
the text is real text (pdftotext gives it back)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..services.ports import PrintedForm
from ..services.printing import SYSTEM, qr_svg

WEB = Path(__file__).resolve().parent.parent / "web"
STYLESHEET = WEB / "static" / "printed.css"


class HtmlPdfForms:
    """A Renderer (services/ports.py): one per process; the template and the stylesheet are read once."""

    def __init__(self) -> None:
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(WEB / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
        )
        self.fonts = FontConfiguration()
        self.stylesheet = CSS(filename=str(STYLESHEET), font_config=self.fonts)

    def html(self, form: PrintedForm) -> str:
        return self.templates.get_template("printed/document.html").render(
            form=form, qr=jinja2.utils.markupsafe.Markup(qr_svg(form.qr_target)), system=SYSTEM
        )

    def render(self, form: PrintedForm) -> bytes:
        pdf = HTML(string=self.html(form)).write_pdf(stylesheets=[self.stylesheet], font_config=self.fonts)
        assert pdf is not None  # no target given: the bytes
        return pdf
