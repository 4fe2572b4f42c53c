"""Cases as they stand today, computed by the database from the stored dates and due dates
(the same rules as petitions.clocks.state_at, which the command and the case page use)."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from petitions.models import Petition, clock_running_q

D = Petition.Decision


def handling_due_at(as_of: dt.date) -> Case:
    """The handling clock's due date at A, in SQL: the extension counts once it was granted
    on or before A (petitions.clocks.handling_due_at for one case)."""
    return Case(
        When(Q(handling_due_extended__isnull=False, extension_granted_on__lte=as_of),
             then=F("handling_due_extended")),
        default=F("handling_due"), output_field=DateField())


def with_stage(cases: QuerySet, today: dt.date) -> QuerySet:
    """Annotate `stage` and `current_due` (the due date of the clock running now, if any)."""
    handling_due = handling_due_at(today)
    stage = Case(
        When(re_review_decided_on__isnull=False, then=Value("final")),
        When(re_review_requested_on__isnull=False, then=Value("re_reviewing")),
        When(review_decided_on__isnull=False, then=Value("reviewed")),
        When(review_requested_on__isnull=False, then=Value("reviewing")),
        When(replied_on__isnull=False, then=Value("replied")),
        When(decision=D.ACCEPTED, then=Value("handling")),
        When(decision=D.NOT_ACCEPTED, then=Value("not_accepted")),
        When(decision=D.TRANSFERRED, then=Value("transferred")),
        default=Value("pending_decision"), output_field=CharField())
    # The same order of steps as `stage`, flat: a CASE over the stage's CASE evaluated that one
    # up to four times a row, which dominated the overdue list at N=10 (bench/RESULTS.md).
    no_clock = Value(None, output_field=DateField())
    current_due = Case(
        When(re_review_decided_on__isnull=False, then=no_clock),
        When(re_review_requested_on__isnull=False, then=F("re_review_due")),
        When(review_decided_on__isnull=False, then=no_clock),
        When(review_requested_on__isnull=False, then=F("review_due")),
        When(replied_on__isnull=False, then=no_clock),
        When(decision=D.ACCEPTED, then=handling_due),
        When(decision__in=[D.NOT_ACCEPTED, D.TRANSFERRED], then=no_clock),
        default=F("decision_due"), output_field=DateField())
    return cases.annotate(stage=stage).annotate(current_due=current_due)


def overdue_q(today: dt.date) -> Q:
    """Running clocks due before today (on a queryset `with_stage`)."""
    return clock_running_q() & Q(current_due__lt=today)


def due_soon_q(today: dt.date, last_amber_day: dt.date) -> Q:
    """Running clocks due from today to the last amber day (3 working days ahead)."""
    return clock_running_q() & Q(current_due__gte=today, current_due__lte=last_amber_day)


REPEAT_WINDOW = dt.timedelta(days=365)


def repeat_q() -> Q:
    """In SQL, for a queryset of cases: another case of the same ID number or phone within
    12 months before or after (repeat_petitions for one case). Two EXISTS, one per key, so
    that each uses its index."""
    def other(key: str):
        return Exists(Petition.objects.filter(
            **{key: OuterRef(key)}, received_on__gte=OuterRef("received_on") - REPEAT_WINDOW,
            received_on__lte=OuterRef("received_on") + REPEAT_WINDOW).exclude(pk=OuterRef("pk")))

    return (~Q(petitioner_id_number="") & Q(other("petitioner_id_number"))) | (
        ~Q(petitioner_phone="") & Q(other("petitioner_phone")))


def repeat_petitions(case: Petition) -> QuerySet:
    """Cases of the same ID number or phone within 12 months before or after (重复访)."""
    keys = Q()
    if case.petitioner_id_number:
        keys |= Q(petitioner_id_number=case.petitioner_id_number)
    if case.petitioner_phone:
        keys |= Q(petitioner_phone=case.petitioner_phone)
    if not keys:
        return Petition.objects.none()
    return Petition.objects.filter(keys, received_on__range=(
        case.received_on - REPEAT_WINDOW, case.received_on + REPEAT_WINDOW)).exclude(pk=case.pk)
