"""Noto Sans CJK TC (Debian fonts-noto-cjk) as small TrueType fonts holding
just the characters a printed form uses (decisions 0062, 0065).

Each glyph is converted once per process from cubic (CFF) to quadratic (glyf)
outlines with fontTools' cu2qu (error ≤ 1 unit of 1000 per em, below a
printer's dot) and kept compiled. A subset is then only packing: the cached
glyphs one after the other, their offsets, the face's own advance widths,
and the font-wide tables (packed with fontTools' own table formats and
sfnt writer). Nothing is decompiled or recompiled per subset, so a subset of
a few glyphs costs well under a millisecond and the forms' fixed texts' subset
can be made once per process (adapters/pdf_forms.py).
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from fontTools.misc import sstruct
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.sfnt import SFNTWriter
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from fontTools.ttLib.tables._h_e_a_d import headFormat
from fontTools.ttLib.tables._h_h_e_a import hheaFormat
from fontTools.ttLib.tables._m_a_x_p import maxpFormat_0_5, maxpFormat_1_0_add

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TC = 3  # Noto Sans CJK TC in the collection
MAX_ERROR = 1.0  # font units (1000 per em): how far a quadratic curve may stray from the cubic one
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "\u3000"  # spaces, digits and ASCII: in every subset


@dataclass(frozen=True)
class _Outline:
    """One glyph, converted and compiled once: its TrueType bytes (padded to 4)
    and what the font-wide tables need to know of it."""

    data: bytes
    bounds: tuple[int, int, int, int] | None
    points: int
    contours: int


@dataclass(frozen=True)
class Subset:
    """A small TrueType font: `data` is the font file, `glyphs` maps each character
    it holds to its glyph number, `advances` each glyph number's width (1000 per em)."""

    data: bytes
    glyphs: dict[str, int]
    advances: list[int]
    box: tuple[int, int, int, int]


class TraditionalChineseFont:
    """The TC face, read once; its glyphs converted to TrueType outlines on first use."""

    def __init__(self, path: Path = FONT, number: int = TC) -> None:
        self.source = TTFont(path, fontNumber=number, lazy=True)
        self.cmap = self.source.getBestCmap()
        self.glyph_set = self.source.getGlyphSet()
        self.metrics = self.source["hmtx"].metrics
        self.units = self.source["head"].unitsPerEm
        self.ascent, self.descent = self.source["hhea"].ascent, self.source["hhea"].descent
        self._advances: dict[str, float] = {}
        self._outlines: dict[str, _Outline] = {}
        self._lock = threading.Lock()  # the source font reads one file handle lazily
        # The tables every subset shares as they are, compiled once.
        post = self.source["post"]
        self._shared = {
            "name": self.source["name"].compile(self.source),
            "OS/2": self.source["OS/2"].compile(self.source),
            # post format 3: no glyph names
            "post": struct.pack(
                ">llhhLLLLL",
                0x30000,
                round(post.italicAngle * 65536),
                post.underlinePosition,
                post.underlineThickness,
                0,
                0,
                0,
                0,
                0,
            ),
        }

    def advance(self, char: str) -> float:
        """The character's width in ems (0 for one the face does not have)."""
        width = self._advances.get(char)
        if width is None:
            name = self.cmap.get(ord(char))
            width = self._advances[char] = self.metrics[name][0] / self.units if name else 0.0
        return width

    def advances(self, text: str) -> list[float]:
        """Each character's width in ems."""
        known = self._advances
        try:
            return [known[c] for c in text]
        except KeyError:
            return [self.advance(c) for c in text]

    def _outline(self, name: str) -> _Outline:
        outline = self._outlines.get(name)
        if outline is None:
            pen = TTGlyphPen(None)
            # CFF contours run counter-clockwise, TrueType's clockwise.
            self.glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
            glyph = pen.glyph()
            empty = glyph.numberOfContours == 0
            if not empty:
                glyph.recalcBounds(None)  # a simple glyph: needs no glyf table
            data = b"" if empty else glyph.compile(None, recalcBBoxes=False)
            outline = self._outlines[name] = _Outline(
                data=data + b"\0" * (-len(data) % 4),
                bounds=None if empty else (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax),
                points=0 if empty else len(glyph.coordinates),
                contours=glyph.numberOfContours,
            )
        return outline

    def subset(self, chars: Iterable[str]) -> Subset:
        """A TrueType font with the glyphs of these characters (those the face has), .notdef first."""
        chars = sorted({c for c in chars if ord(c) in self.cmap})
        names = [".notdef", *dict.fromkeys(self.cmap[ord(c)] for c in chars)]
        number = {name: i for i, name in enumerate(names)}
        with self._lock:
            outlines = [self._outline(n) for n in names]
        metrics = [self.metrics[n] for n in names]
        offsets = [0]
        for o in outlines:
            offsets.append(offsets[-1] + len(o.data))
        boxes = [o.bounds for o in outlines if o.bounds] or [(0, 0, 0, 0)]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        head = dict(
            vars(self.source["head"]),
            checkSumAdjustment=0,
            indexToLocFormat=1,
            xMin=box[0],
            yMin=box[1],
            xMax=box[2],
            yMax=box[3],
        )
        hhea = dict(vars(self.source["hhea"]), numberOfHMetrics=len(names), advanceWidthMax=max(w for w, _ in metrics))
        maxp = dict(
            tableVersion=0x10000,
            numGlyphs=len(names),
            maxPoints=max(o.points for o in outlines),
            maxContours=max(o.contours for o in outlines),
            maxCompositePoints=0,
            maxCompositeContours=0,
            maxZones=2,
            maxTwilightPoints=0,
            maxStorage=0,
            maxFunctionDefs=0,
            maxInstructionDefs=0,
            maxStackElements=0,
            maxSizeOfInstructions=0,
            maxComponentElements=0,
            maxComponentDepth=0,
        )
        tables = dict(
            self._shared,
            **{
                "head": sstruct.pack(headFormat, head),
                "hhea": sstruct.pack(hheaFormat, hhea),
                "maxp": sstruct.pack(maxpFormat_0_5, maxp) + sstruct.pack(maxpFormat_1_0_add, maxp),
                "hmtx": struct.pack(f">{2 * len(metrics)}h", *(v for m in metrics for v in m)),
                "loca": struct.pack(f">{len(offsets)}L", *offsets),
                "glyf": b"".join(o.data for o in outlines),
                "cmap": self._cmap(names, {ord(c): self.cmap[ord(c)] for c in chars}),
            },
        )
        out = BytesIO()
        writer = SFNTWriter(out, len(tables))
        for tag in sorted(tables):
            writer[tag] = tables[tag]
        writer.close()
        return Subset(
            data=out.getvalue(),
            glyphs={c: number[self.cmap[ord(c)]] for c in chars},
            advances=[w for w, _ in metrics],
            box=box,
        )

    @staticmethod
    def _cmap(names: list[str], mapping: dict[int, str]) -> bytes:
        """Unicode to glyph (Windows, Unicode full repertoire): for a reader of the font alone; a PDF uses the glyph numbers."""
        font = TTFont()
        font.setGlyphOrder(names)
        table = newTable("cmap")
        table.tableVersion = 0
        sub = CmapSubtable.newSubtable(12)
        sub.platformID, sub.platEncID, sub.language, sub.cmap = 3, 10, 0, mapping
        table.tables = [sub]
        return table.compile(font)

    def for_text(self, text: str) -> bytes:
        """A TrueType font with the glyphs of these characters and of ALWAYS."""
        return self.subset(text + ALWAYS).data
