"""The opinions page of the supervision dashboard and its bulletin chapter (liaison.sections):
per handling unit, the opinions received, answered and adopted, the feedback given on time
(due 30 working days after receipt) and overdue at the as-of date, those published, and each
unit's analysis reports; channels as a chart. Never an opinion's content or its submitter."""

from __future__ import annotations

import tablib
from django.db.models import Count, F, Q

from liaison.charts import count_bars
from liaison.compliance.engine import Window
from liaison.models import Organization
from liaison.permissions import VIEW
from liaison.sections import (
    Section,
    Trend,
    counts_by_unit,
    rate,
    register_section,
    register_trend,
    unit_rows,
)
from opinions.models import Opinion, OpinionAnalysis
from opinions.selectors import breakdown

R = Opinion.Result


def opinions_figures(user, window: Window, unit: Organization | None) -> dict:
    start, as_of = window.start, window.as_of
    opinions = Opinion.objects.restrict(user, VIEW).filter(received_on__range=(start, as_of))
    analyses = OpinionAnalysis.objects.restrict(user, VIEW).filter(date__range=(start, as_of))
    if unit is not None:
        opinions = opinions.filter(handling_unit__path__startswith=unit.path)
        analyses = analyses.filter(unit__path__startswith=unit.path)
    fed_back = Q(feedback_on__lte=as_of)
    measures = {
        "received": Q(),
        "answered": ~Q(result=""),
        "adopted": Q(result__in=(R.ADOPTED, R.PARTLY)),
        "on_time": fed_back & Q(feedback_on__lte=F("feedback_due")),
        "overdue": Q(feedback_due__lt=as_of) & ~fed_back,
        "published": Q(published=True),
    }
    units = unit_rows(user, unit)
    table = counts_by_unit(opinions, units, F("handling_unit"), measures)
    reports = counts_by_unit(analyses, units, F("unit"), {"analyses": Q()})
    rows = []
    for index, u in enumerate(units):
        row = {"unit": u, "own_level": index == 0, **table[u.pk], **reports[u.pk]}
        if index == 0 and not any(row[name] for name in (*measures, "analyses")):
            continue  # nothing recorded at the unit's own level: no 本级 row
        row["adoption_rate"] = rate(row["adopted"], row["answered"])
        rows.append(row)
    totals = opinions.order_by().aggregate(**{name: Count("pk", filter=q)
                                              for name, q in measures.items()})
    totals["analyses"] = analyses.count()
    totals["adoption_rate"] = rate(totals["adopted"], totals["answered"])
    totals["on_time_rate"] = rate(totals["on_time"], totals["received"])
    channels = breakdown(opinions)["channels"]
    return {"rows": rows, "totals": totals, "channels": channels,
            "channel_chart": count_bars(channels, aria_label="各渠道收集的意见数")}


HEADERS = ["单位", "收到", "已答复", "采纳（含部分采纳）", "采纳率", "按期反馈", "逾期未反馈",
           "已公开", "分析报告"]


def opinions_sheets(figures: dict) -> list[tuple[str, tablib.Dataset]]:
    units = tablib.Dataset(headers=HEADERS)
    for r in [*figures["rows"], {**figures["totals"], "unit": None, "own_level": False}]:
        name = "合计" if r["unit"] is None else \
            f"{r['unit'].name}{'本级' if r['own_level'] else ''}"
        units.append([name, r["received"], r["answered"], r["adopted"],
                      "—" if r["adoption_rate"] is None else f"{r['adoption_rate']}%",
                      r["on_time"], r["overdue"], r["published"], r["analyses"]])
    channels = tablib.Dataset(*figures["channels"], headers=["渠道", "意见数"])
    return [("各单位", units), ("各渠道", channels)]


register_section(Section("opinions", "群众意见", "opinions/_dashboard.html", opinions_figures,
                         sheets=opinions_sheets, bulletin_template="opinions/_bulletin.html",
                         order=50))


def opinions_of(user, unit):
    opinions = Opinion.objects.restrict(user, VIEW)
    return opinions if unit is None else opinions.filter(
        handling_unit__path__startswith=unit.path)


register_trend(Trend("opinions", "群众意见", opinions_of, "received_on", unit="条", order=50))
