"""Writes of reception days and cases: validated (petitions.rules), audited, with the clocks'
due dates stored on the working calendar."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from liaison.permissions import VIEW
from liaison.services import notify, record_save, refresh_stored
from liaison.workdays import AMBER_WORKING_DAYS, WorkingCalendar, due_mark
from opinions.models import Opinion
from opinions.services import forwarded_from, opinion_forward
from petitions.clocks import refresh_dues
from petitions.models import Petition, ReceptionDay
from petitions.selectors import due_soon_q, overdue_q, with_stage


def reception_save(*, reception: ReceptionDay, acting_user) -> ReceptionDay:
    return record_save(instance=reception, acting_user=acting_user)


@transaction.atomic
def petition_save(*, case: Petition, acting_user, accused_cadres=None, accused_units=None,
                  calendar: WorkingCalendar | None = None) -> Petition:
    """Save a case (new or changed). `accused_cadres` / `accused_units` replace the case's
    accused when given; the confidentiality rule checks them before anything is written."""
    if accused_cadres is not None:
        case._accused_cadres = list(accused_cadres)
    if accused_units is not None:
        case._accused_units = list(accused_units)
    case._calendar = calendar or WorkingCalendar.load()  # the rules read it too
    refresh_dues(case, case._calendar)
    record_save(instance=case, acting_user=acting_user)
    if accused_cadres is not None:
        case.accused_cadres.set(case._accused_cadres)
    if accused_units is not None:
        case.accused_units.set(case._accused_units)
    return case


def petition_dues_refresh(batch_size: int = 2000) -> int:
    """Recompute every case's due dates on the current calendar (after it changed); returns
    how many cases changed."""
    calendar = WorkingCalendar.load()
    fields = ("decision_due", "handling_due", "handling_due_extended", "review_due",
              "re_review_due")
    cases = Petition.objects.only("received_on", "decision", "decided_on", "extension_days",
                                  "review_requested_on", "re_review_requested_on", *fields)
    return refresh_stored(cases, fields, lambda case: refresh_dues(case, calendar), batch_size)


def petition_deadline_notices(today: dt.date | None = None) -> int:
    """The daily reminder: every case whose running clock is overdue or due within 3 working
    days, to its responsible person, its leader in charge and the petitions office users who
    may see it (an accused user never: the scope decides). Returns the notices sent."""
    from django.contrib.auth import get_user_model

    from liaison.permissions import Role

    today = today or timezone.localdate()
    calendar = WorkingCalendar.load()
    last = calendar.add_working_days(today, AMBER_WORKING_DAYS)
    cases = with_stage(Petition.objects.all(), today).filter(
        overdue_q(today) | due_soon_q(today, last)).select_related(
        "responsible__user", "leader__user")
    office = get_user_model().objects.filter(is_active=True,
                                             role_grants__group__name=Role.PETITIONS).distinct()
    people = {p.user for case in cases for p in (case.responsible, case.leader)
              if p and p.user_id}
    # Whoever is told may see the case: the scope decides (an accused user never is).
    seen_by = {user: set(cases.restrict(user, VIEW).values_list("pk", flat=True))
               for user in {*office, *people}}
    messages = []
    for case in cases:
        _, words = due_mark(case.current_due, today, calendar)
        text = (f"信访事项 {case.code}（{case.summary[:20]}）{words}，"
                f"期限 {case.current_due:%Y-%m-%d}")
        told = {user for user, pks in seen_by.items() if case.pk in pks and user.is_active}
        messages += [(user, text, case.get_absolute_url(),
                      f"petition-due:{case.pk}:{today:%Y%m%d}") for user in told]
    return notify(messages=messages)


def opinion_source(case: Petition) -> str:
    return f"信访事项 {case.code}"


def petition_opinion_forward(*, case: Petition, acting_user):
    """Pass what a case raises on to the opinions ledger (channel 接访), to the handling unit,
    without the petitioner's identity; once per case."""
    return opinion_forward(content=case.summary, received_on=case.received_on,
                           channel=Opinion.Channel.RECEPTION, unit=case.handling_unit,
                           source=opinion_source(case), acting_user=acting_user)


def forwarded_opinion(case: Petition):
    return forwarded_from([opinion_source(case)]).get(opinion_source(case))
