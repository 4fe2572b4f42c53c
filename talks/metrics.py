"""The talk metrics of spec/compliance.md §9: leader_talks and masses_talks (pro-rated),
member_talks and pairwise_talks (rows evaluated on A)."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Value

from liaison.compliance.engine import Context, Names, Row, status_of
from liaison.compliance.queries import by_category, cadre_household_periods, counts
from liaison.compliance.registry import (
    CADRE,
    ORGANIZATION,
    CheckableKind,
    Metric,
    MetricInfo,
    RecordSource,
    RowSource,
    SummarySource,
    register_checkable,
    register_metric,
    register_records,
    register_row_source,
    register_summary,
)
from liaison.models import (
    LEADER_POINT_CATEGORIES,
    Cadre,
    Category,
    ContactAssignment,
    Position,
)
from liaison.selectors import served_organization
from talks.models import Talk

# The leadership-team categories (§9: leader_talks' quota, pairwise_talks' teams).
TEAM_CATEGORIES = LEADER_POINT_CATEGORIES | {Category.DEPARTMENT_HEAD}
Joined = Talk.cadres.through


def talks_in_window(ctx: Context, **filters):
    return ctx.in_window(Talk.objects.filter(**filters), "date")


def leader_talks(ctx: Context) -> dict:
    """Talks the cadre initiated or took part in (never both: the rules refuse it)."""
    talks = talks_in_window(ctx)
    initiated = counts(ctx.narrow(talks, "initiator_id"), ("initiator_id",))
    joined = counts(ctx.narrow(Joined.objects.filter(talk__in=talks), "cadre_id"),
                    ("cadre_id",))
    return {key: initiated.get(key, 0) + joined.get(key, 0)
            for key in initiated.keys() | joined.keys()}


def with_linked_household(ctx: Context):
    """Talks in the window with a household their initiator was linked to on the talk's date."""
    linked = ContactAssignment.objects.filter(
        kind=ContactAssignment.Kind.HOUSEHOLD, cadre_id=OuterRef("talk__initiator_id"),
        target_household_id=OuterRef("household_id"),
        start_date__lte=OuterRef("talk__date"),
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("talk__date")))
    with_linked = Talk.households.through.objects.filter(talk_id=OuterRef("pk")) \
        .filter(Exists(linked))
    return talks_in_window(ctx).filter(Exists(with_linked))


def masses_talks(ctx: Context) -> dict:
    """Talks the cadre initiated with a household they were linked to on the talk's date."""
    return counts(ctx.narrow(with_linked_household(ctx), "initiator_id"), ("initiator_id",))


C = Category
register_metric(Metric(
    "leader_talks", "领导干部谈心次数", CADRE, periods=by_category, actual=leader_talks,
    default_quota={category: 2 for category in (
        C.DISTRICT_PRINCIPAL, C.STANDING_COMMITTEE, C.DISTRICT_LEADER, C.DEPARTMENT_HEAD,
        C.SUBDISTRICT_HEAD, C.SUBDISTRICT_LEADER)}))
register_metric(Metric("masses_talks", "与联系群众谈心次数", CADRE,
                       periods=cadre_household_periods, actual=masses_talks,
                       default_quota={"": 2}))

MEMBER_TALKS_TARGET = 2


def secretaries_and_members(as_of, secretary_id: int | None = None) -> dict[int, set[int]]:
    """{secretary: members} on `as_of` (one secretary's only, when given): a secretary holds a
    position marked 党组织负责人; the members are the other cadres with a position in exactly
    that organization (not its subtree)."""
    posts = Position.objects.active_on(as_of).filter(party_secretary=True)
    if secretary_id is not None:
        posts = posts.filter(cadre_id=secretary_id)
    organizations: dict[int, set[int]] = defaultdict(set)
    for cadre_id, organization_id in posts.values_list("cadre_id", "organization_id"):
        organizations[organization_id].add(cadre_id)
    members: dict[int, set[int]] = defaultdict(set)
    for organization_id, cadre_id in Position.objects.active_on(as_of).filter(
            organization_id__in=list(organizations)).values_list("organization_id", "cadre_id"):
        for secretary_id in organizations[organization_id]:
            if cadre_id != secretary_id:
                members[secretary_id].add(cadre_id)
    return members


def member_talk_rows(ctx: Context, names: Names) -> list[Row]:
    members = secretaries_and_members(ctx.window.as_of, ctx.cadre_id)
    cadres = names.of(CADRE)
    secretaries = [pk for pk in members if pk in cadres]
    if not secretaries:
        return []
    member_codes = dict(Cadre.objects.filter(
        pk__in={m for pk in secretaries for m in members[pk]}).values_list("pk", "code"))
    done = counts(Joined.objects.filter(talk__in=talks_in_window(
        ctx, initiator_id__in=secretaries)), ("talk__initiator_id", "cadre_id"))
    window, target = ctx.window, MEMBER_TALKS_TARGET
    expected = target * window.days // window.days_in_year
    rows = []
    for secretary_id in secretaries:
        code, name = cadres[secretary_id]
        for member_id in members[secretary_id]:
            actual = done.get((secretary_id, member_id), 0)
            rows.append(Row(CADRE, secretary_id, code, name, member_codes[member_id],
                            "member_talks", target, actual, expected,
                            status_of(window, target, actual, expected)))
    return rows


def team_positions(ctx: Context):
    """The positions on A of the leadership teams' members."""
    return Position.objects.active_on(ctx.window.as_of).filter(
        category__in=list(TEAM_CATEGORIES)).order_by()


def leadership_teams(ctx: Context):
    """(organization, cadre) of the leadership teams on A, as a queryset."""
    return team_positions(ctx).values_list("organization_id", "cadre_id").distinct()


def met_pairs_sql(ctx: Context, organization_id: int | None = None) -> tuple[str, list]:
    """SQL of the distinct (organization, cadre, cadre) pairs of a leadership team who were
    together at a 民主生活会前谈心 talk in the window (one organization's, when given; only
    the part's organizations in a split run). Only the teams' members are read as the
    people at each talk: the others can pair with nobody."""
    teams = leadership_teams(ctx)
    if organization_id is not None:
        teams = teams.filter(organization_id=organization_id)
    if ctx.subjects is not None:
        teams = teams.filter(ctx.subjects.filter(ORGANIZATION, "organization_id"))
    members = teams.values("cadre_id")
    talks = talks_in_window(ctx, type=Talk.Type.PRE_MEETING).order_by()
    people = talks.filter(initiator_id__in=members).values_list("pk", "initiator_id").union(
        Joined.objects.filter(talk__in=talks, cadre_id__in=members).order_by()
        .values_list("talk_id", "cadre_id"), all=True)
    people_sql, people_params = people.query.sql_with_params()
    team_sql, team_params = teams.query.sql_with_params()
    sql = (f"WITH people(talk, cadre) AS ({people_sql}), team(org, cadre) AS ({team_sql}) "
           "SELECT DISTINCT t1.org AS org, p1.cadre AS a, p2.cadre AS b "
           "FROM people p1 JOIN people p2 ON p1.talk = p2.talk AND p1.cadre < p2.cadre "
           "JOIN team t1 ON t1.cadre = p1.cadre "
           "JOIN team t2 ON t2.cadre = p2.cadre AND t2.org = t1.org")
    return sql, [*people_params, *team_params]


def pairs_met(ctx: Context) -> dict[int, int]:
    """{organization: distinct pairs of its team who met}, counted by the database."""
    sql, params = met_pairs_sql(ctx)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT org, COUNT(*) FROM ({sql}) AS pairs GROUP BY org", params)
        return dict(cursor.fetchall())


def team_sizes(ctx: Context, organizations=None) -> dict[int, int]:
    """{organization: members of its leadership team on A}, counted by the database."""
    positions = team_positions(ctx)
    if organizations is not None:
        positions = positions.filter(organization__in=organizations)
    return dict(positions.values_list("organization_id").annotate(
        n=Count("cadre_id", distinct=True)))


def pairwise_rows(ctx: Context, names: Names) -> list[Row]:
    if ctx.cadre_id is not None:
        return []  # a unit's row: not part of one cadre's progress
    teams = team_sizes(ctx)
    units = names.of(ORGANIZATION)
    met = pairs_met(ctx)
    window, rows = ctx.window, []
    for organization_id, n in teams.items():
        if n < 2 or organization_id not in units:
            continue
        target = n * (n - 1) // 2
        expected = target * window.days // window.days_in_year
        actual = met.get(organization_id, 0)
        code, name = units[organization_id]
        rows.append(Row(ORGANIZATION, organization_id, code, name, "", "pairwise_talks",
                        target, actual, expected, status_of(window, target, actual, expected)))
    return rows


register_row_source(RowSource("member_talks", member_talk_rows, (
    MetricInfo("member_talks", "党组织负责人与党员谈心", CADRE),)))
register_row_source(RowSource("pairwise_talks", pairwise_rows, (
    MetricInfo("pairwise_talks", "班子成员两两谈心", ORGANIZATION, unit="对"),)))


# --- the records behind the figures and a leader's year-end table -------------------------------
# Never a talk's content (its personal data): the date, the type and the form only.

TYPE_LABELS, FORM_LABELS = dict(Talk.Type.choices), dict(Talk.Form.choices)


def talk_values(talks):
    return talks.values("pk", "date", type_=F("type"), form_=F("form"), place=Value(""))


def talk_labels(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["detail"] = (f"{TYPE_LABELS.get(row.pop('type_'), '')}"
                         f"（{FORM_LABELS.get(row.pop('form_'), '')}）")
    return rows


def involving(cadre_ids) -> Q:
    """Talks one of these cadres initiated or took part in. The ids are read first (a few
    cadres, a few hundred talks): an OR across the participants' join made the database scan
    every talk of the year (2.5 s for one unit's page at N=100); two id lists use indexes."""
    cadre_ids = list(cadre_ids)
    joined = Talk.cadres.through.objects.filter(cadre_id__in=cadre_ids) \
        .values_list("talk_id", flat=True)
    return Q(initiator_id__in=cadre_ids) | Q(pk__in=list(joined))


def cadre_talks(ctx: Context, cadre_id: int):
    """Talks the cadre initiated or took part in (leader_talks counts each once)."""
    return talks_in_window(ctx).filter(involving([cadre_id]))


def leader_talk_records(ctx: Context, cadre_id: int):
    return talk_values(cadre_talks(ctx, cadre_id))


def masses_talk_records(ctx: Context, cadre_id: int):
    return talk_values(with_linked_household(ctx).filter(initiator_id=cadre_id))


def member_talk_records(ctx: Context, cadre_id: int):
    """A secretary's talks with the members of their Party organization in the window (the
    figure counts each member reached, up to twice: not the talks)."""
    members = secretaries_and_members(ctx.window.as_of, cadre_id).get(cadre_id, set())
    return talk_values(talks_in_window(ctx, initiator_id=cadre_id).filter(
        cadres__in=members).distinct())


def pairwise_talk_records(ctx: Context, organization_id: int):
    """The 民主生活会前谈心 talks in the window that a member of the unit's leadership team
    held or joined (the figure counts the distinct pairs who met: not the talks)."""
    team = team_positions(ctx).filter(organization_id=organization_id) \
        .values_list("cadre_id", flat=True)
    talks = talks_in_window(ctx, type=Talk.Type.PRE_MEETING)
    return talk_values(talks.filter(involving(team)))


register_records(RecordSource("leader_talks", leader_talk_records, expand=talk_labels))
register_records(RecordSource("masses_talks", masses_talk_records, expand=talk_labels))
register_records(RecordSource("member_talks", member_talk_records, expand=talk_labels,
                              counts_records=False))
register_records(RecordSource("pairwise_talks", pairwise_talk_records, expand=talk_labels,
                              counts_records=False))


def talk_summary(window, cadre_id: int):
    """Talks of the year to date by type: initiated, taken part in (counts only)."""
    talks = Talk.objects.filter(date__range=(window.start, window.as_of))
    initiated = dict(talks.filter(initiator_id=cadre_id).order_by().values_list("type")
                     .annotate(n=Count("pk")))
    joined = dict(talks.filter(cadres__id=cadre_id).order_by().values_list("type")
                  .annotate(n=Count("pk", distinct=True)))
    if not initiated and not joined:
        return None
    rows = [(label, initiated.get(code, 0), joined.get(code, 0),
             initiated.get(code, 0) + joined.get(code, 0))
            for code, label in Talk.Type.choices if initiated.get(code) or joined.get(code)]
    return ("谈话类型", "发起（次）", "参与（次）", "合计（次）"), rows


register_summary(SummarySource("talks", "谈心谈话（按类型）", talk_summary, order=40))


def describe_talk(talk: Talk) -> str:
    people = "、".join(cadre.name for cadre in talk.cadres.all())
    households = "、".join(household.code for household in talk.households.all())
    parts = "；".join(part for part in (people and f"干部：{people}",
                                        households and f"住户：{households}") if part)
    return (f"{talk.date:%Y-%m-%d} {talk.initiator.name} 发起{talk.get_type_display()}"
            f"（{talk.get_form_display()}），参与：{parts or '未填'}")


def talk_unit():
    """A talk's unit, for spot checks' per-unit sampling: the initiator's organization on the
    talk's day — their first position then, as the talks dashboard counts it
    (liaison.selectors.served_joined)."""
    return served_organization("initiator", "date")


# spec/compliance.md §10: talks may be sampled and verified by spot checks.
register_checkable(CheckableKind(
    "talk", "谈心谈话", Talk, cadre_field="initiator", date_field="date",
    unit=talk_unit, describe=describe_talk))
