"""The talks page of the supervision dashboard and its bulletin chapter (liaison.sections):
how many talks of each type the units' cadres held, in which forms, month by month, and how
many still wait for a participant's confirmation. Only the fact of a talk is counted, never
its content, so every reader of the dashboard may see it."""

from __future__ import annotations

import datetime as dt

import tablib
from django.db.models import Exists, OuterRef, Q

from liaison.charts import count_bars
from liaison.compliance.engine import Window
from liaison.models import Organization, Position, active_on_q
from liaison.permissions import VIEW
from liaison.sections import (
    Section,
    Trend,
    counts_by_organization,
    register_section,
    register_trend,
    roll_up,
    summed,
    unit_rows,
)
from liaison.selectors import SERVED_ORGANIZATION, served_joined
from talks.models import Talk
from talks.selectors import unconfirmed_q

TYPES = Talk.Type.choices


def initiator_in(unit: Organization, subtree: bool) -> Q:
    """Talks whose initiator held a position in the unit (or its subtree) on the talk's day
    (the drill-down's filter)."""
    path = {"organization__path__startswith" if subtree else "organization__path": unit.path}
    return Q(Exists(Position.objects.filter(active_on_q(OuterRef("date")),
                                            cadre=OuterRef("initiator"), **path)))


def talks_figures(user, window: Window, unit: Organization | None) -> dict:
    talks = Talk.objects.restrict(user, VIEW).filter(date__range=(window.start, window.as_of))
    if unit is not None:
        talks = talks.filter(initiator_in(unit, True))
    measures = {"talks": Q(), **{kind: Q(type=kind) for kind, _ in TYPES},
                "opinions": ~Q(opinions_raised="")}
    # The forms and months are counted in the same statement, for the totals.
    forms = {f"form_{kind}": Q(form=kind) for kind, _ in Talk.Form.choices}
    months = {f"month_{month}": Q(date__month=month) for month in range(1, 13)}
    units = unit_rows(user, unit)
    # Each talk in the organization its initiator served in that day (liaison.selectors).
    counts = counts_by_organization(served_joined(talks, "initiator", "date"),
                                    SERVED_ORGANIZATION, {**measures, **forms, **months})
    table = roll_up(counts, units, measures)
    # The talks waiting for a confirmation are counted apart, selected by a semi-join: as a
    # FILTER of the counts above, the set of waiting talks was searched for each talk once
    # it no longer fit PostgreSQL's work_mem (N=100: the page never finished).
    waiting = talks.filter(unconfirmed_q())
    waiting_counts = counts_by_organization(served_joined(waiting, "initiator", "date"),
                                            SERVED_ORGANIZATION, {"unconfirmed": Q()})
    unconfirmed = roll_up(waiting_counts, units, ["unconfirmed"])
    for pk, row in table.items():
        row["unconfirmed"] = unconfirmed[pk]["unconfirmed"]
    rows = [{"unit": u, "own_level": i == 0, **table[u.pk],
             "by_type": [table[u.pk][kind] for kind, _ in TYPES]}
            for i, u in enumerate(units) if table[u.pk]["talks"] or i > 0]
    sums = summed(counts, {**measures, **forms, **months})
    totals = {"talks": sums["talks"], "opinions": sums["opinions"],
              **summed(waiting_counts, ["unconfirmed"])}
    by_month = [(dt.date(window.year, month, 1), sums[f"month_{month}"])
                for month in range(1, 13) if sums[f"month_{month}"]]
    return {
        "rows": rows, "totals": totals, "types": TYPES,
        "by_type": [(label, sums[kind]) for kind, label in TYPES],
        "by_form": [(label, sums[f"form_{kind}"]) for kind, label in Talk.Form.choices],
        "month_chart": count_bars([(f"{month:%Y年%m月}", n) for month, n in by_month],
                                  aria_label="各月谈心谈话次数"),
    }


def talks_sheets(figures: dict) -> list[tuple[str, tablib.Dataset]]:
    units = tablib.Dataset(headers=["单位", "谈话次数", *(label for _, label in TYPES),
                                    "待确认", "记有群众意见"])
    for r in figures["rows"]:
        units.append([f"{r['unit'].name}{'本级' if r['own_level'] else ''}", r["talks"],
                      *r["by_type"], r["unconfirmed"], r["opinions"]])
    kinds = tablib.Dataset(headers=["分类", "项目", "次数"])
    for label, n in figures["by_type"]:
        kinds.append(["类型", label, n])
    for label, n in figures["by_form"]:
        kinds.append(["形式", label, n])
    return [("各单位", units), ("类型与形式", kinds)]


register_section(Section("talks", "谈心谈话", "talks/_dashboard.html", talks_figures,
                         sheets=talks_sheets, bulletin_template="talks/_bulletin.html",
                         order=40))


def talks_of(user, unit):
    talks = Talk.objects.restrict(user, VIEW)
    return talks if unit is None else talks.filter(initiator_in(unit, True))


register_trend(Trend("talks", "谈心谈话", talks_of, "date", order=40))
