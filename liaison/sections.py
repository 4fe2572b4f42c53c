"""The systems' pages of the supervision dashboard and their chapters of the district bulletin,
contributed by the domain apps so that supervision never imports them (DESIGN.md §2). An app
registers from its dashboard.py, which the core discovers at start-up:

    register_section(Section("petitions", "信访接待", "petitions/_dashboard.html",
                             petitions_figures, sheets=petitions_sheets,
                             bulletin_template="petitions/_bulletin.html"))

`figures(user, window, unit)` returns the template's context, read through the user's scope
(a confidential record never reaches a figure the user could not see); `unit` narrows it to a
unit's subtree for the drill-down, or is None. `sheets(figures)` returns (sheet title, Dataset)
pairs for the page's Excel export. The bulletin includes `bulletin_template` with the figures
computed for the user who asked for the bulletin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Aggregate, Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractMonth

from liaison.models import Organization, Position, active_on_q
from liaison.permissions import VIEW, Role, has_role

Figures = Callable[[object, object, object], dict]
Sheets = Callable[[dict], list]

# The supervision dashboard's readers; a section may add the roles that keep its ledger.
DASHBOARD_READERS = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    template_name: str
    figures: Figures
    sheets: Sheets | None = None
    bulletin_template: str | None = None
    roles: Sequence[str] = DASHBOARD_READERS
    order: int = 100


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> Section:
    SECTIONS[section.name] = section  # by name: registering again replaces, never duplicates
    return section


def sections() -> list[Section]:
    return sorted(SECTIONS.values(), key=lambda s: (s.order, s.name))


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, None when there is nothing to divide (shown as —)."""
    return round(100 * part / whole, 1) if whole else None


# --- a section's unit table ---------------------------------------------------------------------


def unit_rows(user, unit) -> list:
    """The units a section's table breaks its figures down by: the drilled-into unit's direct
    sub-units (the district's, without one) that the user may see, after the unit itself for
    what is recorded at its own level (本级)."""
    parent = unit or Organization.objects.filter(parent__isnull=True).order_by("path").first()
    if parent is None:
        return []
    children = Organization.objects.restrict(user, VIEW).filter(parent=parent).order_by("path")
    return [parent, *children]


def roll_up(counts: dict[int, dict[str, int]], units: list,
            measures) -> dict[int, dict[str, int]]:
    """{unit id: {measure: sum}} of `unit_rows`: the figures counted per organization
    (`counts`, {organization id: {measure: n}}) added up by the sub-unit whose subtree holds
    the organization, or by the first unit (本级) when it is exactly that unit; organizations
    outside every unit are left out. A chapter's table thus has a row per sub-unit of the
    district, not one per community or office that happens to hold a record."""
    table = {unit.pk: dict.fromkeys(measures, 0) for unit in units}
    if not units:
        return table
    parent, children = units[0], units[1:]
    paths = dict(Organization.objects.filter(pk__in=list(counts)).values_list("pk", "path"))
    for organization_id, row in counts.items():
        path = paths.get(organization_id, "")
        owner = parent if path == parent.path else next(
            (child for child in children if path.startswith(child.path)), None)
        if owner is not None:
            for name in measures:
                table[owner.pk][name] += row.get(name) or 0
    return table


def counts_by_organization(queryset, organization,
                           measures: dict) -> dict[int | None, dict[str, int]]:
    """{organization id: {measure: count}}, one statement. `organization` is the expression of
    a row's organization id (F("handling_unit"), or a subquery), None for a row without one;
    `measures` maps a name to the Q its rows must also match (or to an aggregate)."""
    grouped = queryset.order_by().annotate(row_organization=organization) \
        .values("row_organization") \
        .annotate(**{name: q if isinstance(q, Aggregate) else Count("pk", filter=q)
                     for name, q in measures.items()})
    return {row.pop("row_organization"): row for row in grouped}


def counts_by_unit(queryset, units: list, organization,
                   measures: dict) -> dict[int, dict[str, int]]:
    """{unit id: {measure: count}} of `unit_rows`: the database groups the rows by
    organization (`counts_by_organization`); `roll_up` adds the groups up by sub-unit."""
    if not units:
        return roll_up({}, units, measures)
    return roll_up(counts_by_organization(queryset, organization, measures), units, measures)


def summed(counts: dict, names) -> dict[str, int]:
    """The whole queryset's counts from `counts_by_organization`'s groups (each row is in one
    group, the one without an organization included): no second scan of the ledger. Not for
    a distinct count, which groups do not add up to."""
    return {name: sum(row[name] or 0 for row in counts.values()) for name in names}


# --- month-by-month trends ------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A ledger counted month by month on the trends page (e.g. research trips by start date).
    `records(user, unit)` gives the records the user may see, narrowed to the unit's subtree
    when `unit` is given; the page counts them by the month of `date_field` in the database."""

    name: str
    label: str
    records: Callable[[object, object], object]
    date_field: str
    unit: str = "次"
    roles: Sequence[str] = DASHBOARD_READERS
    order: int = 100


TRENDS: dict[str, Trend] = {}


def register_trend(trend: Trend) -> Trend:
    TRENDS[trend.name] = trend
    return trend


def trends_for(user) -> list[Trend]:
    return sorted((t for t in TRENDS.values() if has_role(user, *t.roles)),
                  key=lambda t: (t.order, t.name))


def monthly_counts(trend: Trend, user, window, unit) -> list[int | None]:
    """The trend's records in each month of the window's year, one grouped statement; None
    for the months after the as-of date (not yet happened, unlike a month with nothing)."""
    records = trend.records(user, unit).filter(
        **{f"{trend.date_field}__range": (window.start, window.as_of)})
    by_month = dict(records.order_by().annotate(month=ExtractMonth(trend.date_field))
                    .values_list("month").annotate(n=Count("pk")))
    return [by_month.get(month, 0) if month <= window.as_of.month else None
            for month in range(1, 13)]


def cadre_served_in(unit, cadre: str = "cadre", on: str = "date") -> Q:
    """Records whose cadre held a position in the unit's subtree on the record's day (a
    trend's or a section's unit drill-down)."""
    return Q(Exists(Position.objects.filter(active_on_q(OuterRef(on)), cadre=OuterRef(cadre),
                                            organization__path__startswith=unit.path)))
