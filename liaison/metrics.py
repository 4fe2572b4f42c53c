"""The core's own metrics, registered like any app's: the walkthrough (三走遍, spec §5) and
coverage (§6). Neither is pro-rated, so both plug in as row sources."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, When

from liaison.compliance.engine import Context, Names, Row, status_of
from liaison.compliance.registry import (
    CADRE,
    HOUSEHOLD,
    HOUSEHOLD_SOURCES,
    ORGANIZATION,
    PLACE_SOURCES,
    MetricInfo,
    RowSource,
    register_row_source,
)
from liaison.models import (
    DISTRICT_LEVEL,
    Category,
    ContactAssignment,
    Household,
    Organization,
    Position,
    active_on_q,
)

T = Organization.Type
SUBDISTRICT_TYPES = (T.SUBDISTRICT, T.CLUSTER)
# The rows of spec §5's table, in the order "the first one applies".
DISTRICT_TIER, SUBDISTRICT_TIER, COMMUNITY_TIER = 0, 1, 2
TIER_OF = {
    **{category: DISTRICT_TIER for category in DISTRICT_LEVEL},
    Category.SUBDISTRICT_HEAD: SUBDISTRICT_TIER,
    Category.SUBDISTRICT_LEADER: SUBDISTRICT_TIER,
    Category.COMMUNITY_CADRE: COMMUNITY_TIER,
}


def walkthrough_tiers(ctx: Context, cadre_ids) -> dict[int, tuple[int, set[int]]]:
    """{cadre: (tier, organizations of that tier's positions)} from positions active at A."""
    tiers: dict[int, tuple[int, set[int]]] = {}
    positions = Position.objects.filter(active_on_q(ctx.window.as_of),
                                        category__in=list(TIER_OF))
    for cadre_id, category, org_id in positions.values_list("cadre_id", "category",
                                                            "organization_id"):
        if cadre_id not in cadre_ids:
            continue
        tier = TIER_OF[category]
        current = tiers.get(cadre_id)
        if current is None or tier < current[0]:
            tiers[cadre_id] = (tier, {org_id})
        elif tier == current[0]:
            current[1].add(org_id)
    return tiers


def visited_pairs(ctx: Context, cadre_ids: list[int]):
    """Distinct (cadre, organization) places and (cadre, household, community) households
    that the cadres' records visit with any day inside the window."""
    places, households = set(), set()
    if cadre_ids:
        for source in PLACE_SOURCES:
            places.update(source(ctx, cadre_ids).order_by().distinct())
        for source in HOUSEHOLD_SOURCES:
            households.update(source(ctx, cadre_ids).order_by().distinct())
    return places, households


def walkthrough_rows(ctx: Context, names: Names) -> list[Row]:
    cadres = names.of(CADRE)
    tiers = walkthrough_tiers(ctx, cadres)
    if not tiers:
        return []
    orgs = {pk: (type_, parent) for pk, type_, parent in
            Organization.objects.values_list("pk", "type", "parent_id")}
    subdistricts = {pk for pk, (type_, _) in orgs.items() if type_ in SUBDISTRICT_TYPES}
    communities_of: dict[int, set[int]] = defaultdict(set)
    for pk, (type_, parent) in orgs.items():
        if type_ == T.COMMUNITY:
            communities_of[parent].add(pk)
    community_cadres = {c for c, (tier, _) in tiers.items() if tier == COMMUNITY_TIER}
    household_counts = dict(
        Household.objects.order_by().values_list("community_id").annotate(n=Count("pk"))
    ) if community_cadres else {}

    def subdistrict_of(org_id: int) -> int | None:
        type_, parent = orgs.get(org_id, (None, None))
        if type_ in SUBDISTRICT_TYPES:
            return org_id
        return parent if type_ == T.COMMUNITY else None

    places, households = visited_pairs(ctx, list(tiers))
    visited: dict[int, set] = defaultdict(set)
    for cadre_id, org_id in places:
        tier = tiers[cadre_id][0]
        if tier == DISTRICT_TIER:
            visited[cadre_id].add(subdistrict_of(org_id))
        elif tier == SUBDISTRICT_TIER and orgs.get(org_id, (None,))[0] == T.COMMUNITY:
            visited[cadre_id].add(org_id)
    for cadre_id, household_id, community_id in households:
        tier = tiers[cadre_id][0]
        if tier == SUBDISTRICT_TIER:
            visited[cadre_id].add(community_id)
        elif tier == COMMUNITY_TIER and community_id in tiers[cadre_id][1]:
            visited[cadre_id].add(("household", household_id))

    rows = []
    for cadre_id, (tier, tier_orgs) in tiers.items():
        if tier == DISTRICT_TIER:
            members = subdistricts
            target = len(members)
            actual = len(visited[cadre_id] & members)
        elif tier == SUBDISTRICT_TIER:
            members = set().union(*(communities_of[o] for o in tier_orgs))
            target = len(members)
            actual = len(visited[cadre_id] & members)
        else:
            target = sum(household_counts.get(o, 0) for o in tier_orgs)
            actual = len(visited[cadre_id])
        if target <= 0:
            continue
        expected = target * ctx.window.days // ctx.window.days_in_year
        code, name = cadres[cadre_id]
        rows.append(Row(CADRE, cadre_id, code, name, "", "walkthrough", target, actual,
                        expected, status_of(ctx.window, target, actual, expected)))
    return rows


def coverage_rows(ctx: Context, names: Names) -> list[Row]:
    """Evaluated at A: target 1, expected 1, not pro-rated (spec §6)."""
    as_of = ctx.window.as_of
    active = ContactAssignment.objects.filter(active_on_q(as_of))
    K = ContactAssignment.Kind
    district_level_at_a = Position.objects.filter(
        active_on_q(as_of), cadre=OuterRef("cadre"), category__in=list(DISTRICT_LEVEL))
    leaders = dict(
        active.filter(kind=K.LEADER_POINT).filter(Exists(district_level_at_a))
        .annotate(subdistrict=Case(
            When(target_org__type__in=SUBDISTRICT_TYPES, then=F("target_org_id")),
            When(target_org__type=T.COMMUNITY, then=F("target_org__parent_id")),
            output_field=IntegerField()))
        .order_by().values_list("subdistrict").annotate(n=Count("cadre", distinct=True))
    )
    units = dict(active.filter(kind=K.UNIT_COMMUNITY).order_by().values_list("target_org")
                 .annotate(n=Count("unit", distinct=True)))
    helpers = dict(active.filter(kind=K.HOUSEHOLD).order_by().values_list("target_household")
                   .annotate(n=Count("cadre", distinct=True)))

    def rows_for(subject_type, queryset, metric, actuals, name_field="name"):
        out = []
        for pk, code, name in queryset.filter(ctx.subject_filter(subject_type)).values_list(
                "pk", "code", name_field):
            actual = actuals.get(pk, 0)
            out.append(Row(subject_type, pk, code, name, "", metric, 1, actual, 1,
                           status_of(ctx.window, 1, actual, 1)))
        return out

    return [
        *rows_for(ORGANIZATION, Organization.objects.filter(type__in=SUBDISTRICT_TYPES),
                  "leader_coverage", leaders),
        *rows_for(ORGANIZATION, Organization.objects.filter(type=T.COMMUNITY),
                  "unit_coverage", units),
        *rows_for(HOUSEHOLD, Household.objects.filter(is_poor=True), "household_coverage",
                  helpers, name_field="head_name"),
    ]


register_row_source(RowSource("walkthrough", walkthrough_rows, (
    MetricInfo("walkthrough", "三走遍", CADRE, unit="处"),)))
register_row_source(RowSource("coverage", coverage_rows, (
    MetricInfo("leader_coverage", "区级领导联系办事处", ORGANIZATION, unit="人"),
    MetricInfo("unit_coverage", "区直单位联系社区", ORGANIZATION, unit="个"),
    MetricInfo("household_coverage", "党员干部联系贫困户", HOUSEHOLD, unit="人"),
)))
