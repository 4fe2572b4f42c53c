"""Reads of talks beyond a plain get: a cadre's talks, a secretary's members."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q

from liaison.compliance.engine import Context, Window
from liaison.models import Cadre, Organization
from talks.metrics import (
    MEMBER_TALKS_TARGET,
    leadership_teams,
    met_pairs_sql,
    pairs_met,
    secretaries_and_members,
    team_sizes,
)
from talks.models import Talk, TalkConfirmation


def talks_of(cadre: Cadre, year: int):
    """The talks of `year` the cadre initiated or took part in."""
    joined = Talk.cadres.through.objects.filter(talk_id=OuterRef("pk"), cadre=cadre)
    return Talk.objects.filter(Q(initiator=cadre) | Q(Exists(joined)), date__year=year)


def members_progress(cadre: Cadre, year: int, day: dt.date) -> list[tuple[Cadre, int, int]]:
    """(member, talks this year, target) for each member a secretary owes talks on `day`, as
    member_talks counts them (talks.metrics.secretaries_and_members)."""
    member_ids = secretaries_and_members(day, cadre.pk).get(cadre.pk, set())
    members = Cadre.objects.filter(pk__in=member_ids).annotate(done=Count(
        "talks_joined", filter=Q(talks_joined__initiator=cadre, talks_joined__date__year=year,
                                 talks_joined__date__lte=day), distinct=True)) \
        .order_by("done", "code")
    return [(member, member.done, MEMBER_TALKS_TARGET) for member in members]


def secretaries_progress(cadres, year: int, day: dt.date) -> list[dict]:
    """For each secretary among `cadres` (a queryset) on `day`: their members, how many had
    a talk with them this year up to `day`, and how many reached the target of 2, as
    member_talks counts them. Sorted with the most members still short of 2 first."""
    members = secretaries_and_members(day)
    secretaries = cadres.filter(pk__in=list(members)).order_by("code")
    done = {(row["talk__initiator_id"], row["cadre_id"]): row["n"] for row in
            Talk.cadres.through.objects.filter(
                talk__initiator__in=secretaries, talk__date__year=year, talk__date__lte=day)
            .values("talk__initiator_id", "cadre_id").annotate(n=Count("talk_id", distinct=True))}
    rows = []
    for secretary in secretaries:
        counts = [done.get((secretary.pk, member), 0) for member in members[secretary.pk]]
        reached = sum(n >= MEMBER_TALKS_TARGET for n in counts)
        rows.append({"secretary": secretary, "members": len(counts), "reached": reached,
                     "started": sum(n > 0 for n in counts), "short": len(counts) - reached})
    return sorted(rows, key=lambda r: (-r["short"], r["secretary"].code))


def _waiting_participants():
    """The participations (talk, cadre) not confirmed yet."""
    confirmed = TalkConfirmation.objects.filter(talk_id=OuterRef("talk_id"),
                                                cadre_id=OuterRef("cadre_id"))
    return Talk.cadres.through.objects.exclude(Exists(confirmed))


def unconfirmed_q() -> Q:
    """Talks with a participating cadre who has not confirmed them. For a WHERE, where it
    becomes a semi-join: in an aggregate's FILTER, PostgreSQL runs the EXISTS once per talk,
    and a `pk IN (waiting talks)` set instead is searched row by row for each talk once the
    set outgrows work_mem (the dashboard's talks page at N=100 never finished)."""
    return Q(Exists(_waiting_participants().filter(talk_id=OuterRef("pk"))))


def awaiting_confirmation(cadre: Cadre):
    """The talks `cadre` took part in and has not confirmed yet."""
    return Talk.objects.filter(cadres=cadre).exclude(confirmations__cadre=cadre) \
        .select_related("initiator").order_by("-date", "-pk")


def team_rows(ctx: Context, organizations) -> list[tuple[Organization, int, int, int]]:
    """(organization, team size, pairs owed, pairs met) of the teams of two or more among
    `organizations` (a queryset), for the window of `ctx`."""
    sizes = {pk: n for pk, n in team_sizes(ctx, organizations).items() if n >= 2}
    met = pairs_met(ctx)
    teams = Organization.objects.in_bulk(list(sizes))
    return sorted(((teams[pk], n, n * (n - 1) // 2, met.get(pk, 0)) for pk, n in sizes.items()),
                  key=lambda row: row[0].path)


def team_matrix(organization: Organization, year: int, as_of: dt.date) -> dict:
    """The team of `organization` on `as_of` and which pairs met at a 民主生活会前谈心 talk
    of the year up to then: {"members": [cadre], "rows": [(cadre, [True/False/None])]}."""
    ctx = Context(Window.for_year(year, as_of))
    member_ids = {cadre for _, cadre in leadership_teams(ctx).filter(
        organization=organization)}
    members = list(Cadre.objects.filter(pk__in=member_ids).order_by("code"))
    sql, params = met_pairs_sql(ctx, organization.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a, b FROM ({sql}) AS pairs", params)
        met = {frozenset(pair) for pair in cursor.fetchall()}
    rows = [(a, [None if a.pk == b.pk else frozenset((a.pk, b.pk)) in met for b in members])
            for a in members]
    pairs = len(members) * (len(members) - 1) // 2
    return {"members": members, "rows": rows, "pairs": pairs, "met": len(met)}
