"""What contact points contribute to the plausibility flags (liaison.plausibility): too many
household visits by one cadre in a day (rule 3), and the organization each of a cadre's
visits reached, for the check against their research trips (rule 4)."""

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from contactpoints.models import Visit
from liaison.plausibility import (
    DatedTargets,
    Finding,
    FlagRule,
    Scan,
    record_values,
    register_dated_targets,
    register_flag_rule,
)


def busy_days(scan: Scan):
    limit = scan.t["HOUSEHOLD_VISITS_PER_DAY"]
    household = Visit.objects.filter(kind=Visit.Kind.HOUSEHOLD)
    same_day = household.filter(cadre=OuterRef("cadre"), start_date=OuterRef("start_date")) \
        .order_by().values("cadre").annotate(n=Count("pk")).values("n")
    rows = household.filter(start_date__gte=scan.start, start_date__lte=scan.end) \
        .annotate(same_day=Subquery(same_day)).filter(same_day__gt=limit)
    for row in record_values(rows, "same_day"):
        yield Finding(Visit, row["pk"], row["cadre_ref"], row["day"],
                      f"{row['day']:%Y-%m-%d} 当天共登记入户走访 {row['same_day']} 户")


def visit_targets():
    """Visits made by a cadre (领导联系点, 入户走访): the contact point, or the household's
    community (a household is never named: personal data)."""
    return Visit.objects.filter(cadre__isnull=False).annotate(
        record_id=F("pk"), target_cadre=F("cadre_id"), target_start=F("start_date"),
        target_end=F("end_date"),
        target_path=Coalesce(F("target_org__path"), F("target_household__community__path")),
        target_label=Coalesce(F("target_org__name"), F("target_household__community__name")))


register_flag_rule(FlagRule(
    "busy_day", "单日入户走访过多",
    lambda t: f"同一干部在同一天登记的入户走访超过 {t['HOUSEHOLD_VISITS_PER_DAY']} 户。",
    busy_days, order=30))
register_dated_targets(DatedTargets(Visit, visit_targets))
