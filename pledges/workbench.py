"""The pledges panel of the cadre's workbench (liaison.workbench): this year's pledge, its
items and their status, and the communities the cadre is registered with."""

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from liaison.workbench import Panel, register_panel
from pledges.models import Pledge, Registration, ServiceSignup
from pledges.selectors import pending_vetting
from pledges.services import item_timelines


def pledges_panel(request, cadre, year: int) -> dict:
    pledge = Pledge.objects.filter(cadre=cadre, year=year).select_related(
        "organization").first()
    today = timezone.localdate()
    registrations = Registration.objects.filter(cadre=cadre, start_date__lte=today).exclude(
        end_date__lt=today).select_related("community")
    hours = ServiceSignup.objects.filter(cadre=cadre, activity__date__year=year).aggregate(
        total=Sum("hours"))["total"]
    return {"pledge": pledge, "items": item_timelines(pledge) if pledge else [],
            "registrations": registrations, "pledge_year": year, "service_hours": hours or 0}


def pledge_actions(request, cadre) -> list[tuple[str, str]]:
    actions = []
    pending = pending_vetting(request.user).count()
    if pending:  # a Party secretary's members' pledges
        actions.append((f"审核承诺（{pending}）", reverse("pledges:vetting")))
    if not Pledge.objects.filter(cadre=cadre, year=timezone.localdate().year).exists():
        actions.append(("填写年度承诺",
                        reverse("pledges:pledge_create") + "?next=" + reverse("workbench")))
    return actions


register_panel(Panel("pledges", "pledges/_workbench.html", pledges_panel, order=50,
                     actions=pledge_actions))
