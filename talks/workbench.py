"""The talks panel of the cadre's workbench (liaison.workbench): this year's talks and, for a
Party secretary, each member's talks against the two a year owed."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from liaison.workbench import Panel, register_panel
from talks.selectors import awaiting_confirmation, members_progress, talks_of

RECENT = 8


def talks_panel(request, cadre, year: int) -> dict:
    talks = talks_of(cadre, year).select_related("initiator").order_by("-date", "-pk")
    as_of = min(timezone.localdate(), dt.date(year, 12, 31))
    return {"talks": talks[:RECENT], "talk_count": talks.count(),
            "members": members_progress(cadre, year, as_of),
            "to_confirm": awaiting_confirmation(cadre)[:RECENT]}


def talk_actions(request, cadre) -> list[tuple[str, str]]:
    return [("登记谈心谈话", reverse("talks:talk_create") + "?next=" + reverse("workbench"))]


register_panel(Panel("talks", "talks/_workbench.html", talks_panel, order=30,
                     actions=talk_actions))
