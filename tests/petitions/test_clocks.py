"""The clocks, stages and roll-overs of spec/petitions.md §1, §4 and §5, worked out by hand."""

import datetime as dt

import pytest
from django.db.models import Q

from liaison.workdays import WorkingCalendar
from petitions.clocks import refresh_dues, state_at
from petitions.models import Petition

D = dt.date


@pytest.fixture
def calendar(db):
    return WorkingCalendar.load()  # the official 2024–2026 days, filled at installation


def case(calendar, **dates) -> Petition:
    petition = Petition(code="XF1", received_on=dates.pop("received_on", D(2025, 9, 26)),
                        **dates)
    refresh_dues(petition, calendar)
    return petition


def test_a_decision_due_on_a_make_up_working_day_stays_there(calendar):
    petition = case(calendar, received_on=D(2025, 9, 26))
    assert petition.decision_due == D(2025, 10, 11)  # Saturday, listed 班
    state = state_at(petition, D(2025, 10, 1))
    assert (state.stage, state.due_on, state.days_left) == ("pending_decision", D(2025, 10, 11),
                                                            10)
    assert state.clocks == {"decision": None}  # open


def test_a_decision_due_in_the_national_day_holiday_rolls_to_the_first_working_day(calendar):
    petition = case(calendar, received_on=D(2025, 9, 20))
    assert petition.decision_due == D(2025, 10, 9)
    assert state_at(petition, D(2025, 10, 9)).clocks == {"decision": None}  # due on A: open
    assert state_at(petition, D(2025, 10, 10)).clocks == {"decision": 0}  # overdue


def test_a_decision_on_its_due_day_is_on_time_and_a_day_later_is_late(calendar):
    on_time = case(calendar, received_on=D(2025, 9, 20), decision="not_accepted",
                   decided_on=D(2025, 10, 9))
    late = case(calendar, received_on=D(2025, 9, 20), decision="not_accepted",
                decided_on=D(2025, 10, 10))
    assert state_at(on_time, D(2025, 12, 31)).clocks == {"decision": 1}
    assert state_at(late, D(2025, 12, 31)).clocks == {"decision": 0}
    assert state_at(late, D(2025, 12, 31)).stage == "not_accepted"


def test_an_extension_counts_only_once_it_was_granted(calendar):
    petition = case(calendar, received_on=D(2025, 3, 3), decision="accepted",
                    decided_on=D(2025, 3, 14), extension_days=30,
                    extension_granted_on=D(2025, 5, 6))
    assert petition.handling_due == D(2025, 5, 13)  # 3-14 + 60
    assert petition.handling_due_extended == D(2025, 6, 12)  # 3-14 + 90
    before = state_at(petition, D(2025, 5, 5))  # the extension is granted after A
    assert (before.stage, before.due_on) == ("handling", D(2025, 5, 13))
    after = state_at(petition, D(2025, 5, 20))
    assert (after.due_on, after.clocks["handling"]) == (D(2025, 6, 12), None)


def test_events_after_the_as_of_date_do_not_exist_yet(calendar):
    petition = case(calendar, received_on=D(2025, 1, 6), decision="accepted",
                    decided_on=D(2025, 1, 10), replied_on=D(2025, 2, 20))
    assert state_at(petition, D(2025, 1, 5)) is None  # not yet received
    assert state_at(petition, D(2025, 1, 8)).stage == "pending_decision"
    assert state_at(petition, D(2025, 2, 1)).stage == "handling"
    assert state_at(petition, D(2025, 2, 20)).stage == "replied"


def test_a_review_requested_on_its_last_allowed_day_runs_its_own_clock(calendar):
    replied = D(2025, 6, 12)
    last_day = calendar.due(replied, 30)  # 07-12 is a Saturday: Monday 07-14
    assert last_day == D(2025, 7, 14)
    petition = case(calendar, received_on=D(2025, 3, 3), decision="accepted",
                    decided_on=D(2025, 3, 14), replied_on=replied,
                    review_requested_on=last_day, review_decided_on=D(2025, 8, 14),
                    re_review_requested_on=D(2025, 8, 20), re_review_decided_on=D(2025, 9, 30))
    assert petition.review_due == D(2025, 8, 13)
    state = state_at(petition, D(2025, 12, 31))
    assert state.stage == "final"
    assert state.clocks == {"decision": 1, "handling": 0, "review": 0, "re_review": 0}
    assert state_at(petition, D(2025, 8, 1)).stage == "reviewing"
    assert state_at(petition, D(2025, 8, 15)).stage == "reviewed"
    assert state_at(petition, D(2025, 9, 1)).stage == "re_reviewing"


def test_a_transferred_case_stops_its_clocks(calendar):
    petition = case(calendar, received_on=D(2025, 5, 6), decision="transferred",
                    decided_on=D(2025, 5, 30))
    state = state_at(petition, D(2025, 12, 31))
    assert (state.stage, state.due_on, state.clocks) == ("transferred", None, {"decision": 0})


def test_a_calendar_change_moves_the_stored_due_dates(roster, django_capture_on_commit_callbacks):
    from liaison.imports import import_file
    from liaison.models import Cadre, Organization
    from petitions.services import petition_save

    case = petition_save(case=Petition(
        code="XF1", received_on=D(2025, 9, 26), channel="visit", petitioner_name="钱某",
        summary="问题", handling_unit=Organization.objects.get(code="BSC01"),
        responsible=Cadre.objects.get(code="GB006")), acting_user=None)
    assert case.decision_due == D(2025, 10, 11)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = import_file(kind="calendar", filename="c.csv",
                              content="日期,类型,名称\n2025-10-11,休,改为休息\n".encode())
    assert outcome.ok
    case.refresh_from_db()
    assert case.decision_due == D(2025, 10, 13)


def test_the_overdue_and_due_soon_filters_read_only_running_clocks_and_miss_none(tree):
    """clock_running_q, which the overdue and due-soon filters add so that an index holds
    their cases, keeps every case whose clock runs: on cases at every stage, each filter
    finds at every as-of date exactly what the running clock's due date alone finds."""
    from petitions.models import clock_running_q
    from petitions.selectors import due_soon_q, overdue_q, with_stage

    calendar = WorkingCalendar.load()
    stages = {
        "pending": {},
        "accepted": {"decision": "accepted", "decided_on": D(2025, 3, 10)},
        "extended": {"decision": "accepted", "decided_on": D(2025, 3, 10), "extension_days": 20,
                     "extension_granted_on": D(2025, 4, 20)},
        "not_accepted": {"decision": "not_accepted", "decided_on": D(2025, 3, 10)},
        "transferred": {"decision": "transferred", "decided_on": D(2025, 3, 10)},
        "replied": {"decision": "accepted", "decided_on": D(2025, 3, 10),
                    "replied_on": D(2025, 4, 1)},
        "reviewing": {"decision": "accepted", "decided_on": D(2025, 3, 10),
                      "replied_on": D(2025, 4, 1), "review_requested_on": D(2025, 4, 10)},
        "reviewed": {"decision": "accepted", "decided_on": D(2025, 3, 10),
                     "replied_on": D(2025, 4, 1), "review_requested_on": D(2025, 4, 10),
                     "review_decided_on": D(2025, 5, 6)},
        "re_reviewing": {"decision": "accepted", "decided_on": D(2025, 3, 10),
                         "replied_on": D(2025, 4, 1), "review_requested_on": D(2025, 4, 10),
                         "review_decided_on": D(2025, 5, 6),
                         "re_review_requested_on": D(2025, 5, 20)},
        "final": {"decision": "accepted", "decided_on": D(2025, 3, 10),
                  "replied_on": D(2025, 4, 1), "review_requested_on": D(2025, 4, 10),
                  "review_decided_on": D(2025, 5, 6), "re_review_requested_on": D(2025, 5, 20),
                  "re_review_decided_on": D(2025, 6, 10)},
    }
    for n, dates in enumerate(stages.values()):
        petition = Petition(code=f"XF-S{n}", received_on=D(2025, 3, 3), channel="visit",
                            summary="问题", handling_unit=tree.community_in,
                            responsible=tree.cadre_in, **dates)
        refresh_dues(petition, calendar)
        petition.save()
    cases = Petition.objects.filter(code__startswith="XF-S")
    for as_of in (D(2025, 3, 1) + dt.timedelta(days=d) for d in range(0, 200, 3)):
        staged = with_stage(cases, as_of)

        def codes(q, staged=staged):
            return set(staged.filter(q).values_list("code", flat=True))

        assert codes(Q(current_due__isnull=False)) <= codes(clock_running_q())
        assert codes(overdue_q(as_of)) == codes(Q(current_due__lt=as_of))
        soon = as_of + dt.timedelta(days=5)
        assert codes(due_soon_q(as_of, soon)) == codes(Q(current_due__range=(as_of, soon)))
    staged = with_stage(cases, D(2025, 6, 1))
    assert set(staged.values_list("stage", flat=True)) == {
        "pending_decision", "handling", "not_accepted", "transferred", "replied", "reviewing",
        "reviewed", "re_reviewing", "final"}
