"""Research metrics (spec §4) and the places research trips visit (for 三走遍)."""

from django.db.models import F, Value

from liaison.compliance.engine import (
    Context,
)
from liaison.compliance.queries import (
    by_category,
    counts,
    distinct_days,
)
from liaison.compliance.registry import (
    CADRE,
    CheckableKind,
    Metric,
    RecordSource,
    register_checkable,
    register_metric,
    register_place_records,
    register_places,
    register_records,
)
from liaison.models import Category
from liaison.selectors import served_organization
from research.models import ResearchReport, ResearchTrip, TripPlace


def research_days(ctx: Context) -> dict:
    return distinct_days(ctx, ctx.narrow(ResearchTrip.objects.all(), "cadre_id"), ("cadre_id",))


def research_reports(ctx: Context) -> dict:
    reports = ctx.in_window(ctx.narrow(ResearchReport.objects.exclude(
        status=ResearchReport.Status.RETURNED), "cadre_id"), "submitted_on")
    return counts(reports, ("cadre_id",))


C = Category
# spec/compliance.md §2
register_metric(Metric(
    "research_days", "调研天数", CADRE, unit="天", periods=by_category, actual=research_days,
    default_quota={C.DISTRICT_PRINCIPAL: 35, C.STANDING_COMMITTEE: 30, C.DISTRICT_LEADER: 25,
                   C.DEPARTMENT_HEAD: 20, C.SUBDISTRICT_HEAD: 15, C.SUBDISTRICT_LEADER: 15,
                   C.SECTION_CADRE: 15}))
register_metric(Metric(
    "research_reports", "调研报告", CADRE, unit="篇", periods=by_category,
    actual=research_reports,
    default_quota={C.DISTRICT_PRINCIPAL: 2, C.STANDING_COMMITTEE: 2, C.DISTRICT_LEADER: 2,
                   C.DEPARTMENT_HEAD: 1, C.SUBDISTRICT_HEAD: 1}))


def places_in_window(ctx: Context, cadre_ids):
    """The places of the cadres' trips with any day inside the window (and that count)."""
    return ctx.counted(TripPlace.objects.all(), via="trip").filter(
        trip__cadre_id__any_of=cadre_ids, trip__start_date__lte=ctx.window.as_of,
        trip__end_date__gte=ctx.window.start)


@register_places
def trip_places(ctx: Context, cadre_ids):
    return places_in_window(ctx, cadre_ids).values_list(F("trip__cadre_id"), "organization_id")


@register_place_records
def trip_place_records(ctx: Context, cadre_id: int):
    """Each place of each such trip, dated by its trip (三走遍's records)."""
    for start, end, title, org_id in places_in_window(ctx, [cadre_id]).values_list(
            "trip__start_date", "trip__end_date", "trip__title", "organization_id"):
        yield {"date": start, "end_date": end, "organization_id": org_id,
               "detail": f"调研「{title}」"}


# --- the records behind the figures (liaison.compliance.registry RECORD_SOURCES) ---------------


def trip_records(ctx: Context, cadre_id: int):
    """The trips whose days research_days counts: any day inside the window."""
    return ctx.touching_window(ResearchTrip.objects.filter(cadre_id=cadre_id)).values(
        "pk", date=F("start_date"), end_date_=F("end_date"), detail=F("title"),
        place=Value(""))


def with_places(rows: list[dict]) -> list[dict]:
    """A trip's places, named, in one more query for the listed trips."""
    names: dict[int, list[str]] = {}
    for trip_id, name in TripPlace.objects.filter(
            trip_id__in=[row["pk"] for row in rows]).order_by("organization__path") \
            .values_list("trip_id", "organization__name"):
        names.setdefault(trip_id, []).append(name)
    for row in rows:
        row["end_date"] = row.pop("end_date_", None)
        row["place"] = "、".join(names.get(row["pk"], []))
    return rows


def report_records(ctx: Context, cadre_id: int):
    """The reports research_reports counts: submitted in the window, not returned."""
    reports = ctx.in_window(ResearchReport.objects.filter(cadre_id=cadre_id).exclude(
        status=ResearchReport.Status.RETURNED), "submitted_on")
    return reports.values("pk", date=F("submitted_on"), detail=F("title"), place=Value(""))


register_records(RecordSource("research_days", trip_records, expand=with_places,
                              counts_records=False))
register_records(RecordSource("research_reports", report_records))


def trip_unit():
    """A trip's unit, for spot checks' per-unit sampling: the organization of the cadre's
    position on the trip's first day (the first such position when they held two)."""
    return served_organization("cadre", "start_date")


def describe_trip(trip: ResearchTrip) -> str:
    places = "、".join(place.name for place in trip.places.all())
    days = f"{trip.start_date:%Y-%m-%d}" if trip.end_date == trip.start_date else \
        f"{trip.start_date:%Y-%m-%d}至{trip.end_date:%Y-%m-%d}"
    return f"{trip.cadre.name} {days} 调研「{trip.title}」，地点：{places or '未填'}"


# spec/compliance.md §10: trips may be sampled and verified by spot checks.
register_checkable(CheckableKind(
    "research_trip", "调研", ResearchTrip, cadre_field="cadre", date_field="start_date",
    end_date_field="end_date", unit=trip_unit, describe=describe_trip))
