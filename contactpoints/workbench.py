"""The visits panel of the cadre's workbench (liaison.workbench)."""

import datetime as dt

from django.db.models import Count
from django.urls import reverse

from contactpoints.models import Visit
from liaison.models import ContactAssignment
from liaison.permissions import VIEW
from liaison.workbench import Panel, register_panel

RECENT = 10


def visits_panel(request, cadre, year: int) -> dict:
    visits = Visit.objects.restrict(request.user, VIEW).filter(
        cadre=cadre, start_date__lte=dt.date(year, 12, 31), end_date__gte=dt.date(year, 1, 1))
    by_kind = dict(visits.order_by().values_list("kind").annotate(n=Count("pk")))
    recent = list(visits.select_related("target_org", "target_household")[:RECENT])
    for visit in recent:  # masked as everywhere: revealing is a logged step on the visit page
        visit.masked_target = visit.target_label(names_visible=False)
    return {
        "visits": recent,
        "visit_count": sum(by_kind.values()),
        "visit_counts": [(label, by_kind.get(kind, 0)) for kind, label in Visit.Kind.choices
                         if kind != Visit.Kind.UNIT_COMMUNITY],
    }


def visit_actions(request, cadre) -> list[tuple[str, str]]:
    back = "?next=" + reverse("workbench")
    actions = [("登记入户走访", reverse("contactpoints:household_visit_create") + back)]
    has_leader_point = ContactAssignment.objects.restrict(request.user, VIEW).filter(
        kind=ContactAssignment.Kind.LEADER_POINT, cadre=cadre).exists()
    if has_leader_point:
        actions.append(("登记联系点走访", reverse("contactpoints:leader_visit_create") + back))
    return actions


register_panel(Panel("visits", "contactpoints/_workbench.html", visits_panel, order=20,
                     actions=visit_actions))
