"""Research on the supervision dashboard's month-by-month trends (liaison.sections)."""

from liaison.permissions import VIEW
from liaison.sections import Trend, cadre_served_in, register_trend
from research.models import ResearchTrip


def trips(user, unit):
    records = ResearchTrip.objects.restrict(user, VIEW)
    return records if unit is None else records.filter(
        cadre_served_in(unit, "cadre", "start_date"))


register_trend(Trend("research_trips", "调研", trips, "start_date", order=10))
