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
    refresh_dues(case, calendar or WorkingCalendar.load())
    record_save(instance=case, acting_user=acting_user)
    if accused_cadres is not None:
        case.accused_cadres.set(case._accused_cadres)
    if accused_units is not None:
        case.accused_units.set(case._accused_units)
    return case
