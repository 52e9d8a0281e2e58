"""The forms' QR code as inline SVG for the HTML view (no image request, no data: URL)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def printing_qr_svg(target: str) -> Markup:
    return Markup(segno.make(target, error="m").svg_inline(scale=3, title="QR code"))
