"""The research panel of the cadre's workbench (liaison.workbench)."""

import datetime as dt

from django.urls import reverse

from liaison.permissions import VIEW
from liaison.workbench import Panel, register_panel
from research.models import ResearchReport, ResearchTrip

RECENT = 10


def research_panel(request, cadre, year: int) -> dict:
    trips = ResearchTrip.objects.restrict(request.user, VIEW).filter(
        cadre=cadre, start_date__lte=dt.date(year, 12, 31), end_date__gte=dt.date(year, 1, 1))
    reports = ResearchReport.objects.restrict(request.user, VIEW).filter(
        cadre=cadre, submitted_on__year=year)
    return {
        "trips": trips[:RECENT],
        "trip_count": trips.count(),
        "reports": reports[:RECENT],
        "report_count": reports.count(),
    }


def research_actions(request, cadre) -> list[tuple[str, str]]:
    back = "?next=" + reverse("workbench")
    return [("登记调研", reverse("research:trip_create") + back),
            ("提交调研报告", reverse("research:report_create") + back)]


register_panel(Panel("research", "research/_workbench.html", research_panel, order=10,
                     actions=research_actions))
