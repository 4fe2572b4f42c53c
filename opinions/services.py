"""Writes of opinions: validated (opinions.rules), audited, with the feedback due date
stored on the working calendar."""

from __future__ import annotations

import uuid

from django.db import transaction

from liaison.services import record_save
from liaison.workdays import WorkingCalendar
from opinions.models import FEEDBACK_DAYS, Opinion

CODE_PREFIX = "YJ"


def feedback_due(opinion: Opinion, calendar: WorkingCalendar) -> None:
    opinion.feedback_due = (calendar.due(opinion.received_on, FEEDBACK_DAYS)
                            if opinion.received_on else None)


@transaction.atomic
def opinion_save(*, opinion: Opinion, acting_user,
                 calendar: WorkingCalendar | None = None) -> Opinion:
    """Save an opinion (new or changed); one entered without a code gets a random one, so
    that concurrent intakes never draw the same."""
    if not opinion.code and opinion.received_on:
        opinion.code = f"{CODE_PREFIX}{opinion.received_on:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"
    feedback_due(opinion, calendar or WorkingCalendar.load())
    return record_save(instance=opinion, acting_user=acting_user)


def opinion_dues_refresh(batch_size: int = 2000) -> int:
    """Recompute every opinion's feedback due date on the current calendar; returns how many
    changed."""
    calendar = WorkingCalendar.load()
    changed, total = [], 0
    for opinion in Opinion.objects.only("pk", "received_on", "feedback_due").iterator(
            chunk_size=batch_size):
        before = opinion.feedback_due
        feedback_due(opinion, calendar)
        if opinion.feedback_due != before:
            changed.append(opinion)
        if len(changed) >= batch_size:
            Opinion.objects.bulk_update(changed, ["feedback_due"])
            total, changed = total + len(changed), []
    Opinion.objects.bulk_update(changed, ["feedback_due"])
    return total + len(changed)


@transaction.atomic
def opinion_forward(*, content: str, received_on, channel: str, unit, source: str,
                    acting_user) -> Opinion:
    """An opinion passed on from another system (a talk, a petition): collected and first
    handled by `unit`, labelled with its `source`. Forwarding the same source twice returns
    the opinion made the first time."""
    existing = Opinion.objects.select_for_update().filter(source=source).first()
    if existing is not None:
        return existing
    opinion = Opinion(received_on=received_on, channel=channel, collecting_unit=unit,
                      handling_unit=unit, content=content, source=source)
    return opinion_save(opinion=opinion, acting_user=acting_user)


def forwarded_from(sources) -> dict[str, Opinion]:
    """{source: opinion} of the given sources already forwarded."""
    return {o.source: o for o in Opinion.objects.filter(source__in=list(sources))}
