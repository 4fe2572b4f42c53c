"""The petitions panel of the cadre's workbench: a leader's coming reception days and the
cases a cadre answers for or leads, with their deadlines (liaison.workbench)."""

from django.db.models import Q
from django.utils import timezone

from liaison.permissions import VIEW
from liaison.workbench import Panel, register_panel
from liaison.workdays import WorkingCalendar, due_mark
from petitions.models import Petition, ReceptionDay
from petitions.selectors import with_stage

SHOWN = 10
FINISHED = ("not_accepted", "transferred", "replied", "reviewed", "final")


def petitions_panel(request, cadre, year: int) -> dict:
    today = timezone.localdate()
    receptions = (ReceptionDay.objects.filter(Q(host=cadre) | Q(substitute=cadre),
                                              date__gte=today)
                  .select_related("host", "substitute").order_by("date")[:SHOWN])
    cases = list(with_stage(Petition.objects.restrict(request.user, VIEW).filter(
        Q(responsible=cadre) | Q(leader=cadre)), today)
        .exclude(stage__in=FINISHED).order_by("current_due")[:SHOWN])
    calendar = WorkingCalendar.load()
    for case in cases:
        case.due_level, case.due_words = due_mark(case.current_due, today, calendar)
    return {"receptions": receptions, "cases": cases}


register_panel(Panel("petitions", "petitions/_workbench.html", petitions_panel, order=40))
