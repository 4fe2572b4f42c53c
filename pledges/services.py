"""Writes of pledges beyond a plain save: amendments of published pledges and progress notes
(validated by pledges.rules, audited)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from liaison.attachments import (
    PHOTOS_AND_DOCUMENTS,
    attachment_check,
    attachment_name,
    content_sha256,
    photo_reencoded,
)
from liaison.models import Position, active_on_q
from liaison.services import activity_dates_check, ensure_years_open, notify, record_save
from pledges.models import (
    Pledge,
    PledgeAmendment,
    PledgePost,
    PledgeProgress,
    PledgeReview,
    ProgressEvidence,
    ReviewCode,
    ServiceActivity,
    ServiceSignup,
    pledge_items,
)
from pledges.rules import (
    pledge_publish_check,
    pledge_submit_check,
    pledge_vet_check,
    post_members_error,
    service_hours_error,
    service_signup_error,
)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread on a slip
CODE_LENGTH = 8


# --- posts (设岗定责) --------------------------------------------------------------------------


@transaction.atomic
def pledge_post_save(*, post: PledgePost, members, acting_user) -> PledgePost:
    """A unit's post with the members assigned to it (the unit's own members only)."""
    members = list(members)
    if post.organization_id and (error := post_members_error(post, members)):
        raise ValidationError({"members": error})
    record_save(instance=post, acting_user=acting_user)
    post._history_user = acting_user
    post.members.set(members)
    return post


# --- vetting (审核) and publication ----------------------------------------------------------


def _locked(pledge: Pledge) -> Pledge:
    """The pledge's row, locked for the rest of the transaction and read afresh: two clicks
    at the same moment act once."""
    # of=self: PostgreSQL locks no row of the outer join (a cadre without a login).
    return Pledge.objects.select_for_update(of=("self",)) \
        .select_related("cadre__user", "organization").get(pk=pledge.pk)


@transaction.atomic
def pledge_submit(*, pledge: Pledge, acting_user) -> Pledge:
    """A member's draft (or returned) pledge goes to the Party organization for vetting; its
    secretaries are notified."""
    pledge = _locked(pledge)
    pledge_submit_check(pledge)
    pledge.status, pledge.submitted_at = Pledge.Status.SUBMITTED, timezone.now()
    record_save(instance=pledge, acting_user=acting_user)
    secretaries = Position.objects.filter(
        active_on_q(timezone.localdate()), organization=pledge.organization_id,
        party_secretary=True, cadre__user__isnull=False).exclude(cadre=pledge.cadre_id) \
        .select_related("cadre__user")
    key = f"pledge-submitted:{pledge.pk}:{pledge.submitted_at:%Y%m%d%H%M%S}"
    notify(messages=[(p.cadre.user, f"{pledge.cadre.name}的{pledge.year}年承诺已提交，请审核",
                      reverse("pledges:vetting"), key) for p in secretaries])
    return pledge


@transaction.atomic
def pledge_vet(*, pledge: Pledge, approve: bool, reason: str = "", acting_user) -> Pledge:
    """The Party organization approves the pledge, or returns it to the member with a reason
    (shown to the member, who changes it and submits again)."""
    pledge = _locked(pledge)
    pledge_vet_check(pledge, approve=approve, reason=reason)
    pledge.status = Pledge.Status.APPROVED if approve else Pledge.Status.RETURNED
    pledge.return_reason = "" if approve else reason.strip()
    pledge.vetted_at, pledge.vetted_by = timezone.now(), acting_user
    record_save(instance=pledge, acting_user=acting_user)
    member = pledge.cadre.user
    if member is not None and member != acting_user:
        text = (f"您的{pledge.year}年承诺已审核通过，可以公开" if approve else
                f"您的{pledge.year}年承诺被退回：{pledge.return_reason}")
        notify(messages=[(member, text, pledge.get_absolute_url(),
                          f"pledge-vetted:{pledge.pk}:{pledge.vetted_at:%Y%m%d%H%M%S}")])
    return pledge


@transaction.atomic
def pledge_publish(*, pledge: Pledge, acting_user, on: dt.date | None = None) -> Pledge:
    """Publish an approved pledge (公开承诺): the wording and the date are frozen from now on."""
    pledge = _locked(pledge)
    pledge_publish_check(pledge)
    pledge.published_on = on or timezone.localdate()
    record_save(instance=pledge, acting_user=acting_user)
    return pledge


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


EVIDENCE_TYPES = PHOTOS_AND_DOCUMENTS  # the attachment rules of research trips
MAX_EVIDENCE_PER_NOTE = 9


def _evidence_checked(existing: int, uploads) -> list[str]:
    """Every upload's detected content type, or one ValidationError for all that fail (in
    Chinese): nothing is stored unless every file passes."""
    uploads = list(uploads)
    if existing + len(uploads) > MAX_EVIDENCE_PER_NOTE:
        raise ValidationError({"files": f"每条进展最多 {MAX_EVIDENCE_PER_NOTE} 个佐证材料"})
    types, errors = [], []
    for upload in uploads:
        try:
            types.append(attachment_check(upload, allowed=EVIDENCE_TYPES))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})
    return types


def _evidence_store(*, progress: PledgeProgress, uploads, types, acting_user) -> list:
    """Store checked uploads on a note; if anything fails, the files already written are
    removed again (the transaction rolls the rows back)."""
    stored = []
    try:
        for upload, content_type in zip(uploads, types, strict=True):
            original_name = PurePath(upload.name).name[:200]
            content = photo_reencoded(upload, content_type)
            content.name = attachment_name(content_type)
            evidence = ProgressEvidence(progress=progress, file=content,
                                        original_name=original_name,
                                        content_type=content_type, size=content.size,
                                        sha256=content_sha256(content),
                                        uploaded_by=acting_user)
            evidence._history_user = acting_user
            evidence.save()
            stored.append(evidence)
    except Exception:
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return stored


@transaction.atomic
def pledge_progress_add(*, pledge: Pledge, item: int, date: dt.date, status: str, note: str,
                        acting_user, files=()) -> PledgeProgress:
    """A dated progress note on one item of a published pledge, with its evidence (photos,
    documents): the note and all its files are saved, or none of them."""
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
    files = list(files or ())
    try:
        types = _evidence_checked(0, files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    activity_dates_check(date, None, start_field="date")
    if files:
        ensure_years_open(pledge)  # a closed year's records are read-only, evidence included
    progress = PledgeProgress(pledge=pledge, item=item, date=date, status=status,
                              note=note.strip(), entered_by=acting_user)
    progress._history_user = acting_user
    progress.save()
    _evidence_store(progress=progress, uploads=files, types=types, acting_user=acting_user)
    return progress


@transaction.atomic
def progress_evidence_add(*, progress: PledgeProgress, files, acting_user) -> list:
    """Add photos or documents to an existing progress note: all of them, or none (the note's
    row is locked, so that two uploads at once keep to the limit)."""
    progress = PledgeProgress.objects.select_for_update().select_related("pledge") \
        .get(pk=progress.pk)
    files = list(files)
    if not files:
        raise ValidationError({"files": "请选择要上传的文件"})
    if not progress.pledge.published_on:
        raise ValidationError("承诺公开后才能上传践诺佐证材料")
    ensure_years_open(progress.pledge)
    types = _evidence_checked(progress.evidence.count(), files)
    return _evidence_store(progress=progress, uploads=files, types=types,
                           acting_user=acting_user)


@transaction.atomic
def progress_evidence_delete(*, evidence: ProgressEvidence, acting_user) -> None:
    """Delete a piece of evidence (audited); its file goes once the deletion is committed."""
    ensure_years_open(evidence.progress.pledge)
    storage, name = evidence.file.storage, evidence.file.name
    evidence._history_user = acting_user
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


def progress_notes(pledges) -> dict[int, list[PledgeProgress]]:
    """The dated progress notes of many pledges with their evidence, in two queries whatever
    their number: {pledge id: notes}."""
    by_pledge: dict[int, list[PledgeProgress]] = {}
    for note in PledgeProgress.objects.filter(pledge__in=pledges) \
            .order_by("pledge_id", "date", "pk").prefetch_related("evidence"):
        by_pledge.setdefault(note.pledge_id, []).append(note)
    return by_pledge


def item_timelines(pledge: Pledge, notes=None) -> list[dict]:
    """Each item with its status (its latest note's, 未开始 before any) and its dated notes
    (`notes`: the pledge's, from progress_notes, else read here)."""
    if notes is None:
        notes = pledge.progress.order_by("date", "pk").prefetch_related("evidence")
    by_item: dict[int, list[PledgeProgress]] = {}
    for note in notes:
        by_item.setdefault(note.item, []).append(note)
    notes = by_item
    items = []
    for number, text in enumerate(pledge.item_list(), start=1):
        timeline = notes.get(number, [])
        status = timeline[-1].status if timeline else PledgeProgress.Status.NOT_STARTED
        items.append({"number": number, "text": text, "status": status,
                      "status_label": PledgeProgress.Status(status).label,
                      "timeline": timeline})
    return items




# --- evaluation (评议) ---------------------------------------------------------------------


@transaction.atomic
def review_codes_issue(*, organization, year: int, count: int, acting_user) -> list[ReviewCode]:
    """One-time codes for the masses' review of an organization's pledges of a year."""
    if not 1 <= count <= 500:
        raise ValidationError({"count": "每次可生成 1 至 500 个评议码"})
    codes = []
    while len(codes) < count:
        text = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not ReviewCode.objects.filter(code=text).exists():
            codes.append(ReviewCode(organization=organization, year=year, code=text))
    return ReviewCode.objects.bulk_create(codes)


def _reviewable(pledge: Pledge) -> None:
    if not pledge.published_on:
        raise ValidationError("承诺公开后才能评议")


@transaction.atomic
def pledge_review_by_code(*, pledge: Pledge, code: str, verdict: str,
                          comment: str) -> PledgeReview:
    """群众评议: a citizen's review with a one-time code of the pledge's organization and
    year; the code is spent."""
    _reviewable(pledge)
    slip = ReviewCode.objects.select_for_update().filter(
        code=code.strip().upper(), organization=pledge.organization_id, year=pledge.year,
        used_at__isnull=True).first()
    if slip is None:
        raise ValidationError({"code": "评议码无效或已使用，请核对后重新输入"})
    review = PledgeReview.objects.create(pledge=pledge, kind=PledgeReview.Kind.MASSES,
                                         verdict=verdict, comment=comment.strip()[:500])
    slip.used_at, slip.review = timezone.now(), review
    slip.save(update_fields=["used_at", "review"])
    return review


def review_kind_for(pledge: Pledge, cadre, *, leader: bool) -> str | None:
    """How `cadre` may review the pledge: their own (自评), a fellow member of the
    organization (互评), or as the organization's leader or keeper (领导点评)."""
    if leader:
        return PledgeReview.Kind.LEADER
    if cadre is None:
        return None
    if cadre.pk == pledge.cadre_id:
        return PledgeReview.Kind.SELF
    fellow = Position.objects.filter(active_on_q(timezone.localdate()), cadre=cadre,
                                     organization=pledge.organization_id).exists()
    return PledgeReview.Kind.PEER if fellow else None


@transaction.atomic
def pledge_review(*, pledge: Pledge, reviewer, kind: str, verdict: str,
                  comment: str) -> PledgeReview:
    _reviewable(pledge)
    if kind is None:
        raise ValidationError("只有本人、同一党组织的党员和组织负责人可以评议这份承诺")
    if reviewer is not None and PledgeReview.objects.filter(
            pledge=pledge, kind=kind, reviewer=reviewer).exists():
        raise ValidationError("您已评议过这份承诺")
    return PledgeReview.objects.create(pledge=pledge, kind=kind, reviewer=reviewer,
                                       verdict=verdict, comment=comment.strip()[:500])


def review_summary(pledges) -> dict[int, dict[str, dict[str, int]]]:
    """{pledge: {kind: {verdict: count}}}, counted by the database."""
    summary: dict[int, dict[str, dict[str, int]]] = {}
    for row in PledgeReview.objects.filter(pledge__in=pledges).order_by().values(
            "pledge_id", "kind", "verdict").annotate(n=models.Count("pk")):
        summary.setdefault(row["pledge_id"], {}).setdefault(row["kind"], {})[
            row["verdict"]] = row["n"]
    return summary



# --- community service (双报到: 社区需求清单, 志愿服务, 服务时长) -------------------------------


@transaction.atomic
def service_signup(*, activity: ServiceActivity, cadre, acting_user) -> ServiceSignup:
    """A registered member signs up for a community's need or activity (the activity's row is
    locked, so that the last place is taken once)."""
    activity = ServiceActivity.objects.select_for_update(of=("self",)).select_related("community") \
        .get(pk=activity.pk)
    if cadre is None:
        raise ValidationError("只有党员本人可以报名")
    if error := service_signup_error(activity, cadre, timezone.localdate()):
        raise ValidationError(error)
    signup = ServiceSignup(activity=activity, cadre=cadre)
    signup._history_user = acting_user
    signup.save()
    return signup


@transaction.atomic
def service_hours_record(*, activity: ServiceActivity, hours: dict, acting_user) -> int:
    """The community records each member's service hours ({signup id: hours or None});
    returns how many changed."""
    today, changed = timezone.localdate(), 0
    for signup in activity.signups.select_for_update().filter(pk__in=list(hours)):
        value = hours[signup.pk]
        if error := service_hours_error(activity, value, today):
            raise ValidationError({"hours": f"{signup.cadre.name}：{error}"})
        if signup.hours != value:
            signup.hours, signup.recorded_by = value, acting_user
            signup._history_user = acting_user
            signup.save(update_fields=["hours", "recorded_by"])
            changed += 1
    return changed
