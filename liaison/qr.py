"""QR codes for printed posters and public pages, drawn as inline SVG (no image files)."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe

_SIZE = re.compile(r'\s(width|height)="[^"]*"')


def qr_svg(text: str, size_mm: int = 60) -> SafeString:
    """The QR code of `text` as an <svg> of `size_mm` millimetres (its viewBox keeps it sharp
    at any size)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    tag, rest = image.to_string(encoding="unicode").split(">", 1)
    tag = _SIZE.sub("", tag)
    return mark_safe(f'{tag} width="{size_mm}mm" height="{size_mm}mm" role="img" '
                     f'aria-label="二维码">{rest}')


def qr_poster_pdf(*, title: str, subtitle: str, url: str, lines: list[str], user) -> bytes:
    """An A4 poster with the QR code of `url`, for notice boards and service windows."""
    from liaison.pdf import render_pdf

    return render_pdf("pdf/qr_poster.html", {"title": title, "subtitle": subtitle, "url": url,
                                             "qr": qr_svg(url, 110), "lines": lines},
                      user=user)
