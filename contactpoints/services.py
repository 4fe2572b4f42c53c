from django.core.exceptions import ValidationError
from django.db import transaction

from contactpoints.models import Visit
from liaison.services import record_save


@transaction.atomic
def visit_save(*, visit: Visit, acting_user, participants=None) -> Visit:
    if visit.end_date is None:
        visit.end_date = visit.start_date
    record_save(instance=visit, acting_user=acting_user)
    if participants is not None:
        visit.participants.set(participants)
    return visit


@transaction.atomic
def household_visits_create(*, cadre, households, start_date, end_date=None, acting_user,
                            **details) -> list[Visit]:
    """One entry, several households on the same day(s): one visit per household."""
    if not households:
        raise ValidationError({"target_household": "请至少选择一户"})
    visits, errors = [], []
    for household in households:
        visit = Visit(kind=Visit.Kind.HOUSEHOLD, cadre=cadre, target_household=household,
                      start_date=start_date, end_date=end_date or start_date, **details)
        try:
            visits.append(visit_save(visit=visit, acting_user=acting_user))
        except ValidationError as exc:
            errors.extend(f"{household.code}：{m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    return visits
