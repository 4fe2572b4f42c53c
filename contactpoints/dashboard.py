"""Visits on the supervision dashboard's month-by-month trends (liaison.sections)."""

from django.db.models import Q

from contactpoints.models import Visit
from liaison.permissions import VIEW
from liaison.sections import Trend, register_trend


def visits(user, unit):
    """A unit's visits are those to places in its subtree (communities, households)."""
    records = Visit.objects.restrict(user, VIEW)
    if unit is None:
        return records
    return records.filter(Q(target_org__path__startswith=unit.path)
                          | Q(target_household__community__path__startswith=unit.path))


register_trend(Trend("visits", "走访", visits, "start_date", order=20))
