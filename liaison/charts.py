"""Charts drawn as SVG on the server (no JavaScript): the page, the phone and a printed PDF
show the same picture, and every bar carries its number in words. The small bar charts are
drawn here; charts with axes (the month-by-month trends) are drawn by pygal."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Chart:
    """An SVG chart ready for an <img> (a data: URI, which the page's policy allows and the
    PDF renders alike) with the same figures in words for its alt text."""

    title: str
    svg: str
    summary: str

    @property
    def uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


MONTHS = [f"{month}月" for month in range(1, 13)]
# Sized for a phone (drawn at about its own width at 375 px, so labels stay ~11 px) and
# printed at the same proportions in the PDF.
TREND_STYLE = dict(width=360, height=210, title_font_size=14, label_font_size=10,
                   major_label_font_size=10, value_font_size=10, tooltip_font_size=10)


def short_number(n) -> str:
    """68000 -> 6.8万: a column's figure fits its column."""
    if n is None:
        return ""
    return f"{n / 10000:.1f}万".replace(".0万", "万") if n >= 10000 else str(n)


def month_bars(title: str, values: list[int | None], unit: str = "次") -> Chart:
    """Twelve columns, January to December, each with its figure; None (a month after the
    as-of date) leaves its column empty."""
    import pygal
    from pygal.style import Style

    style = Style(font_family="'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
                  background="white", plot_background="white", foreground="#212529",
                  foreground_strong="#212529", foreground_subtle="#6c757d",
                  colors=(BAR_COLOR,), **{f"{k}": v for k, v in TREND_STYLE.items()
                                          if k.endswith("font_size")})
    chart = pygal.Bar(
        js=[],  # pygal would otherwise link its tooltip script from outside
        style=style, width=TREND_STYLE["width"], height=TREND_STYLE["height"],
        title=f"{title}（{unit}）", show_legend=False, print_values=True,
        print_zeroes=False, show_y_guides=True, disable_xml_declaration=True,
        margin=6, spacing=6, x_labels=[str(month) for month in range(1, 13)],
        x_title="月份", print_values_position="top", value_formatter=short_number)
    chart.add(title, values)
    # Its configuration as an inline script: inert in an <img>, and of no use to anyone.
    svg = re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    said = [f"{label}{n}{unit}" for label, n in zip(MONTHS, values, strict=True)
            if n is not None]
    return Chart(title, svg,
                 f"{title}每月统计：" + ("，".join(said) if said else "无"))
