"""The printed forms as PDF (adapters/pdf_forms.py, adapters/cjk_font.py): the
text a reader copies out of them, and the embedded Traditional Chinese font cut
from Debian's fonts-noto-cjk to the form's own characters (decision 0062)."""
from __future__ import annotations

import subprocess
from datetime import date
from io import BytesIO

import pytest
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
    return new_application(id=new_reference(), today=date(2026, 1, 5), **form(
        "A", "0401180014", "wang2026x", applicant_name="王小堃", application_date="2026-01-05"))


def _poppler(tool: str, pdf: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, *(["-enc", "UTF-8"] if tool == "pdftotext" else []), str(path),
                           *(["-"] if tool == "pdftotext" else [])],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("document", printing.PRINTABLE)
def test_each_form_prints_its_text_in_the_embedded_noto_sans_cjk_tc(renderer, application, document, tmp_path):
    """Covers: R-DOC-4, R-DOC-5"""
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
