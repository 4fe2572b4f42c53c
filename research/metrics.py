"""Research metrics (spec §4) and the places research trips visit (for 三走遍)."""

from django.db.models import F

from liaison.metrics import (
    CADRE,
    Context,
    Metric,
    by_category,
    counts,
    distinct_days,
    register_metric,
    register_places,
)
from research.models import ResearchReport, ResearchTrip, TripPlace


def research_days(ctx: Context) -> dict:
    return distinct_days(ctx, ctx.narrow(ResearchTrip.objects.all(), "cadre_id"), ("cadre_id",))


def research_reports(ctx: Context) -> dict:
    reports = ctx.in_window(ctx.narrow(ResearchReport.objects.exclude(
        status=ResearchReport.Status.RETURNED), "cadre_id"), "submitted_on")
    return counts(reports, ("cadre_id",))


register_metric(Metric("research_days", "调研天数", CADRE, by_category, research_days, unit="天"))
register_metric(Metric("research_reports", "调研报告", CADRE, by_category, research_reports,
                       unit="篇"))


@register_places
def trip_places(ctx: Context, cadre_ids):
    places = TripPlace.objects.filter(trip__cadre_id__in=cadre_ids,
                                      trip__start_date__lte=ctx.window.as_of,
                                      trip__end_date__gte=ctx.window.start)
    return places.values_list(F("trip__cadre_id"), "organization_id")
