"""The printed forms as PDF (adapters/pdf_forms.py, adapters/cjk_font.py): the
text a reader copies out of them, the embedded Traditional Chinese font cut
from Debian's fonts-noto-cjk to the form's own characters, the QR code and the
hand layout's line breaking (decisions 0062, 0065)."""

from __future__ import annotations

import re
import subprocess
import zlib
from datetime import date
from io import BytesIO

import pytest
import segno
from fontTools.ttLib import TTFont

import policies
from sync_service.adapters.cjk_font import TraditionalChineseFont
from sync_service.adapters.pdf_forms import PdfForms
from sync_service.domain import new_application
from sync_service.domain.references import new_reference
from sync_service.services import printing
from tests.support.sync import form


@pytest.fixture(scope="module")
def renderer():
    return PdfForms(help_desk=policies.load().help_desk)


@pytest.fixture(scope="module")
def application():
    # 堃: a name character outside the forms' fixed texts.
    return new_application(
        id=new_reference(),
        today=date(2026, 1, 5),
        **form("A", "0401180014", "wang2026x", applicant_name="王小堃", application_date="2026-01-05"),
    )


def _poppler(tool: str, pdf: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *(["-enc", "UTF-8"] if tool == "pdftotext" else []), str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize("document", printing.PRINTABLE)
def test_each_form_prints_its_text_in_the_embedded_noto_sans_cjk_tc(renderer, application, document, tmp_path):
    """Covers: R-DOC-4"""
    pdf = renderer.render(printing.printed_form(application, document, base_url="https://sync.example.tw"))
    text = _poppler("pdftotext", pdf, tmp_path)
    assert application.id in text and application.institution.name in text
    assert "癌症篩檢與追蹤管理資訊整合系統" in text
    assert "王小堃" in text
    fonts = [line.split() for line in _poppler("pdffonts", pdf, tmp_path).splitlines()[2:]]
    assert fonts and all(f[0].endswith("+NotoSansCJKTC") and f[-5] == "yes" for f in fonts)  # embedded subset


def test_the_forms_font_keeps_the_faces_widths_and_names_with_only_the_characters_asked_for():
    """Covers: R-DOC-4"""
    face = TraditionalChineseFont()
    small = TTFont(BytesIO(face.for_text("帳號異動表 A1")))
    cmap = small.getBestCmap()
    assert {chr(c) for c in cmap} >= set("帳號異動表 A1") and "癌" not in {chr(c) for c in cmap}
    for char in "帳號異動表A1":
        assert small["hmtx"][cmap[ord(char)]][0] == face.metrics[face.cmap[ord(char)]][0]
    assert small["name"].getBestFullName() == face.source["name"].getBestFullName()
    assert small["glyf"][cmap[ord("帳")]].numberOfContours > 0


def _content(pdf: bytes) -> list[str]:
    """The pages' content streams, inflated (the renderer writes each as one FlateDecode stream)."""
    streams = re.findall(rb"<</Filter/FlateDecode/Length (\d+)>>stream\n", pdf)
    out, position = [], 0
    for length in streams:
        start = pdf.index(b"stream\n", pdf.index(b"<</Filter/FlateDecode/Length " + length + b">>", position)) + 7
        out.append(zlib.decompress(pdf[start : start + int(length)]).decode("latin-1"))
        position = start
    return [s for s in out if " Tm " in s]


def test_the_qr_code_on_every_page_is_the_references_symbol_module_for_module(renderer, application):
    """Covers: R-DOC-4"""
    form = printing.printed_form(application, "unit-affidavit", base_url="https://sync.example.tw")
    pages = _content(renderer.render(form))
    expected = [[bool(m) for m in row] for row in segno.make(form.qr_target, error="m").matrix_iter(border=0)]
    assert len(pages) == 2
    for page in pages:
        path = re.search(r" cm ((?:\d+ \d+ \d+ 1 re ?)+) f Q", page).group(1)
        drawn = [[False] * len(expected) for _ in expected]
        for c, r, w in re.findall(r"(\d+) (\d+) (\d+) 1 re", path):
            for x in range(int(c), int(c) + int(w)):
                drawn[int(r)][x] = True
        assert drawn == expected


def test_what_every_form_of_a_kind_prints_is_one_font_and_the_applications_own_characters_another(
    renderer, application, tmp_path
):
    """Covers: R-DOC-4"""
    other = new_application(
        id=new_reference(),
        today=date(2026, 1, 5),
        **form("A", "0401180014", "chen2026x", applicant_name="陳大堯", application_date="2026-01-05"),
    )
    fonts = []
    for app in (application, other):
        pdf = renderer.render(printing.printed_form(app, "form-1", base_url="https://sync.example.tw"))
        fonts.append([line.split()[0] for line in _poppler("pdffonts", pdf, tmp_path).splitlines()[2:]])
    assert len(fonts[0]) == len(fonts[1]) == 2
    assert fonts[0][0] == fonts[1][0]  # the same subset of the fixed texts, prepared once
    assert fonts[0][1] != fonts[1][1]  # each application's own characters (堃, 陳堯...)


def test_lines_break_between_ideographs_never_before_closing_punctuation_nor_inside_a_latin_word(renderer):
    """Covers: R-DOC-4"""
    paragraph = "本單位同意恪遵本同意書下列各項規定，" * 6 + "E-mail cancer_integrate@iisigroup.com 信箱"
    lines = renderer.lines(paragraph, 60, 10)
    assert "".join(lines).replace(" ", "") == paragraph.replace(" ", "")
    assert len(lines) > 3 and not any(line[0] in "，。、）" for line in lines[1:])
    assert any(line.endswith("，") for line in lines)  # the comma hangs at the end of its line
    assert "cancer_integrate@iisigroup.com" in [w for line in lines for w in line.split()]


def test_the_affidavit_carries_the_representatives_seal_and_signature_rows(renderer, application, tmp_path):
    """Covers: R-DOC-5

    The unit affidavit of an A or C is signed and sealed by the institution's representative:
    the printed affidavit has the unit's seal row (立切結書單位（用印）) with the institution's
    name and the representative's signature-and-seal row (代表人（簽章）), in that order."""
    pdf = renderer.render(printing.printed_form(application, "unit-affidavit", base_url="https://sync.example.tw"))
    text = _poppler("pdftotext", pdf, tmp_path)
    seal, representative = text.find("立切結書單位（用印）"), text.find("代表人（簽章）")
    assert 0 <= seal < representative, text
    assert application.institution.name in text[seal:representative]
