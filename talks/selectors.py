"""Reads of talks beyond a plain get: a cadre's talks, a secretary's members."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q

from liaison.models import Cadre, Position, active_on_q
from talks.metrics import MEMBER_TALKS_TARGET
from talks.models import Talk


def talks_of(cadre: Cadre, year: int):
    """The talks of `year` the cadre initiated or took part in."""
    joined = Talk.cadres.through.objects.filter(talk_id=OuterRef("pk"), cadre=cadre)
    return Talk.objects.filter(Q(initiator=cadre) | Q(Exists(joined)), date__year=year)


def members_progress(cadre: Cadre, year: int, day: dt.date) -> list[tuple[Cadre, int, int]]:
    """(member, talks this year, target) for each member a secretary owes talks on `day`:
    the other cadres with a position in exactly an organization where `cadre` holds a
    position marked 党组织负责人 (spec/compliance.md §9)."""
    organizations = Position.objects.filter(active_on_q(day), cadre=cadre,
                                            party_secretary=True).values("organization")
    members = Cadre.objects.filter(Exists(Position.objects.filter(
        active_on_q(day), cadre=OuterRef("pk"), organization__in=organizations))) \
        .exclude(pk=cadre.pk).annotate(done=Count("talks_joined", filter=Q(
            talks_joined__initiator=cadre, talks_joined__date__year=year,
            talks_joined__date__lte=day), distinct=True)).order_by("done", "code")
    return [(member, member.done, MEMBER_TALKS_TARGET) for member in members]
