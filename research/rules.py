"""Cross-row rules of research records, shared by the forms and the imports."""

from liaison.services import activity_dates_check, rules_for
from research.models import ResearchReport, ResearchTrip


@rules_for(ResearchTrip)
def trip_dates(trip: ResearchTrip) -> None:
    activity_dates_check(trip.start_date, trip.end_date, max_days=ResearchTrip.MAX_DAYS)


@rules_for(ResearchReport)
def report_date(report: ResearchReport) -> None:
    activity_dates_check(report.submitted_on, None, start_field="submitted_on")
