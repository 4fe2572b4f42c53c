"""What talks contribute to the plausibility flags (liaison.plausibility): talks a
participating cadre has still not confirmed (rule 6), and the communities of the households
a cadre talked with, for the check against their research trips (rule 4)."""

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Subquery

from liaison.plausibility import (
    DatedTargets,
    Finding,
    FlagRule,
    Scan,
    record_values,
    register_dated_targets,
    register_flag_rule,
)
from talks.models import Talk, TalkConfirmation
from talks.selectors import unconfirmed_q


def unconfirmed(scan: Scan):
    days = scan.t["UNCONFIRMED_AFTER_DAYS"]
    confirmed = TalkConfirmation.objects.filter(talk_id=OuterRef("talk_id"),
                                                cadre_id=OuterRef("cadre_id"))
    waiting = Talk.cadres.through.objects.filter(talk_id=OuterRef("pk")).exclude(
        Exists(confirmed)).order_by().values("talk_id").annotate(n=Count("pk")).values("n")
    rows = Talk.objects.filter(unconfirmed_q(), date__gte=scan.start, date__lte=scan.end,
                               created_at__lt=scan.now - dt.timedelta(days=days)) \
        .annotate(waiting=Subquery(waiting))
    for row in record_values(rows, "waiting"):
        yield Finding(Talk, row["pk"], row["cadre_ref"], row["day"],
                      f"录入超过 {days} 天后仍有 {row['waiting']} 名参与干部未确认谈话")


def talk_targets():
    """A talk's initiator reached the communities of the households in it."""
    return Talk.households.through.objects.annotate(
        record_id=F("talk_id"), target_cadre=F("talk__initiator_id"),
        target_start=F("talk__date"), target_end=F("talk__date"),
        target_path=F("household__community__path"),
        target_label=F("household__community__name"))


register_flag_rule(FlagRule(
    "unconfirmed", "谈话未经确认",
    lambda t: f"谈心谈话记录录入超过 {t['UNCONFIRMED_AFTER_DAYS']} 天后，仍有参与干部没有"
              f"确认谈话确实发生（与谈话记录列表中“有参与干部未确认”的含义相同）。",
    unconfirmed, order=60))
register_dated_targets(DatedTargets(Talk, talk_targets))
