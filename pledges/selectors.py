"""Reads of pledges beyond a plain get: who vets which pledge (审核)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from liaison.attachments import PHOTOS
from liaison.models import Organization, Position, active_on_q
from liaison.permissions import Role, grants_with, is_unrestricted, subtree_q
from pledges.models import Pledge, PledgeProgress, PledgeReview, ProgressEvidence, ServiceSignup
from pledges.services import review_summary


def scoped_progress(user, action: str):
    """Progress notes of the pledges `user` may see (VIEW) or change (CHANGE)."""
    return PledgeProgress.objects.filter(
        pledge__in=Pledge.objects.restrict(user, action)).select_related("pledge")


def scoped_evidence(user, action: str):
    """Evidence of the pledges `user` may see (VIEW) or change (CHANGE): deny by default, an
    id outside the scope is simply not there."""
    return ProgressEvidence.objects.filter(
        progress__pledge__in=Pledge.objects.restrict(user, action)) \
        .select_related("progress__pledge")


def public_evidence(code: str):
    """What the public board of organization `code` may serve: photos of its published
    pledges only (documents may hold personal data and stay with the staff)."""
    return ProgressEvidence.objects.filter(
        content_type__in=PHOTOS, progress__pledge__organization__code=code,
        progress__pledge__published_on__isnull=False)


def secretary_organizations(user):
    """The organizations whose Party organization `user` leads now (a position marked
    党组织负责人)."""
    return Position.objects.active_on(timezone.localdate()).filter(
        cadre__user=user, party_secretary=True).values("organization")


def vettable_pledges(user):
    """Pledges `user` vets for their Party organization: a unit admin those of the
    organizations in their scope, a secretary those of the organization they lead; never
    their own."""
    if not getattr(user, "is_authenticated", False):
        return Pledge.objects.none()
    if is_unrestricted(user):
        return Pledge.objects.all()
    q = Q(organization__in=secretary_organizations(user))
    admin = grants_with(user, Role.UNIT_ADMIN)
    if admin:
        q |= subtree_q(admin, "organization__path")
    return Pledge.objects.filter(q).exclude(cadre__user=user)


def can_vet(user, pledge: Pledge) -> bool:
    return vettable_pledges(user).filter(pk=pledge.pk).exists()


def pending_vetting(user):
    """The pledges waiting for `user`'s vetting, oldest submission first."""
    return vettable_pledges(user).filter(status=Pledge.Status.SUBMITTED,
                                         published_on__isnull=True) \
        .select_related("cadre", "organization").order_by("submitted_at", "pk")


GRADE_ORDER = {value: n for n, value in enumerate(Pledge.Rating.values)}


def grade_sheet(organization, year: int) -> dict:
    """评议定级表: the organization's rated pledges of the year, best grade first, each with
    its reviews counted by kind and verdict, and the one-third cap's figures."""
    pledges = sorted(Pledge.objects.filter(organization=organization, year=year)
                     .exclude(rating="").select_related("cadre", "post"),
                     key=lambda p: (GRADE_ORDER[p.rating], p.cadre.code))
    summary = review_summary(pledges)
    kinds = PledgeReview.Kind.choices
    verdicts = PledgeReview.Verdict.choices
    rows = []
    for pledge in pledges:
        counts = summary.get(pledge.pk, {})
        rows.append({"pledge": pledge, "reviews": [
            "；".join(f"{label}{counts.get(kind, {}).get(value)}"
                     for value, label in verdicts if counts.get(kind, {}).get(value)) or "—"
            for kind, _ in kinds]})
    by_grade = {label: sum(1 for p in pledges if p.rating == value)
                for value, label in Pledge.Rating.choices}
    unrated = Pledge.objects.filter(organization=organization, year=year, rating="",
                                    published_on__isnull=False).count()
    return {"rows": rows, "kinds": [label for _, label in kinds], "by_grade": by_grade,
            "rated": len(pledges), "unrated": unrated}


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    last = (dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)) \
        - dt.timedelta(days=1)
    return first, last


def feedback_letter(registration, year: int, quarter: int) -> dict:
    """The community's quarterly feedback letter to a registered member's employer: the
    member's service there in the quarter, with hours."""
    first, last = quarter_bounds(year, quarter)
    signups = list(ServiceSignup.objects.filter(
        cadre=registration.cadre_id, activity__community=registration.community_id,
        activity__date__range=(first, last)).select_related("activity")
        .order_by("activity__date", "pk"))
    employers = Organization.objects.filter(
        pk__in=Position.objects.filter(active_on_q(last), cadre=registration.cadre_id)
        .values("organization")).exclude(type=Organization.Type.COMMUNITY).order_by("code")
    return {"first": first, "last": last, "signups": signups,
            "hours": sum((s.hours or 0) for s in signups),
            "employers": list(employers)}
