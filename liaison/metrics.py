"""The core's own metrics, registered like any app's: the walkthrough (三走遍, spec §5) and
coverage (§6). Neither is pro-rated, so both plug in as row sources."""

from __future__ import annotations

import json
from collections import defaultdict

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, When

from liaison.compliance.engine import Context, Names, Row, status_of
from liaison.compliance.registry import (
    CADRE,
    HOUSEHOLD,
    HOUSEHOLD_SOURCES,
    ORGANIZATION,
    PLACE_RECORD_SOURCES,
    PLACE_SOURCES,
    MetricInfo,
    RecordList,
    RecordSource,
    RowSource,
    register_records,
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
from liaison.personal import mask_name

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


def pairs_table(members: dict[int, set]) -> tuple[str, list]:
    """{cadre: members} as a (cadre, member) table to join. Cadres with the same members share
    one group: (cadre, group) joined to (group, member), so that the thousands of district
    leaders walking every sub-district are not millions of pairs. Two arrays each unnested on
    PostgreSQL, JSON arrays on SQLite (as parameters they would cost more than the query)."""
    groups: dict[frozenset, int] = {}
    cadre_groups = [(cadre, groups.setdefault(frozenset(keys), len(groups)))
                    for cadre, keys in members.items()]
    group_members = [(group, member) for keys, group in groups.items() for member in keys]
    if connection.vendor == "postgresql":
        return ("(SELECT cg.cadre, gm.member FROM unnest(%s::bigint[], %s::bigint[]) "
                "AS cg(cadre, grp) JOIN unnest(%s::bigint[], %s::bigint[]) AS gm(grp, member) "
                "ON gm.grp = cg.grp)",
                [[c for c, _ in cadre_groups], [g for _, g in cadre_groups],
                 [g for g, _ in group_members], [m for _, m in group_members]])
    return ("(SELECT json_extract(cg.value, '$[0]') AS cadre, "
            "json_extract(gm.value, '$[1]') AS member FROM json_each(%s) AS cg "
            "JOIN json_each(%s) AS gm "
            "ON json_extract(gm.value, '$[0]') = json_extract(cg.value, '$[1]'))",
            [json.dumps(cadre_groups), json.dumps(group_members)])


def reached_counts(ctx: Context, members: dict[int, tuple[int, set[int]]]) -> dict[int, int]:
    """{cadre: how many members of their walkthrough set (spec §5) the cadres' records reached
    with any day inside the window}, counted by the database. `members`: {cadre: (tier, its
    members; for the community tier, the communities whose households are its members)}.
    What a record reaches is PlaceTree's place_reaches and household_reaches, in SQL."""
    by_tier: dict[int, dict[int, set]] = defaultdict(dict)
    for cadre, (tier, keys) in members.items():
        if keys:
            by_tier[tier][cadre] = keys
    visiting_places = [c for c, (tier, _) in members.items() if tier != COMMUNITY_TIER]
    visiting_households = [c for c, (tier, _) in members.items() if tier != DISTRICT_TIER]
    ctes, params = [], []
    places, households = [], []
    for prefix, sources, cadre_ids, columns, selects in (
            ("p", PLACE_SOURCES, visiting_places, "cadre, org", places),
            ("h", HOUSEHOLD_SOURCES, visiting_households, "cadre, household, community",
             households)):
        if not cadre_ids:
            continue
        for i, source in enumerate(sources):
            sql, source_params = source(ctx, cadre_ids).order_by().query.sql_with_params()
            ctes.append(f"{prefix}{i}({columns}) AS ({sql})")
            selects.append(f"SELECT {columns} FROM {prefix}{i}")
            params.extend(source_params)
    org_table = Organization._meta.db_table
    all_places = f"({' UNION ALL '.join(places)}) AS p"
    all_households = f"({' UNION ALL '.join(households)}) AS h"
    reached, reached_params = [], []
    if places and by_tier[DISTRICT_TIER]:  # the sub-districts visited, or their communities
        table, table_params = pairs_table(by_tier[DISTRICT_TIER])
        reached.append(
            f"SELECT p.cadre AS cadre, m.member AS member FROM {all_places} "
            f"JOIN {org_table} AS o ON o.id = p.org JOIN {table} AS m ON m.cadre = p.cadre "
            "AND m.member = CASE WHEN o.type IN (%s, %s) THEN o.id "
            "WHEN o.type = %s THEN o.parent_id END")
        reached_params += [*table_params, *SUBDISTRICT_TYPES, T.COMMUNITY]
    if by_tier[SUBDISTRICT_TIER]:
        table, table_params = pairs_table(by_tier[SUBDISTRICT_TIER])
        if places:  # the communities visited (any organization in m is one)
            reached.append(f"SELECT p.cadre AS cadre, m.member AS member FROM {all_places} "
                           f"JOIN {table} AS m ON m.cadre = p.cadre AND m.member = p.org")
            reached_params += table_params
        if households:  # the communities of the households visited
            reached.append(f"SELECT h.cadre AS cadre, m.member AS member FROM {all_households} "
                           f"JOIN {table} AS m ON m.cadre = h.cadre AND m.member = h.community")
            reached_params += table_params
    if households and by_tier[COMMUNITY_TIER]:  # the households of the cadre's communities
        table, table_params = pairs_table(by_tier[COMMUNITY_TIER])
        reached.append(f"SELECT h.cadre AS cadre, h.household AS member FROM {all_households} "
                       f"JOIN {table} AS m ON m.cadre = h.cadre AND m.member = h.community")
        reached_params += table_params
    if not reached:
        return {}
    # Members of different kinds are never counted together: a cadre has one tier.
    sql = (f"WITH {', '.join(ctes)} SELECT r.cadre, COUNT(DISTINCT r.member) FROM "
           f"({' UNION ALL '.join(reached)}) AS r GROUP BY r.cadre")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *reached_params])
        return dict(cursor.fetchall())


class PlaceTree:
    """The organizations' types and parents, read once, to tell which member of a cadre's
    walkthrough set (spec §5) a visited place or household reaches."""

    def __init__(self):
        self.orgs = {pk: (type_, parent) for pk, type_, parent in
                     Organization.objects.values_list("pk", "type", "parent_id")}
        self.subdistricts = {pk for pk, (type_, _) in self.orgs.items()
                             if type_ in SUBDISTRICT_TYPES}
        self.communities_of: dict[int, set[int]] = defaultdict(set)
        for pk, (type_, parent) in self.orgs.items():
            if type_ == T.COMMUNITY:
                self.communities_of[parent].add(pk)

    def subdistrict_of(self, org_id: int) -> int | None:
        type_, parent = self.orgs.get(org_id, (None, None))
        if type_ in SUBDISTRICT_TYPES:
            return org_id
        return parent if type_ == T.COMMUNITY else None

    def place_reaches(self, tier: int, org_id: int):
        """The member a visited organization reaches (None: none of this tier's kind)."""
        if tier == DISTRICT_TIER:
            return self.subdistrict_of(org_id)
        if tier == SUBDISTRICT_TIER and self.orgs.get(org_id, (None,))[0] == T.COMMUNITY:
            return org_id
        return None

    @staticmethod
    def household_reaches(tier: int, tier_orgs: set[int], household_id: int,
                          community_id: int):
        if tier == SUBDISTRICT_TIER:
            return community_id
        if tier == COMMUNITY_TIER and community_id in tier_orgs:
            return ("household", household_id)
        return None

    def members(self, tier: int, tier_orgs: set[int]) -> set[int]:
        """The organizations to walk (the district and sub-district tiers)."""
        if tier == DISTRICT_TIER:
            return self.subdistricts
        return set().union(*(self.communities_of[o] for o in tier_orgs))


def walkthrough_rows(ctx: Context, names: Names) -> list[Row]:
    cadres = names.of(CADRE)
    tiers = walkthrough_tiers(ctx, cadres)
    if not tiers:
        return []
    tree = PlaceTree()
    community_cadres = {c for c, (tier, _) in tiers.items() if tier == COMMUNITY_TIER}
    household_counts = dict(
        Household.objects.order_by().values_list("community_id").annotate(n=Count("pk"))
    ) if community_cadres else {}

    members = {cadre_id: (tier, tier_orgs if tier == COMMUNITY_TIER
                          else tree.members(tier, tier_orgs))
               for cadre_id, (tier, tier_orgs) in tiers.items()}
    reached = reached_counts(ctx, members)

    rows = []
    for cadre_id, (tier, tier_orgs) in tiers.items():
        if tier == COMMUNITY_TIER:
            target = sum(household_counts.get(o, 0) for o in tier_orgs)
        else:
            target = len(members[cadre_id][1])
        actual = reached.get(cadre_id, 0)
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


# --- the records behind the figures (registry RECORD_SOURCES) ------------------------------------


def walkthrough_records(ctx: Context, cadre_id: int) -> RecordList:
    """Each record (trip place, contact point visit, household visit) that reached a member of
    the cadre's set, named by the member it reached; and the members not walked yet."""
    tier_of = walkthrough_tiers(ctx, {cadre_id}).get(cadre_id)
    if tier_of is None:
        return RecordList([])
    tier, tier_orgs = tier_of
    tree = PlaceTree()
    if tier == COMMUNITY_TIER:
        households = {("household", pk): (code, head) for pk, code, head in
                      Household.objects.filter(community_id__in=tier_orgs)
                      .values_list("pk", "code", "head_name")}
        members = set(households)
    else:
        members = tree.members(tier, tier_orgs)
    names = dict(Organization.objects.filter(pk__in=[m for m in members if isinstance(m, int)])
                 .values_list("pk", "name"))

    def named(member) -> dict:
        if isinstance(member, tuple):
            code, head = households[member]
            return {"place": "", "household_code": code, "household_name": head}
        return {"place": names.get(member, ""), "household_code": "", "household_name": ""}

    found = []
    for source in PLACE_RECORD_SOURCES:
        for record in source(ctx, cadre_id):
            if record.get("household_id") is not None:
                member = tree.household_reaches(tier, tier_orgs, record["household_id"],
                                                record["community_id"])
            else:
                member = tree.place_reaches(tier, record["organization_id"])
            if member is not None and member in members:
                found.append((record, member))
    # Where a record went, when that is below the member it reached (a community visited
    # for its sub-district).
    went = dict(Organization.objects.filter(pk__in={
        r["organization_id"] for r, m in found if r.get("organization_id") not in (None, m)})
        .values_list("pk", "name"))
    rows, reached = [], set()
    for record, member in found:
        reached.add(member)
        below = went.get(record.get("organization_id"))
        rows.append({"pk": None, "date": record["date"], "end_date": record["end_date"],
                     "detail": record["detail"] + (f"：{below}" if below else ""),
                     **named(member)})
    rows.sort(key=lambda r: (r["date"], r["place"], r["household_code"]))
    missing = [named(m) for m in members - reached]
    for row in missing:  # households by code, masked like every household head here
        if row["household_code"]:
            row["place"] = f"{row['household_code']} {mask_name(row['household_name'])}"
    missing.sort(key=lambda r: r["place"])
    return RecordList(rows, [{"place": m["place"], "detail": ""} for m in missing], "尚未走到")


def assignment_rows(assignments, who: str) -> list[dict]:
    """Active assignments as records: since when, to whom, by whom."""
    return [{"pk": pk, "date": start, "end_date": end, "detail": f"{by}（{who}）",
             "place": org or "", "household_code": household or "", "household_name": head}
            for pk, start, end, by, org, household, head in assignments.order_by(
                "start_date", "pk").values_list(
                "pk", "start_date", "end_date", "by_", "target_org__name",
                "target_household__code", "target_household__head_name")]


def uncovered(rows: list[dict], subject: str, as_of) -> RecordList:
    """The assignments; the subject itself listed as uncovered when none is active at A."""
    if rows:
        return RecordList(rows)
    return RecordList([], [{"place": subject, "detail": f"截至{as_of:%Y-%m-%d}无有效联系"}],
                      "未覆盖")


def leader_coverage_records(ctx: Context, subdistrict_id: int) -> RecordList:
    """Leader contact points of district-level cadres (by category at A) active at A on the
    sub-district or a community under it (coverage_rows' leaders)."""
    as_of = ctx.window.as_of
    district_level_at_a = Position.objects.filter(
        active_on_q(as_of), cadre=OuterRef("cadre"), category__in=list(DISTRICT_LEVEL))
    assignments = ContactAssignment.objects.filter(
        active_on_q(as_of), Q(target_org_id=subdistrict_id)
        | Q(target_org__type=T.COMMUNITY, target_org__parent_id=subdistrict_id),
        kind=ContactAssignment.Kind.LEADER_POINT).filter(Exists(district_level_at_a)) \
        .annotate(by_=F("cadre__name"))
    subject = Organization.objects.filter(pk=subdistrict_id).values_list("name", flat=True)
    return uncovered(assignment_rows(assignments, "区级领导联系点"), subject.first() or "",
                     as_of)


def unit_coverage_records(ctx: Context, community_id: int) -> RecordList:
    as_of = ctx.window.as_of
    assignments = ContactAssignment.objects.filter(
        active_on_q(as_of), kind=ContactAssignment.Kind.UNIT_COMMUNITY,
        target_org_id=community_id).annotate(by_=F("unit__name"))
    subject = Organization.objects.filter(pk=community_id).values_list("name", flat=True)
    return uncovered(assignment_rows(assignments, "联系单位"), subject.first() or "", as_of)


def household_coverage_records(ctx: Context, household_id: int) -> RecordList:
    as_of = ctx.window.as_of
    assignments = ContactAssignment.objects.filter(
        active_on_q(as_of), kind=ContactAssignment.Kind.HOUSEHOLD,
        target_household_id=household_id).annotate(by_=F("cadre__name"))
    household = Household.objects.filter(pk=household_id).values_list("code", "head_name") \
        .first() or ("", "")
    return uncovered(assignment_rows(assignments, "党员联户"),
                     f"{household[0]} {mask_name(household[1])}", as_of)


# The figures count distinct cadres, units or places: not the records listed.
register_records(RecordSource("walkthrough", walkthrough_records, counts_records=False))
register_records(RecordSource("leader_coverage", leader_coverage_records, counts_records=False))
register_records(RecordSource("unit_coverage", unit_coverage_records, counts_records=False))
register_records(RecordSource("household_coverage", household_coverage_records,
                              counts_records=False))
