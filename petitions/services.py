"""Writes of reception days and cases: validated (petitions.rules), audited, with the clocks'
due dates stored on the working calendar."""

from __future__ import annotations

from django.db import transaction

from liaison.services import record_save
from liaison.workdays import WorkingCalendar
from petitions.clocks import refresh_dues
from petitions.models import Petition, ReceptionDay


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
    how many cases changed. Cases are read and written in batches."""
    calendar = WorkingCalendar.load()
    fields = ("decision_due", "handling_due", "handling_due_extended", "review_due",
              "re_review_due")
    changed = []
    total = 0
    for case in Petition.objects.only(
            "pk", "received_on", "decision", "decided_on", "extension_days",
            "review_requested_on", "re_review_requested_on", *fields).iterator(
            chunk_size=batch_size):
        before = tuple(getattr(case, f) for f in fields)
        refresh_dues(case, calendar)
        if tuple(getattr(case, f) for f in fields) != before:
            changed.append(case)
        if len(changed) >= batch_size:
            Petition.objects.bulk_update(changed, fields)
            total += len(changed)
            changed = []
    Petition.objects.bulk_update(changed, fields)
    return total + len(changed)
