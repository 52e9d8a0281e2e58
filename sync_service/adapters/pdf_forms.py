"""Lays a printed form out as PDF with fpdf2 (decision 0062): A4, Noto Sans CJK
TC from Debian's fonts-noto-cjk embedded as a subset (with TrueType outlines
converted once per glyph, adapters/cjk_font.py), the QR code (segno) drawn as
vector squares, the reference number on every page."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from ..services.printing import SYSTEM, PrintedForm
from .cjk_font import FONT, TC, TraditionalChineseFont

HELP = "諮詢服務"
SIGN_HERE = "請親筆簽名　並　請蓋私章或職章"
HELP_LABELS = f"{HELP}：　傳真：　電子信箱：　正本寄送："


def _texts(form: PrintedForm) -> Iterator[str]:
    """Every string the form may put on paper (the font is cut to these)."""
    yield from (form.annex, form.title, form.reference, SYSTEM, "申請編號 Reference: ", SIGN_HERE, HELP_LABELS)
    yield from form.paragraphs
    yield from (text for row in form.rows for text in row)
    if form.table:
        headings, rows = form.table
        yield from headings
        yield from (value for row in rows for value in row)
    yield from form.signatures
    yield from form.notes
    for page in form.pages:
        yield from _texts(page)


class PdfForms:
    def __init__(self, font: Path = FONT, help_desk=None) -> None:
        self.font = font
        self.help_desk = help_desk
        self._face: TraditionalChineseFont | None = None  # read on the first form, kept for the process

    def _font_for(self, form: PrintedForm) -> bytes:
        if self._face is None:
            self._face = TraditionalChineseFont(self.font, TC)
        d = self.help_desk
        desk = (d.phone, d.fax, d.email, d.mail_originals_to_zh) if d else ()
        return self._face.for_text("".join((*_texts(form), *desk)))

    def _qr(self, pdf: FPDF, target: str, x: float, y: float, size: float) -> None:
        qr = segno.make(target, error="m")
        matrix = list(qr.matrix_iter(border=0))
        cell = size / len(matrix)
        pdf.set_fill_color(0, 0, 0)
        for r, row in enumerate(matrix):
            # One rectangle per run of dark modules: the same squares, a third of the drawing calls.
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + start * cell, y + r * cell, (c - start) * cell, cell, style="F")

    def _page(self, pdf: FPDF, form: PrintedForm) -> None:
        pdf.add_page()
        pdf.set_font("noto", size=9)
        pdf.cell(0, 5, f"{form.annex}　申請編號 Reference: {form.reference}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._qr(pdf, form.qr_target, pdf.w - pdf.r_margin - 24, 8, 24)
        pdf.set_font("noto", size=11)
        pdf.cell(0, 6, SYSTEM, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("noto", size=14)
        pdf.multi_cell(150, 8, form.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        pdf.set_font("noto", size=10)
        width = pdf.w - pdf.l_margin - pdf.r_margin
        for paragraph in form.paragraphs:
            pdf.multi_cell(width, 5.5, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        if form.rows:
            with pdf.table(col_widths=(45, width - 45), first_row_as_headings=False, line_height=6) as table:
                for label, value in form.rows:
                    row = table.row()
                    row.cell(label)
                    row.cell(value)
        if form.table:
            headings, rows = form.table
            with pdf.table(line_height=8, headings_style=FontFace(emphasis=None, fill_color=(230, 230, 230))) as table:
                heading = table.row()
                for h in headings:
                    heading.cell(h)
                for values in rows:
                    row = table.row()
                    for v in values:
                        row.cell(v)
        for label in form.signatures:
            pdf.ln(2)
            pdf.cell(45, 18, label, border=1)
            pdf.cell(width - 45, 18, SIGN_HERE, border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("noto", size=8)
        for note in form.notes:
            pdf.multi_cell(width, 4.5, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.help_desk:
            d = self.help_desk
            pdf.ln(2)
            pdf.multi_cell(width, 4.5, f"{HELP}：{d.phone}　傳真：{d.fax}　電子信箱：{d.email}　"
                                       f"正本寄送：{d.mail_originals_to_zh}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def render(self, form: PrintedForm) -> bytes:
        pdf = FPDF(format="A4")
        pdf.set_title(f"{form.title} {form.reference}")
        pdf.set_creator("sync-service")
        pdf.set_auto_page_break(True, margin=12)
        # fpdf2 reads fonts from files only: the form's small font goes to a file for
        # the length of this rendering.
        with tempfile.NamedTemporaryFile(prefix="form-font-", suffix=".ttf") as font:
            font.write(self._font_for(form))
            font.flush()
            pdf.add_font("noto", fname=font.name)
            # The outlines come with their boxes already computed (cjk_font.py): recomputing
            # them would decompile and recompile every glyph at output.
            pdf.fonts["noto"].ttfont.recalcBBoxes = False
            self._page(pdf, form)
            for extra in form.pages:
                self._page(pdf, extra)
            missed = set(pdf.fonts["noto"].missing_glyphs) & self._face.cmap.keys()
            if missed:  # a text laid out above but not listed in _texts()
                raise RuntimeError(f"characters left out of the form's font: {''.join(map(chr, sorted(missed)))}")
            return bytes(pdf.output())
