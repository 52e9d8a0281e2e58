"""Noto Sans CJK TC (Debian fonts-noto-cjk) as small TrueType fonts, one per
printed form (decision 0062, docs/bench.md).

fpdf2 subsets whatever font it is given at every `output()`. Given the CFF
face of the collection, that means interpreting each used glyph's charstring
several times per PDF (bounds, font box, hhea) and costs seconds under load.
So each glyph is converted once per process from cubic (CFF) to quadratic
(glyf) outlines with fontTools' cu2qu (error ≤ 1 unit of 1000 per em, below
a printer's dot), and for each form a font holding just the characters of
that form is assembled from those cached glyphs. Widths, vertical metrics
and names are the face's own, so the layout is the same as with the CFF face.
"""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TC = 3  # Noto Sans CJK TC in the collection
MAX_ERROR = 1.0  # font units (1000 per em): how far a quadratic curve may stray from the cubic one
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "\u3000"  # fpdf2 may lay out spaces and ASCII itself


@dataclass(frozen=True)
class _Outline:
    """One glyph, converted and compiled once: its TrueType bytes and what the
    font-wide tables need to know of it (so nothing is recompiled per form)."""
    data: bytes
    bounds: tuple[int, int, int, int] | None
    points: int
    contours: int


class TraditionalChineseFont:
    """The TC face, read once; its glyphs converted to TrueType outlines on first use."""

    def __init__(self, path: Path = FONT, number: int = TC) -> None:
        self.source = TTFont(path, fontNumber=number, lazy=True)
        self.cmap = self.source.getBestCmap()
        self.glyph_set = self.source.getGlyphSet()
        self.metrics = self.source["hmtx"].metrics
        self._outlines: dict[str, _Outline] = {}
        self._lock = threading.Lock()  # the source font reads one file handle lazily

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
            outline = self._outlines[name] = _Outline(
                data=b"" if empty else glyph.compile(None, recalcBBoxes=False),
                bounds=None if empty else (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax),
                points=0 if empty else len(glyph.coordinates), contours=glyph.numberOfContours)
        return outline

    def for_text(self, text: str) -> bytes:
        """A TrueType font with the glyphs of these characters (those the face has)."""
        chars = sorted({ord(c) for c in text + ALWAYS} & self.cmap.keys())
        with self._lock:
            names = [".notdef", *dict.fromkeys(self.cmap[c] for c in chars if self.cmap[c] != ".notdef")]
            outlines = {n: self._outline(n) for n in names}
        source = self.source
        metrics = {n: self.metrics[n] for n in names}
        builder = FontBuilder(source["head"].unitsPerEm, isTTF=True)
        font = builder.font
        font.recalcBBoxes = False  # the glyphs' and the font's boxes are set here from the cache
        builder.setupGlyphOrder(names)
        builder.setupCharacterMap({c: self.cmap[c] for c in chars})
        font["loca"] = newTable("loca")
        font["glyf"] = glyf = newTable("glyf")
        glyf.glyphs = {n: Glyph(o.data) for n, o in outlines.items()}
        glyf.glyphOrder = names
        builder.setupHorizontalMetrics(metrics)
        hhea = source["hhea"]
        builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap,
                                      advanceWidthMax=max(w for w, _ in metrics.values()))
        builder.setupMaxp()
        boxes = [o.bounds for o in outlines.values() if o.bounds]
        head, maxp = font["head"], font["maxp"]
        head.xMin, head.yMin = min(b[0] for b in boxes), min(b[1] for b in boxes)
        head.xMax, head.yMax = max(b[2] for b in boxes), max(b[3] for b in boxes)
        head.macStyle = source["head"].macStyle
        maxp.maxPoints = max(o.points for o in outlines.values())
        maxp.maxContours = max(o.contours for o in outlines.values())
        font["name"] = copy.deepcopy(source["name"])
        font["OS/2"] = copy.deepcopy(source["OS/2"])
        post = source["post"]
        builder.setupPost(italicAngle=post.italicAngle, underlinePosition=post.underlinePosition,
                          underlineThickness=post.underlineThickness, keepGlyphNames=False)
        out = BytesIO()
        builder.save(out)
        return out.getvalue()
