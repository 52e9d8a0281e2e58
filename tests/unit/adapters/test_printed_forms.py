"""The printed forms as PDF (adapters/html_pdf.py: the forms' own HTML printed by WeasyPrint,
decision 0170): the text a reader copies out of them, the embedded Noto Sans CJK TC subset,
the QR code drawn as vectors, the seal rows with room for a seal, the title kept whole, the
phone as the agency writes it and ROC dates (issue 21's printed-form points)."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest

import policies
from sync_service.adapters.html_pdf import HtmlPdfForms
from sync_service.domain import new_application
from sync_service.domain.references import new_reference
from sync_service.services import printing
from tests.support.sync import form

MM = 72 / 25.4  # PDF points per millimetre
PAGE_HEIGHT = 297 * MM  # A4
BASE = "https://sync.example.tw"


@pytest.fixture(scope="module")
def renderer():
    return HtmlPdfForms()


@pytest.fixture(scope="module")
def application():
    # 堃: a name character outside the forms' fixed texts. The phone as the person typed it.
    return new_application(
        catalogue=policies.load(),
        id=new_reference(),
        today=date(2026, 1, 5),
        **form(
            "A",
            "0401180014",
            "wang2026x",
            applicant_name="王小堃",
            application_date="2026-01-05",
            phone="(03)932-1234#21",
        ),
    )


@pytest.fixture(scope="module")
def pdfs(renderer, application):
    return {d: renderer.render(printing.printed_form(application, d, base_url=BASE)) for d in printing.PRINTABLE}


def _poppler(tool: str, pdf: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    out = ["-"] if tool == "pdftotext" else []  # pdftotext writes to stdout when told "-"
    return subprocess.run([tool, *args, str(path), *out], check=True, capture_output=True, text=True).stdout


def _words(pdf: bytes, tmp_path) -> list[tuple[str, float, float, int]]:
    """Every word pdftotext finds: its text, left and top (points from the page's corner), page number."""
    html = _poppler("pdftotext", pdf, tmp_path, "-bbox")
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*)</word>', line)
        if found:
            words.append((found.group(3), float(found.group(1)), float(found.group(2)), page))
    return words


def _place_of(words, text: str) -> tuple[float, float, int]:
    for word, left, top, page in words:
        if word.startswith(text):
            return left, top, page
    raise AssertionError(f"{text} not printed")


@pytest.mark.parametrize("document", printing.PRINTABLE)
def test_each_form_prints_its_text_in_the_embedded_noto_sans_cjk_tc(pdfs, application, document, tmp_path):
    """Covers: R-DOC-4"""
    pdf = pdfs[document]
    text = _poppler("pdftotext", pdf, tmp_path)
    assert application.id in text and application.institution.name in text
    assert "癌症篩檢與追蹤管理資訊整合系統" in text or document != "form-1"
    assert "王小堃" in text
    fonts = [line.split() for line in _poppler("pdffonts", pdf, tmp_path).splitlines()[2:]]
    assert fonts and all(
        "Noto-Sans-CJK-TC" in f[0] and f[-5] == "yes" and f[-4] == "yes" for f in fonts
    )  # embedded subset


def test_the_qr_code_is_the_references_symbol_drawn_as_vectors(renderer, application, pdfs, tmp_path):
    """Covers: R-DOC-4

    The page and the PDF draw the one SVG segno makes for the reference's look-up address;
    in the PDF it stays vector paths (no picture)."""
    form = printing.printed_form(application, "unit-affidavit", base_url=BASE)
    assert printing.qr_svg(form.qr_target) in renderer.html(form)
    assert form.qr_target == f"{BASE}/review/find?reference={application.id}"
    images = _poppler("pdfimages", pdfs["unit-affidavit"], tmp_path, "-list").splitlines()[2:]
    assert images == []


def test_the_title_keeps_its_words_whole(pdfs, tmp_path):
    """The form's title breaks only where the agency's title has its space: 機構 stays on one line."""
    lines = [line.strip() for line in _poppler("pdftotext", pdfs["form-1"], tmp_path).splitlines()]
    assert "大腸癌、子宮頸抹片、HPV 檢測、胃癌(糞便抗原)項目採檢及檢驗機構" in lines
    assert "管理者帳號/權限異動表" in lines


def test_the_phone_is_printed_as_the_agency_writes_it_and_dates_in_the_roc_calendar(pdfs, tmp_path):
    form_1 = _poppler("pdftotext", pdfs["form-1"], tmp_path)
    assert "(03)932-1234#21" in form_1 and "03 932 1234" not in form_1
    assert "中華民國 115 年 1 月 5 日" in form_1  # 2026-01-05
    assert "(03)932-1234#21" in _poppler("pdftotext", pdfs["confidentiality-consent"], tmp_path)


@pytest.mark.parametrize(
    ("document", "seal_rows"),
    [
        ("unit-affidavit", ["立切結書單位（用印）", "代表人（簽章）"]),
        ("confidentiality-consent", ["簽署人姓名及簽章", "單位名稱及蓋章", "單位代表人姓名及簽章"]),
        ("form-1", ["申請人（簽名並蓋章）", "單位主管（簽名並蓋章）"]),
    ],
)
def test_each_row_signed_or_sealed_by_hand_has_room_for_a_seal(pdfs, document, seal_rows, tmp_path):
    """A seal (an institution's 印 is about 25 mm square) fits in every row signed or sealed by hand:
    the next row starts at least 25 mm below the row's label."""
    words = _words(pdfs[document], tmp_path)
    for label in seal_rows:
        left, top, page = _place_of(words, label)
        # The next thing starting at the label column or left of it: the next row's label, or a note.
        below = [t for _, x, t, p in words if p == page and t > top + 1 and x < left + 3]
        # The last row of a page: the page's text ends at its bottom margin (printed.css, 15 mm).
        end = min(below) if below else PAGE_HEIGHT - 15 * MM
        assert end - top >= 25 * MM, (label, round((end - top) / MM, 1))


def test_the_affidavit_carries_the_representatives_seal_and_signature_rows(pdfs, application, tmp_path):
    """Covers: R-DOC-5

    The unit affidavit of an A or C is signed and sealed by the institution's representative:
    the printed affidavit has the unit's seal row (立切結書單位（用印）) with the institution's
    name and the representative's signature-and-seal row (代表人（簽章）), in that order, each
    with room for the seal."""
    text = _poppler("pdftotext", pdfs["unit-affidavit"], tmp_path)
    seal, representative = text.find("立切結書單位（用印）"), text.find("代表人（簽章）")
    assert 0 <= seal < representative, text
    assert application.institution.name in text[seal:representative]
