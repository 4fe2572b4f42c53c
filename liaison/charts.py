"""Simple charts drawn as SVG on the server (no JavaScript library): the page, the phone and
a printed PDF show the same picture, and every bar carries its number in words."""

from __future__ import annotations

from html import escape

BAR_COLOR = "#1565c0"


def count_bars(items: list[tuple[str, int]], *, width: int = 640, label_width: int = 150,
               aria_label: str = "统计图") -> str:
    """One horizontal bar per (label, count), scaled to the largest count, the count written
    at the bar's end."""
    if not items:
        return ""
    row_height, bar_width = 24, width - label_width - 50
    largest = max(count for _, count in items) or 1
    height = row_height * len(items) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(aria_label)}" '
             f'class="count-bars">']
    for i, (label, count) in enumerate(items):
        y = i * row_height + 4
        w = bar_width * count / largest
        parts.append(f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end">'
                     f'{escape(str(label))}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="16" '
                     f'fill="{BAR_COLOR}"/>'
                     f'<text x="{label_width + w + 4:.1f}" y="{y + 14}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
