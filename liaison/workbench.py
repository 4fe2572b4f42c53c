"""The cadre's workbench (我的工作台) is assembled from panels the domain apps register, so the
core never imports them (DESIGN.md §2). An app registers from a module its AppConfig.ready
imports:

    register_panel(Panel("trips", "research/_workbench.html", trips_panel, order=10,
                         actions=trip_actions))

`context(request, cadre, year)` returns the panel template's context; `actions(request, cadre)`
returns one-tap buttons, (label, url) pairs, shown at the top of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PanelContext = Callable[[object, object, int], dict]
PanelActions = Callable[[object, object], list[tuple[str, str]]]


@dataclass(frozen=True)
class Panel:
    name: str
    template_name: str
    context: PanelContext
    order: int = 100
    actions: PanelActions | None = None


PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> Panel:
    PANELS[panel.name] = panel  # by name: registering again replaces, never duplicates
    return panel


def panels() -> list[Panel]:
    return sorted(PANELS.values(), key=lambda p: (p.order, p.name))


def workbench_context(request, cadre, year: int) -> dict:
    """The actions and rendered-panel contexts of every registered panel, in order."""
    actions: list[tuple[str, str]] = []
    rendered = []
    for panel in panels():
        if panel.actions is not None:
            actions.extend(panel.actions(request, cadre))
        rendered.append((panel, panel.context(request, cadre, year)))
    return {"actions": actions, "panels": rendered}
