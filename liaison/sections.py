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

from django.db.models import Count, Q

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


def counts_by_unit(queryset, units: list, unit_q: Callable[[object, bool], object],
                   measures: dict) -> dict[int, dict[str, int]]:
    """{unit id: {measure: count}} in one statement. `unit_q(unit, subtree)` selects the rows
    of a unit (its whole subtree, or only its own level for the first, 本级, row);
    `measures` maps a name to the Q its rows must also match."""
    aggregates = {}
    for index, unit in enumerate(units):
        where = unit_q(unit, index > 0)
        for name, condition in measures.items():
            aggregates[f"{name}__{unit.pk}"] = Count("pk", filter=where & condition,
                                                     distinct=True)
    if not aggregates:
        return {}
    totals = queryset.order_by().aggregate(**aggregates)
    table: dict[int, dict[str, int]] = {unit.pk: {} for unit in units}
    for key, value in totals.items():
        name, pk = key.rsplit("__", 1)
        table[int(pk)][name] = value or 0
    return table


def path_q(lookup: str) -> Callable[[object, bool], object]:
    """unit_q for rows holding the unit's path at `lookup` (e.g. "organization__path")."""
    def unit_q(unit, subtree: bool):
        return Q(**{f"{lookup}__startswith" if subtree else lookup: unit.path})

    return unit_q
