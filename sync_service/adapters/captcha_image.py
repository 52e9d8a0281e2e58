"""Draws the intake captcha with the `captcha` package (image, its own fonts)."""

from __future__ import annotations

from captcha.image import ImageCaptcha

_drawer = ImageCaptcha(width=200, height=70)


def draw(text: str) -> bytes:
    return _drawer.generate(text, format="png").getvalue()
