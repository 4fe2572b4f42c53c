"""PDF reports with WeasyPrint: a CJK font, page numbers, the district, who made it and when."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


def render_pdf(template_name: str, context: dict, *, user) -> bytes:
    from weasyprint import HTML

    generated = timezone.localtime()
    html = render_to_string(template_name, {
        **context,
        "district_name": settings.DISTRICT_NAME,
        "generated_at": generated,
        "generated_by": (user.get_full_name() or user.username) if user else "系统",
    })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
