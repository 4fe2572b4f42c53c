from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.services import activity_dates_check, record_save, rules_for
from research.models import ResearchReport, ResearchTrip, TripPlace


@rules_for(ResearchTrip)
def trip_dates(trip: ResearchTrip) -> None:
    activity_dates_check(trip.start_date, trip.end_date, max_days=ResearchTrip.MAX_DAYS)


@rules_for(ResearchReport)
def report_date(report: ResearchReport) -> None:
    activity_dates_check(report.submitted_on, None, start_field="submitted_on")


@transaction.atomic
def trip_places_set(*, trip: ResearchTrip, places, acting_user) -> None:
    """Make the trip's places exactly `places` (each change audited)."""
    wanted = {p.pk for p in places}
    if not wanted:
        raise ValidationError({"places": "至少填写一个调研地点"})
    current = {tp.organization_id: tp for tp in trip.trip_places.all()}
    for org_id, trip_place in current.items():
        if org_id not in wanted:
            trip_place._history_user = acting_user
            trip_place.delete()
    for org_id in wanted - set(current):
        place = TripPlace(trip=trip, organization_id=org_id)
        place._history_user = acting_user
        place.save()


@transaction.atomic
def trip_save(*, trip: ResearchTrip, places, acting_user) -> ResearchTrip:
    if trip.end_date is None:
        trip.end_date = trip.start_date
    if not places:
        raise ValidationError({"places": "至少填写一个调研地点"})
    record_save(instance=trip, acting_user=acting_user)
    trip_places_set(trip=trip, places=places, acting_user=acting_user)
    return trip
