"""Reads beyond a plain get: the tree with counts, coverage gaps and overlaps."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from liaison.models import (
    DISTRICT_LEVEL,
    ContactAssignment,
    Household,
    Organization,
    Position,
    active_on_q,
)
from liaison.permissions import VIEW


class SubqueryCount(Subquery):
    """COUNT over a whole correlated subquery (no GROUP BY), one scalar per outer row."""

    template = "(SELECT COUNT(%(distinct)s_count.counted) FROM (%(subquery)s) _count)"
    output_field = IntegerField()

    def __init__(self, queryset, column: str, distinct: bool = False):
        super().__init__(queryset.order_by().values(counted=F(column)))
        self.extra["distinct"] = "DISTINCT " if distinct else ""


def organizations_with_counts(queryset, day: dt.date):
    """Annotate each organization with its children, active cadres and households in subtree."""
    positions = Position.objects.filter(active_on_q(day),
                                        organization__path__startswith=OuterRef("path"))
    households = Household.objects.filter(community__path__startswith=OuterRef("path"))
    return queryset.annotate(
        child_count=SubqueryCount(Organization.objects.filter(parent=OuterRef("pk")), "id"),
        cadre_count=SubqueryCount(positions, "cadre", distinct=True),
        household_count=SubqueryCount(households, "id"),
    )


def organization_tree_level(*, user, parent: Organization | None, day: dt.date):
    """The visible organizations one level below `parent` (the top visible ones if None)."""
    visible = Organization.objects.restrict(user, VIEW)
    if parent is not None:
        level = visible.filter(parent=parent)
    else:
        level = visible.exclude(parent__in=visible)
    return organizations_with_counts(level.select_related("parent"), day).order_by("type", "code")


def coverage_gaps(*, user, day: dt.date) -> dict:
    """Who is left without a contact on `day`, and overlapping assignments (spec §6)."""
    Kind, Type = ContactAssignment.Kind, Organization.Type
    active = ContactAssignment.objects.filter(active_on_q(day))
    leader_points = active.filter(
        kind=Kind.LEADER_POINT,
        target_org__path__startswith=OuterRef("path"),
    ).filter(
        Exists(Position.objects.filter(active_on_q(day), cadre=OuterRef("cadre"),
                                       category__in=DISTRICT_LEVEL))
    )
    subdistricts = (
        Organization.objects.restrict(user, VIEW)
        .filter(type__in=[Type.SUBDISTRICT, Type.CLUSTER])
        .exclude(Exists(leader_points))
    )
    communities = (
        Organization.objects.restrict(user, VIEW)
        .filter(type=Type.COMMUNITY)
        .exclude(Exists(active.filter(kind=Kind.UNIT_COMMUNITY, target_org=OuterRef("pk"))))
        .select_related("parent")
    )
    households = (
        Household.objects.restrict(user, VIEW)
        .filter(is_poor=True)
        .exclude(Exists(active.filter(kind=Kind.HOUSEHOLD, target_household=OuterRef("pk"))))
        .select_related("community")
    )
    overlaps = (
        active.restrict(user, VIEW)
        .values("kind", "target_org__code", "target_org__name", "target_household__code")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("kind", "target_org__code", "target_household__code")
    )
    return {
        "subdistricts": subdistricts.order_by("code"),
        "communities": communities.order_by("code"),
        "households": households.order_by("code"),
        "overlaps": overlaps,
    }


def cadre_active_positions(cadre, day: dt.date):
    return cadre.positions.filter(active_on_q(day)).select_related("organization")


def user_cadre(user):
    return getattr(user, "cadre", None) if user.is_authenticated else None



def served_organization(cadre: str = "cadre", on: str = "date") -> Subquery:
    """The organization a record's cadre served in on the record's day: that of their first
    position then (a cadre with two posts that day counts once, in the first). For per-unit
    tables, the trends and spot checks' per-unit sampling alike."""
    return Subquery(Position.objects.filter(active_on_q(OuterRef(on)), cadre=OuterRef(cadre))
                    .order_by("start_date", "pk").values("organization")[:1])


SERVED = "served_position"
# The organization of the position `served_joined` joined (None: the cadre held none then).
SERVED_ORGANIZATION = F(f"{SERVED}__organization")


def served_joined(queryset: QuerySet, cadre: str = "cadre", on: str = "date") -> QuerySet:
    """`queryset` joined with the position its cadre served in on the record's day, as
    SERVED: the first then, as served_organization finds it; none when they held none (every
    row stays, once). For grouping a whole ledger by SERVED_ORGANIZATION: PostgreSQL hashes
    this join, where served_organization's subquery ran once per row (bench/: the talks
    table of the dashboard, 0.6 s -> 0.25 s at N=10)."""
    positions = f"{cadre}__positions"
    earlier = Position.objects.filter(active_on_q(OuterRef(on)), cadre=OuterRef(cadre)).filter(
        Q(start_date__lt=OuterRef(f"{SERVED}__start_date"))
        | Q(start_date=OuterRef(f"{SERVED}__start_date"), pk__lt=OuterRef(f"{SERVED}__pk")))
    return queryset.alias(**{SERVED: FilteredRelation(
        positions, condition=active_on_q(F(on), prefix=f"{positions}__"))}) \
        .filter(~Exists(earlier))
