from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.attachments import (
    PHOTOS_AND_DOCUMENTS,
    attachment_check,
    attachment_name,
    content_sha256,
    photo_reencoded,
)
from liaison.bulk import bulk_insert, bulk_insert_values
from liaison.permissions import Role, has_role, is_unrestricted
from liaison.services import ensure_years_open, record_save
from research.models import ResearchReport, ResearchTopic, ResearchTrip, TripAttachment, TripPlace


@transaction.atomic
def trip_places_set(*, trip: ResearchTrip, places, acting_user) -> None:
    """Make the trip's places exactly `places` (each change audited)."""
    trips_places_set(trips_places=[(trip, places)], acting_user=acting_user)


def trips_places_set(*, trips_places, acting_user) -> None:
    """trip_places_set for many trips at once (an import's batch): the stored places read in
    one query, the new ones inserted with their history rows in one query each (a gone one is
    deleted on its own, as delete() audits it)."""
    pairs = [(trip, {p.pk for p in places}) for trip, places in trips_places]
    if any(not wanted for _, wanted in pairs):
        raise ValidationError({"places": "至少填写一个调研地点"})
    current: dict = {trip.pk: {} for trip, _ in pairs}
    trip_ids = list(current)
    for i in range(0, len(trip_ids), 500):
        for place in TripPlace.objects.filter(trip_id__in=trip_ids[i:i + 500]).order_by("pk"):
            current[place.trip_id][place.organization_id] = place
    gone = [place for trip, wanted in pairs
            for org_id, place in current[trip.pk].items() if org_id not in wanted]
    new = [TripPlace(trip=trip, organization_id=org_id) for trip, wanted in pairs
           for org_id in wanted - set(current[trip.pk])]
    for place in gone:  # few: a trip's places rarely change
        place._history_user = acting_user
        place.delete()
    bulk_insert(TripPlace, new)
    history = TripPlace.history.model
    now = timezone.now()
    bulk_insert_values(history, [
        {"id": place.pk, "trip_id": place.trip_id, "organization_id": place.organization_id,
         "history_date": now, "history_type": "+",
         "history_user_id": getattr(acting_user, "pk", None)}
        for place in new])


@transaction.atomic
def topic_save(*, topic: ResearchTopic, acting_user) -> ResearchTopic:
    """A unit's own topic (自定调研课题) stands as set; a major topic (区委常委重大调研课题)
    waits for 组织部's review, and a rejected one goes back for review when it is edited."""
    S = ResearchTopic.Status
    if topic.kind == ResearchTopic.Kind.OWN:
        topic.status = S.APPROVED
    else:
        stored = ResearchTopic.objects.filter(pk=topic.pk).values(*REVIEWED_TOPIC_FIELDS).first()
        current = {f: getattr(topic, f) for f in REVIEWED_TOPIC_FIELDS}
        # New, newly major, rejected, or changed since it was approved: review again.
        if stored != current or topic.status == S.REJECTED:
            topic.status, topic.reviewed_by, topic.reviewed_at = S.PROPOSED, None, None
    return record_save(instance=topic, acting_user=acting_user)


REVIEWED_TOPIC_FIELDS = ("year", "title", "kind", "description", "organization_id")


@transaction.atomic
def report_save(*, report: ResearchReport, acting_user) -> ResearchReport:
    """A cadre's report as written or edited: an adopted report stays as adopted; editing a
    returned one submits it again for review."""
    S = ResearchReport.Status
    stored = ResearchReport.objects.filter(pk=report.pk).values_list("status", flat=True).first()
    if stored == S.ADOPTED:
        raise ValidationError("已采纳的调研报告不能再修改")
    if stored == S.RETURNED:
        report.status, report.reviewed_by = S.SUBMITTED, None
    if not report.file:
        report.file_sha256 = ""
    elif not getattr(report.file, "_committed", True):  # a new upload
        report.file_sha256 = content_sha256(report.file)
    return record_save(instance=report, acting_user=acting_user)


@transaction.atomic
def trip_save(*, trip: ResearchTrip, places, acting_user) -> ResearchTrip:
    if trip.end_date is None:
        trip.end_date = trip.start_date
    if not places:
        raise ValidationError({"places": "至少填写一个调研地点"})
    record_save(instance=trip, acting_user=acting_user)
    trip_places_set(trip=trip, places=places, acting_user=acting_user)
    return trip


TRIP_ATTACHMENT_TYPES = PHOTOS_AND_DOCUMENTS


@transaction.atomic
def report_review(*, report: ResearchReport, status: str, comment: str,
                  acting_user) -> ResearchReport:
    """已提交 → 已采纳 or 退回 (a return needs a comment), recording the reviewer."""
    S = ResearchReport.Status
    if report.status != S.SUBMITTED:
        raise ValidationError(
            f"只有「已提交」的报告可以审阅，该报告当前为「{report.get_status_display()}」")
    if report.cadre.user_id is not None and report.cadre.user_id == acting_user.pk:
        raise ValidationError("不能审阅本人的调研报告")
    if status not in (S.ADOPTED, S.RETURNED):
        raise ValidationError({"status": "请选择「已采纳」或「退回」"})
    comment = (comment or "").strip()
    if status == S.RETURNED and not comment:
        raise ValidationError({"comment": "退回报告时请填写审阅意见"})
    report.status, report.review_comment, report.reviewed_by = status, comment, acting_user
    return record_save(instance=report, acting_user=acting_user)


@transaction.atomic
def topic_review(*, topic: ResearchTopic, status: str, comment: str,
                 acting_user) -> ResearchTopic:
    """组织部 approves or rejects a proposed 区委常委重大调研课题 (a rejection needs a comment)."""
    S = ResearchTopic.Status
    if not (is_unrestricted(acting_user) or has_role(acting_user, Role.ORG_DEPT)):
        raise PermissionDenied("只有组织部可以审定调研课题")
    if topic.kind != ResearchTopic.Kind.MAJOR:
        raise ValidationError("只有「区委常委重大调研课题」需要审定")
    if topic.status != S.PROPOSED:
        raise ValidationError(f"该课题已审定（{topic.get_status_display()}），不能再次审定")
    if status not in (S.APPROVED, S.REJECTED):
        raise ValidationError({"status": "请选择「已审定」或「未通过」"})
    comment = (comment or "").strip()
    if status == S.REJECTED and not comment:
        raise ValidationError({"comment": "不予通过时请填写审定意见"})
    topic.status, topic.review_comment = status, comment
    topic.reviewed_by, topic.reviewed_at = acting_user, timezone.now()
    return record_save(instance=topic, acting_user=acting_user)


@transaction.atomic
def trip_attachment_add(*, trip: ResearchTrip, upload, acting_user) -> TripAttachment:
    """Store a photo or document of a trip under a generated name, after checking its bytes."""
    content_type = attachment_check(upload, allowed=TRIP_ATTACHMENT_TYPES)
    ensure_years_open(trip)  # a closed year's trips are read-only, attachments included
    original_name = PurePath(upload.name).name[:200]
    stored = photo_reencoded(upload, content_type)
    stored.name = attachment_name(content_type)
    attachment = TripAttachment(trip=trip, file=stored, original_name=original_name,
                                content_type=content_type, size=stored.size,
                                sha256=content_sha256(stored), uploaded_by=acting_user)
    return record_save(instance=attachment, acting_user=acting_user)


@transaction.atomic
def trip_attachment_delete(*, attachment: TripAttachment, acting_user) -> None:
    ensure_years_open(attachment.trip)
    stored = attachment.file
    storage, name = stored.storage, stored.name
    attachment._history_user = acting_user
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
