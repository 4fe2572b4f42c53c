"""The pledges page of the supervision dashboard and its bulletin chapter (liaison.sections):
per Party organization, the year's pledges, how many were published by the as-of date, rated
and with which grade; the items' fulfilment by status (each item's latest progress note by
A); members registered with a community (双报到) on A, and the service hours recorded for the
communities' activities of the window."""

from __future__ import annotations

import tablib
from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from liaison.charts import count_bars
from liaison.compliance.engine import Window
from liaison.models import Organization, active_on_q
from liaison.permissions import VIEW
from liaison.sections import Section, counts_by_unit, rate, register_section, unit_rows
from pledges.models import (
    Pledge,
    PledgeProgress,
    Registration,
    ServiceActivity,
    ServiceSignup,
)

GRADES = Pledge.Rating.choices


def pledges_figures(user, window: Window, unit: Organization | None) -> dict:
    as_of = window.as_of
    pledges = Pledge.objects.restrict(user, VIEW).filter(year=window.year)
    registrations = Registration.objects.restrict(user, VIEW).filter(active_on_q(as_of))
    # Service hours (双报到) of the window's activities the user may see.
    signups = ServiceSignup.objects.filter(
        activity__in=ServiceActivity.objects.restrict(user, VIEW).filter(
            date__range=(window.start, as_of)), hours__isnull=False)
    if unit is not None:
        signups = signups.filter(activity__community__path__startswith=unit.path)
        pledges = pledges.filter(organization__path__startswith=unit.path)
        registrations = registrations.filter(community__path__startswith=unit.path)
    rated = Q(rated_on__lte=as_of) & ~Q(rating="")
    measures = {"pledges": Q(), "published": Q(published_on__lte=as_of), "rated": rated,
                **{grade: rated & Q(rating=grade) for grade, _ in GRADES}}
    units = unit_rows(user, unit)
    table = counts_by_unit(pledges, units, F("organization"), measures)
    registered = counts_by_unit(registrations, units, F("community"),
                                {"registered": Q()})
    served = counts_by_unit(signups, units, F("activity__community"),
                            {"hours": Sum("hours"), "volunteers": Count("cadre", distinct=True)})
    rows = []
    for index, u in enumerate(units):
        row = {"unit": u, "own_level": index == 0, **table[u.pk], **registered[u.pk],
               **served[u.pk]}
        if index == 0 and not (row["pledges"] or row["registered"] or row["hours"]):
            continue  # nothing at the unit's own level: no 本级 row
        row["published_rate"] = rate(row["published"], row["pledges"])
        row["grades"] = [row[grade] for grade, _ in GRADES]
        rows.append(row)
    totals = pledges.order_by().aggregate(**{name: Count("pk", filter=q)
                                             for name, q in measures.items()})
    totals["published_rate"] = rate(totals["published"], totals["pledges"])
    totals["registered"] = registrations.count()
    totals.update(signups.aggregate(hours=Sum("hours"), volunteers=Count("cadre", distinct=True)))
    totals["hours"] = totals["hours"] or 0
    # An item's status at A is that of its latest note dated on or before A.
    notes = PledgeProgress.objects.filter(pledge__in=pledges.filter(published_on__lte=as_of),
                                          date__lte=as_of)
    later = notes.filter(pledge=OuterRef("pledge"), item=OuterRef("item")).filter(
        Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), pk__gt=OuterRef("pk")))
    statuses = dict(notes.exclude(Exists(later)).order_by().values_list("status")
                    .annotate(n=Count("pk")))
    items = [(label, statuses.get(status, 0)) for status, label in
             PledgeProgress.Status.choices if status != PledgeProgress.Status.NOT_STARTED]
    without_notes = pledges.filter(published_on__lte=as_of).exclude(
        Exists(notes.filter(pledge=OuterRef("pk")))).count()
    return {"rows": rows, "totals": totals, "grades": GRADES,
            "grade_totals": [(label, totals[grade]) for grade, label in GRADES],
            "items": items, "without_notes": without_notes,
            "items_chart": count_bars(items, aria_label="承诺事项的兑现情况")
            if any(n for _, n in items) else ""}


def pledges_sheets(figures: dict) -> list[tuple[str, tablib.Dataset]]:
    units = tablib.Dataset(headers=["党组织", "承诺", "已公开", "公开率", "已评定",
                                    *(label for _, label in GRADES), "在社区报到",
                                    "志愿服务人数", "志愿服务时长（小时）"])
    for r in [*figures["rows"], {**figures["totals"], "unit": None, "own_level": False,
                                 "grades": [n for _, n in figures["grade_totals"]]}]:
        name = "合计" if r["unit"] is None else \
            f"{r['unit'].name}{'本级' if r['own_level'] else ''}"
        units.append([name, r["pledges"], r["published"],
                      "—" if r["published_rate"] is None else f"{r['published_rate']}%",
                      r["rated"], *r["grades"], r["registered"], r["volunteers"],
                      r["hours"]])
    items = tablib.Dataset(*figures["items"], headers=["事项状态", "事项数"])
    items.append(["尚无进展记录的承诺（份）", figures["without_notes"]])
    return [("各党组织", units), ("事项兑现", items)]


register_section(Section("pledges", "承诺践诺", "pledges/_dashboard.html", pledges_figures,
                         sheets=pledges_sheets, bulletin_template="pledges/_bulletin.html",
                         order=60))
