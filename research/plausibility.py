"""What research contributes to the plausibility flags (liaison.plausibility): where cadres
were on their research trips (rule 4), and the files attached to trips and reports (rule 5)."""

from django.db.models import CharField, F, Value
from django.db.models.functions import Concat

from liaison.plausibility import (
    AttachmentSource,
    DatedPlaces,
    register_attachment_source,
    register_dated_places,
)
from research.models import ResearchReport, ResearchTrip, TripAttachment, TripPlace


def trip_places():
    return TripPlace.objects.annotate(
        place_cadre=F("trip__cadre_id"), place_start=F("trip__start_date"),
        place_end=F("trip__end_date"), place_path=F("organization__path"),
        place_label=Concat(F("trip__title"), Value("，"), F("organization__name"),
                           output_field=CharField()))


def trip_files():
    return TripAttachment.objects.annotate(
        file_hash=F("sha256"), record_id=F("trip_id"), record_cadre=F("trip__cadre_id"),
        record_date=F("trip__start_date"))


def report_files():
    return ResearchReport.objects.exclude(file="").annotate(
        file_hash=F("file_sha256"), record_id=F("pk"), record_cadre=F("cadre_id"),
        record_date=F("submitted_on"))


register_dated_places(DatedPlaces("research_trips", trip_places))
register_attachment_source(AttachmentSource(TripAttachment, ResearchTrip, trip_files))
register_attachment_source(AttachmentSource(ResearchReport, ResearchReport, report_files,
                                            hash_field="file_sha256"))
