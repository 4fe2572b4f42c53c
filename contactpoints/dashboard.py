"""The contact-point and household-visit page of the supervision dashboard and its bulletin
chapter (liaison.sections): visits to the leaders' contact points, the units' visits to their
communities and the cadres' household visits in the window, the problems raised and solved."""

from __future__ import annotations

import tablib
from django.db.models import Count, F, IntegerField, Q
from django.db.models.functions import Coalesce

from contactpoints.models import Visit
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

KINDS = Visit.Kind.choices


def contact_in(unit: Organization) -> Q:
    """A unit's visits, or visits by a cadre who served in the unit's subtree that day."""
    return Q(unit__path__startswith=unit.path) | cadre_served_in(unit, "cadre", "start_date")


def contact_organization():
    """The visiting unit, else the organization the cadre served in that day (on a queryset
    `served_joined` on the cadre and the start date)."""
    return Coalesce(F("unit_id"), SERVED_ORGANIZATION, output_field=IntegerField())


def contactpoints_figures(user, window: Window, unit: Organization | None) -> dict:
    visits = Visit.objects.restrict(user, VIEW).filter(
        start_date__range=(window.start, window.as_of))
    if unit is not None:
        visits = visits.filter(contact_in(unit))
    raised, solved = ~Q(problems_raised=""), ~Q(problems_solved="")
    measures = {"visits": Q(), **{kind: Q(kind=kind) for kind, _ in KINDS},
                "raised": raised, "solved": solved}
    units = unit_rows(user, unit)
    counts = counts_by_organization(served_joined(visits, "cadre", "start_date"),
                                    contact_organization(), measures)
    table = roll_up(counts, units, measures)
    rows = [{"unit": u, "own_level": i == 0, **table[u.pk],
             "by_kind": [table[u.pk][kind] for kind, _ in KINDS]}
            for i, u in enumerate(units) if table[u.pk]["visits"] or i > 0]
    sums = summed(counts, measures)
    totals = {**{name: sums[name] for name in ("visits", "raised", "solved")},
              **visits.order_by().aggregate(
                  households=Count("target_household", distinct=True),
                  points=Count("target_org", distinct=True,
                               filter=Q(kind=Visit.Kind.LEADER_POINT)))}
    return {"rows": rows, "totals": totals, "kinds": KINDS,
            "by_kind": [(label, sums[kind]) for kind, label in KINDS]}


def contactpoints_sheets(figures: dict) -> list[tuple[str, tablib.Dataset]]:
    units = tablib.Dataset(headers=["单位", "走访次数", *(label for _, label in KINDS),
                                    "反映问题", "解决问题"])
    for r in figures["rows"]:
        units.append([f"{r['unit'].name}{'本级' if r['own_level'] else ''}", r["visits"],
                      *r["by_kind"], r["raised"], r["solved"]])
    return [("各单位", units)]


register_section(Section("contactpoints", "联系点和入户走访", "contactpoints/_dashboard.html",
                         contactpoints_figures, sheets=contactpoints_sheets,
                         bulletin_template="contactpoints/_bulletin.html", order=20))


def visits_of(user, unit):
    """As on the page: a unit's visits, or its cadres' (liaison.sections trends)."""
    visits = Visit.objects.restrict(user, VIEW)
    return visits if unit is None else visits.filter(contact_in(unit))


register_trend(Trend("visits", "走访", visits_of, "start_date", order=20))
