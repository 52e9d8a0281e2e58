"""The forms' QR code for the page view: the same SVG the PDF draws (services/printing.py)."""

from __future__ import annotations

from markupsafe import Markup

from ..services.printing import qr_svg


def printing_qr_svg(target: str) -> Markup:
    return Markup(qr_svg(target))
