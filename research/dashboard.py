"""The research page of the supervision dashboard and its bulletin chapter (liaison.sections):
how many research trips the units' cadres made in the window, to which kinds of places, how
many found problems, and the research reports submitted and adopted."""

from __future__ import annotations

import tablib
from django.db.models import Count, Q

from liaison.compliance.engine import Window
from liaison.models import Organization
from liaison.permissions import VIEW
from liaison.sections import (
    Section,
    Trend,
    cadre_served_in,
    counts_by_organization,
    register_section,
    register_trend,
    roll_up,
    summed,
    unit_rows,
)
from liaison.selectors import SERVED_ORGANIZATION, served_joined
from research.models import ResearchReport, ResearchTrip

PLACES = ResearchTrip.PlaceType.choices


def research_figures(user, window: Window, unit: Organization | None) -> dict:
    trips = ResearchTrip.objects.restrict(user, VIEW).filter(
        start_date__lte=window.as_of, end_date__gte=window.start)
    reports = ResearchReport.objects.restrict(user, VIEW).filter(
        submitted_on__range=(window.start, window.as_of))
    if unit is not None:
        trips = trips.filter(cadre_served_in(unit, "cadre", "start_date"))
        reports = reports.filter(cadre_served_in(unit, "cadre", "submitted_on"))
    units = unit_rows(user, unit)
    trip_measures = {"trips": Q(), "problems": ~Q(problems="")}
    report_measures = {"reports": Q(), "adopted": Q(status=ResearchReport.Status.ADOPTED)}
    # The places and the returned reports are counted in the same statements, for the totals.
    places = {f"place_{kind}": Q(place_type=kind) for kind, _ in PLACES}
    returned = {"returned": Q(status=ResearchReport.Status.RETURNED)}
    # Each record in the organization its cadre served in on its day (liaison.selectors).
    trip_counts = counts_by_organization(served_joined(trips, "cadre", "start_date"),
                                         SERVED_ORGANIZATION, {**trip_measures, **places})
    report_counts = counts_by_organization(served_joined(reports, "cadre", "submitted_on"),
                                           SERVED_ORGANIZATION, {**report_measures, **returned})
    trip_table = roll_up(trip_counts, units, trip_measures)
    report_table = roll_up(report_counts, units, report_measures)
    rows = [{"unit": u, "own_level": i == 0, **trip_table[u.pk], **report_table[u.pk]}
            for i, u in enumerate(units)
            if i > 0 or trip_table[u.pk]["trips"] or report_table[u.pk]["reports"]]
    trip_sums = summed(trip_counts, {**trip_measures, **places})
    totals = {**{name: trip_sums[name] for name in trip_measures},
              **trips.order_by().aggregate(cadres=Count("cadre", distinct=True)),
              **summed(report_counts, {**report_measures, **returned})}
    return {"rows": rows, "totals": totals,
            "by_place": [(label, trip_sums[f"place_{kind}"]) for kind, label in PLACES]}


def research_sheets(figures: dict) -> list[tuple[str, tablib.Dataset]]:
    units = tablib.Dataset(headers=["单位", "调研次数", "发现问题的调研", "调研报告",
                                    "被采纳报告"])
    for r in figures["rows"]:
        units.append([f"{r['unit'].name}{'本级' if r['own_level'] else ''}", r["trips"],
                      r["problems"], r["reports"], r["adopted"]])
    places = tablib.Dataset(headers=["地点类型", "调研次数"])
    for label, n in figures["by_place"]:
        places.append([label, n])
    return [("各单位", units), ("地点类型", places)]


register_section(Section("research", "调查研究", "research/_dashboard.html", research_figures,
                         sheets=research_sheets, bulletin_template="research/_bulletin.html",
                         order=10))


def trips_of(user, unit):
    trips = ResearchTrip.objects.restrict(user, VIEW)
    return trips if unit is None else trips.filter(cadre_served_in(unit, "cadre", "start_date"))


register_trend(Trend("research_trips", "调研", trips_of, "start_date", order=10))
