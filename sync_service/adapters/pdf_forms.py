"""Lays a printed form out as PDF (decisions 0062, 0065): A4, Noto Sans CJK TC
from Debian's fonts-noto-cjk embedded as subsets (adapters/cjk_font.py), the
QR code (segno) drawn as one vector path, the reference number on every page.

The forms are fixed sheets: a header, the agency's paragraphs, a two-column
table of labels and values, a list table, signature boxes, notes. So they are
laid out here by hand (fixed positions; lines broken with the face's own
widths) and written as PDF objects directly, which makes a PDF cost about as
much as the same form as an HTML page (docs/bench.md). Two fonts per PDF:
one for what every form of its kind prints (the agency's texts, labels,
ASCII), prepared and compressed once per process and per kind of form, and
one with only the application's own characters left over (a name's, an
institution's), made per PDF from glyphs converted once per process.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

import segno

from ..services.ports import PrintedForm
from ..services.printing import SYSTEM, fixed_texts
from .cjk_font import ALWAYS, FONT, TC, Subset, TraditionalChineseFont

HELP = "諮詢服務"
SIGN_HERE = "請親筆簽名　並　請蓋私章或職章"
REFERENCE = "申請編號 Reference: "
OWN_TEXT = f"{HELP}：傳真電子信箱正本寄送{SIGN_HERE}{REFERENCE}"

PT = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
MARGIN, BOTTOM = 10.0, 12.0
WIDTH = PAGE_W - 2 * MARGIN
PAD = 1.0  # a table cell's text from its border
LABEL_W = 45.0
QR_SIZE = 24.0
QR_TOP = 8.0
BODY_TOP = QR_TOP + QR_SIZE + 1  # the body runs the page's full width below the QR code
# Punctuation that may not start a line: it hangs at the end of the line before instead.
NO_LINE_START = set("，。、：；）」』】》〉！？,.;:)]%")
# zlib level for what is compressed per PDF: level 1 makes pages a few per cent bigger than the
# default level 6 and costs half the time (the default was a tenth of a PDF's time).
FAST = 1
FIXED_FONT, EXTRA_FONT = 4, 9  # object numbers of the two fonts (5 objects each)


def _texts(form: PrintedForm):
    """Every string the form puts on paper."""
    yield from (form.annex, form.title, form.reference, *form.paragraphs, *form.signatures, *form.notes)
    yield from (text for row in form.rows for text in row)
    if form.table:
        yield from form.table[0]
        yield from (value for row in form.table[1] for value in row)
    for page in form.pages:
        yield from _texts(page)


def _hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _stream(entries: str, data: bytes) -> bytes:
    return f"<<{entries}/Length {len(data)}>>stream\n".encode() + data + b"\nendstream"


def _baseline(top: float, height: float, size: float) -> float:
    """Where a line of `size` pt text sits in a line box `height` mm tall: centred, as on the HTML page."""
    return top + height / 2 + 0.4 * size / PT  # the ideographs' middle is about 0.4 em above the baseline


def _font_objects(subset: Subset, first: int, level: int) -> list[bytes]:
    """Type0 font, its CIDFontType2, descriptor, TrueType file and ToUnicode map, numbered from `first`."""
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha1(subset.data).digest()[:6])
    name = f"/{tag}+NotoSansCJKTC"
    widths = " ".join(map(str, subset.advances))
    box = " ".join(map(str, subset.box))
    pairs = sorted((gid, char) for char, gid in subset.glyphs.items())
    cmap = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        cmap += [f"{len(chunk)} beginbfchar", *(f"<{gid:04X}> <{_hex(char)}>" for gid, char in chunk), "endbfchar"]
    cmap.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return [
        f"<</Type/Font/Subtype/Type0/BaseFont{name}/Encoding/Identity-H/DescendantFonts[{first + 1} 0 R]"
        f"/ToUnicode {first + 4} 0 R>>".encode(),
        f"<</Type/Font/Subtype/CIDFontType2/BaseFont{name}/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)"
        f"/Supplement 0>>/FontDescriptor {first + 2} 0 R/DW 1000/W[0[{widths}]]/CIDToGIDMap/Identity>>".encode(),
        f"<</Type/FontDescriptor/FontName{name}/Flags 4/FontBBox[{box}]/ItalicAngle 0/Ascent 1160/Descent -288"
        f"/CapHeight 733/StemV 80/FontFile2 {first + 3} 0 R>>".encode(),
        _stream(f"/Filter/FlateDecode/Length1 {len(subset.data)}", zlib.compress(subset.data, level)),
        _stream("/Filter/FlateDecode", zlib.compress("\n".join(cmap).encode(), level)),
    ]


@dataclass(frozen=True)
class _Font:
    """A subset as the page content uses it: each character's glyph number in hex, and its objects."""

    number: int
    codes: dict[str, str]
    objects: list[bytes]


def _font(subset: Subset, number: int) -> _Font:
    """Font 1 is made once per kind of form (compressed hard), font 2 per PDF (compressed fast)."""
    return _Font(
        number,
        {c: f"{g:04X}" for c, g in subset.glyphs.items()},
        _font_objects(subset, FIXED_FONT if number == 1 else EXTRA_FONT, 9 if number == 1 else FAST),
    )


@dataclass
class _Kind:
    """What one kind of form prints whatever the application, prepared once per process:
    its font, and its fixed texts' lines (broken on first use)."""

    texts: frozenset[str]
    font: _Font
    lines: dict[tuple[str, float, float], list[str]] = field(default_factory=dict)


class _Sheets:
    """The pages being written: a cursor going down the page (mm from the top) and each page's operators."""

    def __init__(self, renderer: PdfForms, form: PrintedForm, kind: _Kind, fonts: list[_Font]) -> None:
        self.renderer, self.form, self.kind, self.fonts = renderer, form, kind, fonts
        self.qr = renderer._qr_path(form.qr_target)
        self.pages: list[list[str]] = []
        self.y = 0.0

    # -- drawing ------------------------------------------------------------------------------------
    def text(self, x: float, baseline: float, size: float, text: str) -> None:
        fixed, extra = self.fonts[0].codes, (self.fonts[1].codes if len(self.fonts) > 1 else {})
        start = f"BT 1 0 0 1 {x * PT:.2f} {(PAGE_H - baseline) * PT:.2f} Tm /F1 {size:g} Tf <"
        try:  # most lines are all in the kind's own font
            self.pages[-1].append(start + "".join([fixed[c] for c in text]) + "> Tj ET")
            return
        except KeyError:
            pass
        ops = [f"BT 1 0 0 1 {x * PT:.2f} {(PAGE_H - baseline) * PT:.2f} Tm"]
        current, run = 0, list[str]()
        for char in text:
            code, font = fixed.get(char), 1
            if code is None:
                code, font = extra.get(char, "0000"), (2 if char in extra else 1)
            if font != current:
                if run:
                    ops.append(f"<{''.join(run)}> Tj")
                ops.append(f"/F{font} {size:g} Tf")
                current, run = font, []
            run.append(code)
        if run:
            ops.append(f"<{''.join(run)}> Tj")
        ops.append("ET")
        self.pages[-1].append(" ".join(ops))

    def box(self, x: float, y: float, w: float, h: float, fill: bool = False) -> None:
        rect = f"{x * PT:.2f} {(PAGE_H - y - h) * PT:.2f} {w * PT:.2f} {h * PT:.2f} re"
        self.pages[-1].append(f"q 0.9 g {rect} B Q" if fill else f"{rect} S")

    # -- layout -------------------------------------------------------------------------------------
    def lines(self, text: str, width: float, size: float) -> list[str]:
        if text not in self.kind.texts:  # the application's own: laid out every time
            return self.renderer.lines(text, width, size)
        key = (text, width, size)
        lines = self.kind.lines.get(key)
        if lines is None:
            lines = self.kind.lines[key] = self.renderer.lines(text, width, size)
        return lines

    def new_page(self) -> None:
        form = self.form
        self.pages.append(["0.57 w 0 G"])  # lines 0.2 mm wide, black
        self.qr_at(PAGE_W - MARGIN - QR_SIZE, QR_TOP)
        self.y = MARGIN
        self.line(f"{form.annex}　{REFERENCE}{form.reference}", 9, 5, width=WIDTH - QR_SIZE)

    def room(self, height: float) -> None:
        if self.y + height > PAGE_H - BOTTOM:
            self.new_page()
            self.y = BODY_TOP

    def qr_at(self, x: float, y: float) -> None:
        modules, path = self.qr
        cell = QR_SIZE / modules * PT
        # One path in module units: a rectangle per run of dark modules, filled once.
        self.pages[-1].append(f"q 0 g {cell:.4f} 0 0 {-cell:.4f} {x * PT:.2f} {(PAGE_H - y) * PT:.2f} cm {path} f Q")

    def line(self, text: str, size: float, height: float, width: float = WIDTH) -> None:
        for line in self.lines(text, width, size):
            self.room(height)
            self.text(MARGIN, _baseline(self.y, height, size), size, line)
            self.y += height

    def table(
        self, widths: list[float], rows: list[list[str]], size: float, line_height: float, heading: bool = False
    ) -> None:
        for i, row in enumerate(rows):
            cells = [self.lines(value, w - 2 * PAD, size) for value, w in zip(row, widths)]
            height = max(1, *map(len, cells)) * line_height
            self.room(height)
            x = MARGIN
            for w, lines in zip(widths, cells):
                self.box(x, self.y, w, height, fill=heading and i == 0)
                for n, line in enumerate(lines):
                    self.text(x + PAD, _baseline(self.y + n * line_height, line_height, size), size, line)
                x += w
            self.y += height

    def sheet(self, form: PrintedForm) -> None:
        self.form = form
        self.new_page()
        self.line(SYSTEM, 11, 6, width=WIDTH - QR_SIZE)
        self.line(form.title, 14, 8, width=150)
        self.y = max(self.y + 2, BODY_TOP)
        for paragraph in form.paragraphs:
            self.line(paragraph, 10, 5.5)
            self.y += 1
        if form.rows:
            self.table([LABEL_W, WIDTH - LABEL_W], [list(r) for r in form.rows], 10, 6)
        if form.table:
            headings, rows = form.table
            self.table([WIDTH / len(headings)] * len(headings), [list(headings), *rows], 10, 8, heading=True)
        for label in form.signatures:
            self.y += 2
            self.table([LABEL_W, WIDTH - LABEL_W], [[label, SIGN_HERE]], 10, 18)
        for note in form.notes:
            self.line(note, 8, 4.5)
        desk = self.renderer.help_desk
        if desk:
            self.y += 2
            self.line(
                f"{HELP}：{desk.phone}　傳真：{desk.fax}　電子信箱：{desk.email}　"
                f"正本寄送：{desk.mail_originals_to_zh}",
                8,
                4.5,
            )


class PdfForms:
    def __init__(self, font: Path = FONT, help_desk=None) -> None:
        self.font = font
        self.help_desk = help_desk
        self._face: TraditionalChineseFont | None = None  # read on the first form, kept for the process
        self._kinds: dict[frozenset[str], _Kind] = {}  # per kind of form: what it always prints, prepared
        self._lock = threading.Lock()

    def _desk_text(self) -> str:
        d = self.help_desk
        return "".join((d.phone, d.fax, d.email, d.mail_originals_to_zh)) if d else ""

    @property
    def face(self) -> TraditionalChineseFont:
        if self._face is None:
            with self._lock:
                if self._face is None:
                    self._face = TraditionalChineseFont(self.font, TC)
        return self._face

    def _kind(self, form: PrintedForm) -> _Kind:
        texts = fixed_texts(form)
        kind = self._kinds.get(texts)
        if kind is None:
            face = self.face
            with self._lock:
                subset = face.subset("".join((*texts, ALWAYS, OWN_TEXT, self._desk_text())))
                kind = self._kinds[texts] = _Kind(texts, _font(subset, 1))
        return kind

    def _fonts(self, form: PrintedForm, kind: _Kind) -> list[_Font]:
        """The kind's font and, when the application brings characters it lacks, a second one."""
        fixed = kind.font.codes
        left = {c for text in _texts(form) for c in text if c not in fixed and ord(c) in self.face.cmap}
        if not left:
            return [kind.font]
        with self._lock:
            subset = self.face.subset(left)
        return [kind.font, _font(subset, 2)]

    def _qr_path(self, target: str) -> tuple[int, str]:
        matrix = [list(row) for row in segno.make(target, error="m").matrix_iter(border=0)]
        runs = []
        for r, row in enumerate(matrix):
            c, n = 0, len(row)
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    runs.append(f"{start} {r} {c - start} 1 re")
                c += 1
        return len(matrix), " ".join(runs)

    def lines(self, text: str, width: float, size: float) -> list[str]:
        """The text broken into lines `width` mm wide at `size` pt: between any two CJK characters,
        at a space within Latin words, never before closing punctuation."""
        limit = width * PT / size + 1e-9  # in ems
        out: list[str] = []
        for paragraph in text.split("\n"):
            # Where each character ends, in ems from the paragraph's start: a line ends at the
            # last character that still fits (found by bisection, not character by character).
            ends = list(accumulate(self.face.advances(paragraph), initial=0.0))
            start, n = 0, len(paragraph)
            while True:
                end = max(bisect_right(ends, ends[start] + limit) - 1, start + 1)
                if end >= n:
                    if start < n or not n:
                        out.append(paragraph[start:])
                    break
                char = paragraph[end]
                if char in NO_LINE_START:  # hangs at the end of this line
                    end += 1
                elif char.isascii() and char != " " and paragraph[end - 1].isascii():
                    space = paragraph.rfind(" ", start, end)
                    if space > start:  # a Latin word moves whole to the next line
                        out.append(paragraph[start:space])
                        start = space + 1
                        continue
                out.append(paragraph[start:end])
                start = end
        return out

    def render(self, form: PrintedForm) -> bytes:
        kind = self._kind(form)
        fonts = self._fonts(form, kind)
        sheets = _Sheets(self, form, kind, fonts)
        for sheet in (form, *form.pages):
            sheets.sheet(sheet)
        return _document(form, fonts, sheets.pages)


def _document(form: PrintedForm, fonts: list[_Font], pages: list[list[str]]) -> bytes:
    """The PDF file: catalog, page tree, info, the fonts' objects, then each page and its content."""
    first_page = FIXED_FONT + 5 * len(fonts)
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(pages)))
    font_refs = "".join(f"/F{f.number} {FIXED_FONT if f.number == 1 else EXTRA_FONT} 0 R" for f in fonts)
    now = datetime.now(UTC).strftime("D:%Y%m%d%H%M%SZ")
    objects: dict[int, bytes] = {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: f"<</Type/Pages/Kids[{kids}]/Count {len(pages)}>>".encode(),
        3: f"<</Title<FEFF{_hex(f'{form.title} {form.reference}')}>/Creator(sync-service)"
        f"/Producer(sync-service pdf_forms)/CreationDate({now})>>".encode(),
    }
    for font in fonts:
        start = FIXED_FONT if font.number == 1 else EXTRA_FONT
        objects.update(zip(range(start, start + 5), font.objects))
    for i, ops in enumerate(pages):
        number = first_page + 2 * i
        objects[number] = (
            f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 {PAGE_W * PT:.2f} {PAGE_H * PT:.2f}]"
            f"/Resources<</Font<<{font_refs}>>>>/Contents {number + 1} 0 R>>"
        ).encode()
        objects[number + 1] = _stream("/Filter/FlateDecode", zlib.compress("\n".join(ops).encode(), FAST))
    size = len(objects) + 1  # numbered 1.. without gaps
    out = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
    offsets = []
    position = len(out[0])
    for number in range(1, size):
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
        offsets.append(position)
        position += len(chunk)
        out.append(chunk)
    out.append((f"xref\n0 {size}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)).encode())
    out.append(f"trailer\n<</Size {size}/Root 1 0 R/Info 3 0 R>>\nstartxref\n{position}\n%%EOF\n".encode())
    return b"".join(out)
