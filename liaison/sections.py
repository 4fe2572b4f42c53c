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

from django.db.models import Aggregate, Count

from liaison.models import Organization
from liaison.permissions import VIEW, Role

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


def counts_by_unit(queryset, units: list, organization,
                   measures: dict) -> dict[int, dict[str, int]]:
    """{unit id: {measure: count}} of `unit_rows`. `organization` is the expression of a row's
    organization id (F("handling_unit"), or a subquery); a row counts for the sub-unit whose
    subtree holds that organization, or for the first unit (本级) when it is exactly that
    unit. `measures` maps a name to the Q its rows must also match. The database groups the
    rows by organization (one statement); the groups are then added up by sub-unit."""
    table = {unit.pk: dict.fromkeys(measures, 0) for unit in units}
    if not units:
        return table
    parent, children = units[0], units[1:]
    grouped = list(queryset.order_by().annotate(row_organization=organization)
                   .values("row_organization")
                   .annotate(**{name: q if isinstance(q, Aggregate) else Count("pk", filter=q)
                            for name, q in measures.items()}))
    paths = dict(Organization.objects.filter(
        pk__in={row["row_organization"] for row in grouped}).values_list("pk", "path"))
    for row in grouped:
        path = paths.get(row.pop("row_organization"), "")
        owner = parent if path == parent.path else next(
            (child for child in children if path.startswith(child.path)), None)
        if owner is not None:
            for name, n in row.items():
                table[owner.pk][name] += n or 0
    return table
