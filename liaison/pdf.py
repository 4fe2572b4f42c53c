"""PDF reports with WeasyPrint: a CJK font, page numbers, the district, who made it and when."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

# While WeasyPrint lays a document out it allocates millions of boxes, most of them living
# until the end: with the default thresholds (700 allocations) the cyclic collector runs
# again and again over the whole growing DOM for nothing. Raised for the rendering only.
RENDER_GC_THRESHOLDS = (100_000, 50, 100)


@contextmanager
def fewer_gc_passes() -> Iterator[None]:
    """Raise the cyclic collector's thresholds for the block; the previous ones come back
    afterwards, also when the block raises."""
    previous = gc.get_threshold()
    gc.set_threshold(*RENDER_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def render_pdf(template_name: str, context: dict, *, user) -> bytes:
    from weasyprint import HTML

    generated = timezone.localtime()
    html = render_to_string(template_name, {
        **context,
        "district_name": settings.DISTRICT_NAME,
        "generated_at": generated,
        "generated_by": (user.get_full_name() or user.username) if user else "系统",
    })
    with fewer_gc_passes():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
