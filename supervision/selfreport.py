"""A leader's year-end self-report material (述职素材): the year's figures against the quotas,
the records behind each figure, and the apps' extra tables (talks by type, petitions received
on reception days, pledges and their grades), read through the compliance registry so that
supervision never imports the apps. Offered as PDF (liaison.pdf) and as Word (python-docx) for
the leader to edit into the annual report.

Who may download: the leader themself, 组织部 and 纪检监察 within their scope; nobody else
(deny by default: unit admins, other cadres, the petitions office and system administrators)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone

from liaison.compliance.engine import STATUS_LABELS, Window, compute_compliance
from liaison.compliance.records import Records, Summary, record_context, records_behind, summaries
from liaison.compliance.registry import METRIC_LABELS, metric_unit
from liaison.models import LEADER_POINT_CATEGORIES, Cadre, Category, Position
from liaison.permissions import VIEW, Role, has_role

# Cadres with a leading position (领导干部): district leaders, heads of district departments,
# and the leadership of the sub-districts.
LEADING_CATEGORIES = frozenset(LEADER_POINT_CATEGORIES | {Category.DEPARTMENT_HEAD})
READERS = (Role.ORG_DEPT, Role.INSPECTOR)


def leading_positions(cadre: Cadre, year: int):
    window = Window.for_year(year)
    return Position.objects.filter(cadre=cadre, category__in=list(LEADING_CATEGORIES),
                                   start_date__lte=window.year_end).exclude(
        end_date__lt=window.start).select_related("organization").order_by("start_date")


def is_leader(cadre: Cadre, year: int) -> bool:
    """Whether the cadre held a leading position at some time in the year."""
    return leading_positions(cadre, year).exists()


def may_download(user, cadre: Cadre) -> bool:
    """The leader themself; 组织部 and 纪检监察 for a cadre in their scope."""
    if not getattr(user, "is_authenticated", False):
        return False
    if cadre.user_id is not None and cadre.user_id == user.pk:
        return True
    return has_role(user, *READERS) and \
        Cadre.objects.restrict(user, VIEW).filter(pk=cadre.pk).exists()


@dataclass
class Figure:
    metric: str
    label: str
    unit: str
    scope_code: str
    target: int
    actual: int
    expected: int
    status: str
    records: Records | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class Material:
    cadre: Cadre
    window: Window
    positions: list
    figures: list[Figure]
    tables: list[Summary]

    @property
    def title(self) -> str:
        return f"{self.cadre.name}{self.window.year}年度联系服务群众工作述职素材"


def material_build(*, cadre: Cadre, year: int) -> Material:
    """The year's material as of today (31 December for a past year), computed live from
    the ledgers for this one cadre, with every record behind each figure."""
    window = Window.for_year(year, today=timezone.localdate())
    rows = compute_compliance(year=window.year, as_of=window.as_of, cadre=cadre)
    ctx = record_context(window)
    listed: dict[str, Records | None] = {}
    figures = []
    for row in rows:
        if row.metric not in listed:
            listed[row.metric] = records_behind(ctx, row.metric, cadre.pk)
        figures.append(Figure(row.metric, METRIC_LABELS.get(row.metric, row.metric),
                              metric_unit(row.metric), row.scope_code, row.target, row.actual,
                              row.expected_to_date, row.status,
                              # a secretary's rows (one per member) share one list: shown once
                              listed[row.metric] if not any(
                                  f.metric == row.metric for f in figures) else None))
    positions = [f"{p.organization.name} {p.get_category_display()}"
                 for p in leading_positions(cadre, year)]
    return Material(cadre, window, positions, figures, summaries(window, cadre.pk))


# --- Word --------------------------------------------------------------------------------------


def _when(record: dict) -> str:
    start, end = record.get("date"), record.get("end_date")
    text = f"{start:%Y-%m-%d}" if start else ""
    if end and end != start:
        text += f" 至 {end:%Y-%m-%d}"
    return text


def _place(record: dict) -> str:
    household = " ".join(filter(None, [record.get("household_code"),
                                       record.get("household_name")]))
    return " · ".join(filter(None, [record.get("place") or "", household]))


def material_docx(material: Material, *, district_name: str) -> bytes:
    """The material as an editable Word document: headings, the figures table, the records
    under each figure, and the apps' tables."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")

    document.add_heading(material.title, level=0)
    window = material.window
    document.add_paragraph(f"{district_name} · 统计期间：{window.year}年1月1日至"
                           f"{window.as_of.month}月{window.as_of.day}日 · "
                           f"生成于{timezone.localtime():%Y-%m-%d %H:%M}")
    if material.positions:
        document.add_paragraph("职务：" + "；".join(material.positions))

    document.add_heading("一、年度指标完成情况", level=1)
    if material.figures:
        table = document.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells,
                              ("指标", "完成", "应完成", "年度要求", "单位", "状态"),
                              strict=True):
            cell.text = text
        for f in material.figures:
            cells = table.add_row().cells
            values = (f.label + (f" → {f.scope_code}" if f.scope_code else ""), str(f.actual),
                      str(f.expected), str(f.target), f.unit, f.status_label)
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
    else:
        document.add_paragraph("本年度没有指标要求。")

    document.add_heading("二、各项指标计入的记录", level=1)
    for f in material.figures:
        if f.records is None:
            continue
        document.add_heading(f"{f.label}（{f.actual}{f.unit}，计入记录 {f.records.total} 条）",
                             level=2)
        if not f.records.rows:
            document.add_paragraph("没有计入的记录。")
        else:
            table = document.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, ("日期", "地点／对象", "内容"),
                                  strict=True):
                cell.text = text
            for record in f.records.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, (_when(record), _place(record),
                                              record.get("detail") or ""), strict=True):
                    cell.text = text
        if f.records.missing:  # 三走遍's places not walked yet
            places = "、".join(m["place"] for m in f.records.missing)
            document.add_paragraph(
                f"{f.records.missing_label} {len(f.records.missing)} 处：{places}")

    if material.tables:
        document.add_heading("三、其他工作情况", level=1)
        for summary in material.tables:
            document.add_heading(summary.title, level=2)
            table = document.add_table(rows=1, cols=len(summary.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, summary.headers, strict=True):
                cell.text = text
            for row in summary.rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
