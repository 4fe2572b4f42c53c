"""Writes of pledges beyond a plain save: amendments of published pledges and progress notes
(validated by pledges.rules, audited)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.services import activity_dates_check, record_save
from pledges.models import (
    Pledge,
    PledgeAmendment,
    PledgeProgress,
    pledge_items,
)


@transaction.atomic
def pledge_amend(*, pledge: Pledge, items: str, reason: str, acting_user) -> PledgeAmendment:
    """Change the wording of a published pledge: the change is recorded with its date and
    reason and shown on the public board."""
    if not pledge.published_on:
        raise ValidationError("承诺尚未公开，可直接编辑")
    if not reason.strip():
        raise ValidationError({"reason": "请填写修改原因"})
    new = "\n".join(pledge_items(items))
    if new == "\n".join(pledge.item_list()):
        raise ValidationError({"items": "承诺内容没有变化"})
    amendment = PledgeAmendment(pledge=pledge, date=timezone.localdate(),
                                before="\n".join(pledge.item_list()), after=new,
                                reason=reason.strip(), entered_by=acting_user)
    pledge.items, pledge._amendment = new, True
    record_save(instance=pledge, acting_user=acting_user)
    amendment._history_user = acting_user
    amendment.save()
    return amendment


@transaction.atomic
def pledge_progress_add(*, pledge: Pledge, item: int, date: dt.date, status: str, note: str,
                        acting_user) -> PledgeProgress:
    """A dated progress note on one item of a published pledge."""
    errors = {}
    if not pledge.published_on:
        raise ValidationError("承诺公开后才能登记践诺进展")
    if not 1 <= item <= len(pledge.item_list()):
        errors["item"] = "该承诺事项不存在"
    if date and date < pledge.published_on:
        errors["date"] = f"进展日期不能早于公开日期 {pledge.published_on:%Y-%m-%d}"
    if not note.strip():
        errors["note"] = "请填写进展说明"
    if status not in PledgeProgress.Status.values:
        errors["status"] = "请选择状态"
    if errors:
        raise ValidationError(errors)
    activity_dates_check(date, None, start_field="date")
    progress = PledgeProgress(pledge=pledge, item=item, date=date, status=status,
                              note=note.strip(), entered_by=acting_user)
    progress._history_user = acting_user
    progress.save()
    return progress


def item_timelines(pledge: Pledge) -> list[dict]:
    """Each item with its status (its latest note's, 未开始 before any) and its dated notes."""
    notes: dict[int, list[PledgeProgress]] = {}
    for note in pledge.progress.order_by("date", "pk"):
        notes.setdefault(note.item, []).append(note)
    items = []
    for number, text in enumerate(pledge.item_list(), start=1):
        timeline = notes.get(number, [])
        status = timeline[-1].status if timeline else PledgeProgress.Status.NOT_STARTED
        items.append({"number": number, "text": text, "status": status,
                      "status_label": PledgeProgress.Status(status).label,
                      "timeline": timeline})
    return items


