"""The working calendar and deadlines of spec/petitions.md §1, worked out by hand."""

import datetime as dt

import pytest

from liaison.imports import import_file
from liaison.models import CalendarDay
from liaison.workdays import WorkingCalendar

D = dt.date


@pytest.fixture
def calendar(db):
    return WorkingCalendar.load()


def test_installation_fills_the_official_days_of_every_known_year(db):
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).kind == "rest"
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=D(2025, 10, 11)).kind == "work"  # a Saturday worked
    assert CalendarDay.objects.filter(date__year=2004).exists()


def test_the_examples_of_the_spec(calendar):
    # Received Friday 2025-09-26: 10-11 is a Saturday listed 班, so it is the due date.
    assert calendar.due(D(2025, 9, 26), 15) == D(2025, 10, 11)
    # Received 2025-09-20: 10-05 is 休, and so are 10-06 .. 10-08.
    assert calendar.due(D(2025, 9, 20), 15) == D(2025, 10, 9)


def test_a_plain_weekend_rolls_to_monday_and_a_working_day_stays(calendar):
    assert calendar.due(D(2025, 12, 5), 15) == D(2025, 12, 22)  # Saturday 12-20 → Monday
    assert calendar.roll(D(2025, 6, 3)) == D(2025, 6, 3)


def test_a_year_without_rows_knows_only_weekends_and_is_flagged(db):
    calendar = WorkingCalendar({})
    assert calendar.due(D(2030, 9, 30), 1) == D(2030, 10, 1)  # no holiday known
    assert not calendar.covers(D(2030, 10, 1))
    assert WorkingCalendar.load().covers(D(2025, 1, 1))


def test_an_imported_row_replaces_the_row_of_its_date(db):
    outcome = import_file(kind="calendar", filename="c.csv", content=(
        "日期,类型,名称\n2025-10-11,休,改为休息\n2031-01-01,休,元旦\n").encode())
    assert outcome.ok, outcome.errors
    assert (outcome.new, outcome.updated) == (1, 1)
    assert CalendarDay.objects.get(date=D(2025, 10, 11)).kind == "rest"
    assert WorkingCalendar.load().due(D(2025, 9, 26), 15) == D(2025, 10, 13)


def test_bad_calendar_rows_are_named_with_row_and_column(db):
    outcome = import_file(kind="calendar", filename="c.csv", content=(
        "日期,类型,名称\n2025-13-45,休,\n2025-05-01,假,\n").encode())
    assert outcome.errors == ["第2行 「日期」: 「2025-13-45」不是真实存在的日期",
                              "第3行 「类型」: 「假」不是有效值，应为 休、班 之一"]
