"""Contact-point and household visit metrics (spec §4) and the places visits reach."""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from contactpoints.models import Visit
from liaison.compliance.engine import Context
from liaison.compliance.queries import (
    by_category,
    cadre_household_periods,
    counts,
    distinct_days,
    unit_community_periods,
)
from liaison.compliance.registry import (
    CADRE,
    ORGANIZATION,
    CheckableKind,
    Metric,
    RecordSource,
    register_checkable,
    register_household_places,
    register_metric,
    register_place_records,
    register_places,
    register_records,
)
from liaison.models import Category, ContactAssignment
from liaison.personal import mask_name

K = Visit.Kind


def cadre_visits(ctx: Context, kind: str):
    return ctx.narrow(Visit.objects.filter(kind=kind), "cadre_id")


def unit_visits(ctx: Context):
    return ctx.narrow(Visit.objects.filter(kind=K.UNIT_COMMUNITY), "unit_id", ORGANIZATION)


def to_own_points(visits):
    """Leader-point visits to a point the cadre held on the visit's start date (spec §4)."""
    own = ContactAssignment.objects.filter(
        kind=ContactAssignment.Kind.LEADER_POINT, cadre_id=OuterRef("cadre_id"),
        target_org_id=OuterRef("target_org_id"), start_date__lte=OuterRef("start_date"),
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("start_date")))
    return visits.filter(Exists(own))


def contact_point_visits(ctx: Context) -> dict:
    return counts(ctx.in_window(to_own_points(cadre_visits(ctx, K.LEADER_POINT))),
                  ("cadre_id",))


def household_visits(ctx: Context) -> dict:
    return counts(ctx.in_window(cadre_visits(ctx, K.HOUSEHOLD)), ("cadre_id",))


def household_visit_days(ctx: Context) -> dict:
    return distinct_days(ctx, cadre_visits(ctx, K.HOUSEHOLD), ("cadre_id",))


def unit_community_visits(ctx: Context) -> dict:
    return counts(ctx.in_window(unit_visits(ctx)), ("unit_id", "target_org_id"))


def unit_community_days(ctx: Context) -> dict:
    return distinct_days(ctx, unit_visits(ctx), ("unit_id", "target_org_id"))


C = Category
# spec/compliance.md §2
register_metric(Metric(
    "contact_point_visits", "到联系点次数", CADRE, periods=by_category,
    actual=contact_point_visits,
    default_quota={C.DISTRICT_PRINCIPAL: 12, C.STANDING_COMMITTEE: 12, C.DISTRICT_LEADER: 12}))
register_metric(Metric("household_visits", "入户次数", CADRE, periods=cadre_household_periods,
                       actual=household_visits, default_quota={"": 6}))
register_metric(Metric("household_visit_days", "入户天数", CADRE, unit="天",
                       periods=cadre_household_periods, actual=household_visit_days,
                       default_quota={"": 6}))
register_metric(Metric("unit_community_visits", "单位进社区次数", ORGANIZATION,
                       periods=unit_community_periods, actual=unit_community_visits,
                       default_quota={"": 12}))
register_metric(Metric("unit_community_days", "单位进社区天数", ORGANIZATION, unit="天",
                       periods=unit_community_periods, actual=unit_community_days,
                       default_quota={"": 12}))


def point_visits_touching(ctx: Context, cadre_ids):
    return ctx.touching_window(to_own_points(
        Visit.objects.filter(kind=K.LEADER_POINT, cadre_id__any_of=cadre_ids)))


def household_visits_touching(ctx: Context, cadre_ids):
    return ctx.touching_window(Visit.objects.filter(kind=K.HOUSEHOLD, cadre_id__any_of=cadre_ids))


@register_places
def contact_point_targets(ctx: Context, cadre_ids):
    return point_visits_touching(ctx, cadre_ids).values_list("cadre_id", "target_org_id")


@register_household_places
def visited_households(ctx: Context, cadre_ids):
    return household_visits_touching(ctx, cadre_ids).values_list(
        "cadre_id", "target_household_id", "target_household__community_id")


@register_place_records
def visit_place_records(ctx: Context, cadre_id: int):
    """The same visits, dated (三走遍's records)."""
    for start, end, org_id in point_visits_touching(ctx, [cadre_id]).values_list(
            "start_date", "end_date", "target_org_id"):
        yield {"date": start, "end_date": end, "organization_id": org_id, "detail": "到联系点"}
    for start, end, household_id, community_id in household_visits_touching(
            ctx, [cadre_id]).values_list("start_date", "end_date", "target_household_id",
                                         "target_household__community_id"):
        yield {"date": start, "end_date": end, "household_id": household_id,
               "community_id": community_id, "detail": "入户走访"}


# --- the records behind the figures (liaison.compliance.registry RECORD_SOURCES) ---------------


def visit_values(visits):
    return visits.values("pk", date=F("start_date"), end_date_=F("end_date"),
                         place=F("target_org__name"), kind_=F("kind"),
                         household_code=F("target_household__code"),
                         household_name=F("target_household__head_name"))


KIND_LABELS = dict(K.choices)


def end_dates(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["end_date"] = row.pop("end_date_", None)
        row["place"] = row["place"] or ""
        row["detail"] = KIND_LABELS.get(row.pop("kind_", ""), "")
    return rows


def household_place(rows: list[dict]) -> list[dict]:
    """A household visit's place is the household's community (its head named masked by the
    core)."""
    communities = dict(Visit.objects.filter(pk__in=[row["pk"] for row in rows])
                       .values_list("pk", "target_household__community__name"))
    for row in end_dates(rows):
        row["place"] = communities.get(row["pk"]) or ""
    return rows


def contact_point_records(ctx: Context, cadre_id: int):
    visits = Visit.objects.filter(kind=K.LEADER_POINT, cadre_id=cadre_id)
    return visit_values(ctx.in_window(to_own_points(visits)))


def household_visit_records(ctx: Context, cadre_id: int):
    return visit_values(ctx.in_window(Visit.objects.filter(kind=K.HOUSEHOLD, cadre_id=cadre_id)))


def household_day_records(ctx: Context, cadre_id: int):
    return visit_values(ctx.touching_window(
        Visit.objects.filter(kind=K.HOUSEHOLD, cadre_id=cadre_id)))


def unit_visit_records(ctx: Context, unit_id: int):
    return visit_values(ctx.in_window(Visit.objects.filter(kind=K.UNIT_COMMUNITY,
                                                           unit_id=unit_id)))


def unit_day_records(ctx: Context, unit_id: int):
    return visit_values(ctx.touching_window(Visit.objects.filter(kind=K.UNIT_COMMUNITY,
                                                                 unit_id=unit_id)))


register_records(RecordSource("contact_point_visits", contact_point_records, expand=end_dates))
register_records(RecordSource("household_visits", household_visit_records,
                              expand=household_place))
register_records(RecordSource("household_visit_days", household_day_records,
                              expand=household_place, counts_records=False))
register_records(RecordSource("unit_community_visits", unit_visit_records, expand=end_dates))
register_records(RecordSource("unit_community_days", unit_day_records, expand=end_dates,
                              counts_records=False))


def visit_unit():
    """A visit's unit, for spot checks' per-unit sampling: where the visit went — the contact
    point or community visited, or the visited household's community."""
    return Coalesce("target_org_id", "target_household__community_id")


def describe_visit(visit: Visit) -> str:
    if visit.kind == K.HOUSEHOLD:
        household = visit.target_household
        target = f"住户 {household.code}（户主 {mask_name(household.head_name)}）"
    else:
        target = visit.target_org.name
    days = f"{visit.start_date:%Y-%m-%d}" if visit.end_date == visit.start_date else \
        f"{visit.start_date:%Y-%m-%d}至{visit.end_date:%Y-%m-%d}"
    return f"{visit.contact.name} {days} {visit.get_kind_display()}：{target}"


# spec/compliance.md §10: visits may be sampled and verified by spot checks.
register_checkable(CheckableKind(
    "visit", "走访", Visit, cadre_field="cadre", date_field="start_date",
    end_date_field="end_date", unit=visit_unit, describe=describe_visit))
