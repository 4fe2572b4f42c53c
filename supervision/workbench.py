"""The leader's link to their year-end self-report material on the workbench (liaison.workbench)."""

from liaison.workbench import Panel, register_panel


def self_report_panel(request, cadre, year: int) -> dict:
    from supervision.selfreport import is_leader

    return {"leader": is_leader(cadre, year)}


register_panel(Panel("self_report", "supervision/_workbench.html", self_report_panel, order=90))
