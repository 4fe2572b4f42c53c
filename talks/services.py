"""Writes of talks: validated (talks.rules), audited, participants saved with the talk."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.models import Position, active_on_q
from liaison.services import record_save
from opinions.models import Opinion
from opinions.services import forwarded_from, opinion_forward
from talks.models import Talk, TalkConfirmation

CODE_PREFIX = "TK"


def new_code(talk: Talk) -> str:
    """TK20250312-3F9A1C: the date and a random part, so that two cadres saving at the same
    moment never draw the same code (a counter would need a lock)."""
    return f"{CODE_PREFIX}{talk.date:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


@transaction.atomic
def talk_save(*, talk: Talk, acting_user, cadres=None, households=None) -> Talk:
    """Save a talk (new or changed); `cadres` / `households` replace its participants when
    given, and the rules check them before anything is written."""
    if cadres is not None:
        talk._cadres = list(cadres)
    if households is not None:
        talk._households = list(households)
    if not talk.code and talk.date:
        talk.code = new_code(talk)
    record_save(instance=talk, acting_user=acting_user)
    if cadres is not None:
        talk.cadres.set(talk._cadres)
    if households is not None:
        talk.households.set(talk._households)
    return talk


def opinion_source(talk: Talk, number: int) -> str:
    return f"谈心谈话 {talk.code} 第{number}条"


def talk_opinions(talk: Talk) -> list[tuple[int, str, Opinion | None]]:
    """(number, text, the opinion it was forwarded as, or None) of each opinion raised."""
    lines = talk.opinion_lines()
    done = forwarded_from(opinion_source(talk, n) for n in range(1, len(lines) + 1))
    return [(n, text, done.get(opinion_source(talk, n))) for n, text in
            enumerate(lines, start=1)]


def talk_opinion_forward(*, talk: Talk, number: int, acting_user) -> Opinion:
    """Pass one opinion raised in a talk on to the opinions system (channel 谈心谈话), to the
    unit the initiator served in on the talk's date, which answers it or hands it on."""
    lines = talk.opinion_lines()
    if not 1 <= number <= len(lines):
        raise ValidationError("该条意见不存在")
    unit = (Position.objects.filter(active_on_q(talk.date), cadre=talk.initiator_id)
            .select_related("organization").order_by("start_date").first())
    if unit is None:
        raise ValidationError(f"发起人在 {talk.date:%Y-%m-%d} 没有任职单位，无法转交")
    return opinion_forward(content=lines[number - 1], received_on=min(
        talk.date, timezone.localdate()), channel=Opinion.Channel.TALK,
        unit=unit.organization, source=opinion_source(talk, number), acting_user=acting_user)


def talk_confirm(*, talk: Talk, cadre, acting_user) -> TalkConfirmation:
    """A participating cadre confirms the talk took place (once; a second tap changes
    nothing)."""
    if not talk.cadres.filter(pk=cadre.pk).exists():
        raise ValidationError("只有参与谈话的干部可以确认")
    confirmation, _ = TalkConfirmation.objects.get_or_create(talk=talk, cadre=cadre)
    return confirmation
