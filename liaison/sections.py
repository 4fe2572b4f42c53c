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

from liaison.permissions import Role

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
