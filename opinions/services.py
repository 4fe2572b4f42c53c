"""Writes of opinions: validated (opinions.rules), audited, with the feedback due date
stored on the working calendar."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.personal import redact_personal
from liaison.services import record_save, refresh_stored
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
    publication_texts(opinion)
    return record_save(instance=opinion, acting_user=acting_user)


def publication_texts(opinion: Opinion) -> None:
    """A published opinion shows its texts without personal data: filled in automatically
    when it was published without the page that shows them first (an import)."""
    if not opinion.published:
        opinion.published_text = opinion.published_explanation = ""
    elif not opinion.published_text:
        opinion.published_text = redact_personal(opinion.content)
        opinion.published_explanation = redact_personal(opinion.explanation)


@transaction.atomic
def opinion_publish(*, opinion: Opinion, text: str, explanation: str, acting_user) -> Opinion:
    """Publish an answered opinion with the texts the publisher confirmed."""
    if not opinion.result:
        raise ValidationError("尚未处理的意见不能公开，请先填写处理结果")
    if not text.strip():
        raise ValidationError({"text": "公开内容不能为空"})
    opinion.published = True
    # The names were checked by the publisher, who may have repaired a word taken for one;
    # numbers and addresses typed back in are still removed.
    opinion.published_text = redact_personal(text.strip(), names=False)
    opinion.published_explanation = redact_personal(explanation.strip(), names=False)
    return record_save(instance=opinion, acting_user=acting_user)


@transaction.atomic
def opinion_unpublish(*, opinion: Opinion, acting_user) -> Opinion:
    opinion.published = False
    publication_texts(opinion)
    return record_save(instance=opinion, acting_user=acting_user)


PUBLIC_MIN_LENGTH, PUBLIC_MAX_LENGTH = 5, 1000


def opinion_submit_public(*, unit, content: str, contact: str, category: str) -> Opinion:
    """An opinion sent through the public form (no login): received today by `unit`, which
    answers it or hands it on."""
    content = content.strip()
    if not PUBLIC_MIN_LENGTH <= len(content) <= PUBLIC_MAX_LENGTH:
        raise ValidationError({"content": f"意见内容应为 {PUBLIC_MIN_LENGTH} 至 "
                                          f"{PUBLIC_MAX_LENGTH} 字"})
    opinion = Opinion(received_on=timezone.localdate(), channel=Opinion.Channel.ONLINE,
                      collecting_unit=unit, handling_unit=unit, content=content,
                      submitter_contact=contact.strip()[:100], category=category.strip()[:50])
    return opinion_save(opinion=opinion, acting_user=None)


def opinion_dues_refresh(batch_size: int = 2000) -> int:
    """Recompute every opinion's feedback due date on the current calendar; returns how many
    changed."""
    calendar = WorkingCalendar.load()
    return refresh_stored(Opinion.objects.only("received_on", "feedback_due"), ("feedback_due",),
                          lambda opinion: feedback_due(opinion, calendar), batch_size)


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


@transaction.atomic
def opinions_answer(*, opinions, result: str, explanation: str, feedback_on,
                    acting_user) -> int:
    """Answer several similar opinions at once: each is validated and saved as a single
    answer would be, and if one fails none is changed."""
    calendar = WorkingCalendar.load()
    count = 0
    for opinion in opinions:
        opinion.result, opinion.explanation, opinion.feedback_on = result, explanation, \
            feedback_on
        try:
            opinion_save(opinion=opinion, acting_user=acting_user, calendar=calendar)
        except ValidationError as exc:
            raise ValidationError(f"{opinion.code}：{'；'.join(exc.messages)}") from exc
        count += 1
    return count
