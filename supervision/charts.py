"""Charts drawn as SVG on the server, so the page and the PDF show the same picture."""

from __future__ import annotations

from html import escape

from liaison.compliance.engine import BEHIND, MET, NOT_MET, ON_TRACK, STATUS_LABELS

COLORS = {MET: "#2e7d32", ON_TRACK: "#1565c0", BEHIND: "#f9a825", NOT_MET: "#c62828"}
ORDER = (MET, ON_TRACK, BEHIND, NOT_MET)


def status_bars(rows: list[dict], *, label_key: str = "label", width: int = 640) -> str:
    """One horizontal bar per row, split by status share; rows carry counts per status."""
    label_width, bar_width, row_height = 150, width - 150 - 60, 26
    height = row_height * len(rows) + 34
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="完成情况图" '
             f'style="font-family:\'Noto Sans CJK SC\',sans-serif;font-size:12px">']
    for i, row in enumerate(rows):
        y = i * row_height + 4
        total = row.get("total") or 0
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">'
                     f'{escape(str(row[label_key]))}</text>')
        x = float(label_width)
        for status in ORDER:
            count = row.get(status, 0)
            if not total or not count:
                continue
            w = bar_width * count / total
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="18" '
                         f'fill="{COLORS[status]}"><title>{STATUS_LABELS[status]} {count}'
                         f'</title></rect>')
            x += w
        parts.append(f'<text x="{label_width + bar_width + 6}" y="{y + 15}">'
                     f'{row.get("met_rate", 0)}%</text>')
    legend_y = len(rows) * row_height + 20
    x = label_width
    for status in ORDER:
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" '
                     f'fill="{COLORS[status]}"/><text x="{x + 16}" y="{legend_y}">'
                     f'{STATUS_LABELS[status]}</text>')
        x += 90
    parts.append("</svg>")
    return "".join(parts)
