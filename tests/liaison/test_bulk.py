"""liaison.bulk.bulk_insert (#16): COPY on PostgreSQL, bulk_create elsewhere; either way the
rows are stored with their ids set, their defaults and their auto_now_add stamps."""

import datetime as dt

import pytest

from liaison.bulk import bulk_insert, bulk_insert_values
from liaison.models import CalendarDay, Notification, User


def test_rows_are_stored_with_their_ids_and_values(db):
    days = bulk_insert(CalendarDay, [
        CalendarDay(date=dt.date(2031, 1, 1), kind=CalendarDay.Kind.REST, name="元旦"),
        CalendarDay(date=dt.date(2031, 1, 4), kind="work", name="")])
    assert all(day.pk for day in days) and days[0].pk != days[1].pk
    stored = {d.pk: (d.date, d.kind, d.name) for d in CalendarDay.objects.filter(
        pk__in=[day.pk for day in days])}
    assert stored == {days[0].pk: (dt.date(2031, 1, 1), "rest", "元旦"),
                      days[1].pk: (dt.date(2031, 1, 4), "work", "")}
    assert not days[0]._state.adding


def test_auto_now_add_stamps_and_later_inserts_take_new_ids(db):
    user = User.objects.create(username="bulk")
    first = bulk_insert(Notification, [Notification(user=user, text="甲", key="k1")])
    later = Notification.objects.create(user=user, text="乙", key="k2")
    assert later.pk > first[0].pk  # the sequence moved past the ids taken
    stored = Notification.objects.get(pk=first[0].pk)
    assert stored.created_at is not None and stored.read_at is None
    assert stored.user_id == user.pk and stored.text == "甲"


def test_nothing_to_insert(db):
    assert bulk_insert(CalendarDay, []) == []


def test_values_are_stored_with_new_ids_and_defaults(db):
    ids = bulk_insert_values(CalendarDay, [
        {"date": dt.date(2032, 1, 1), "kind": "rest", "name": "元旦"},
        {"date": dt.date(2032, 1, 3), "kind": "work"}])  # the name left to its default
    later = CalendarDay.objects.create(date=dt.date(2032, 1, 5), kind="work")
    assert len(set(ids)) == 2 and later.pk > max(ids)
    stored = {d.pk: (d.date, d.kind, d.name) for d in CalendarDay.objects.filter(pk__in=ids)}
    assert stored == {ids[0]: (dt.date(2032, 1, 1), "rest", "元旦"),
                      ids[1]: (dt.date(2032, 1, 3), "work", "")}
    assert bulk_insert_values(CalendarDay, []) == []


def test_date_times_are_stored_as_the_instants_they_name(db):
    """An aware date-time is written as it is, in any zone; a naive one is read in the
    district's zone, as a save() would read it (with Django's warning)."""
    user = User.objects.create(username="bulk-times")
    utc = dt.datetime(2031, 5, 1, 1, 30, tzinfo=dt.UTC)
    beijing = dt.datetime(2031, 5, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    naive = dt.datetime(2031, 5, 1, 9, 30)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        sent = bulk_insert(Notification, [
            Notification(user=user, text=str(n), key=f"t{n}", read_at=at)
            for n, at in enumerate([utc, beijing, naive])])
    stored = [Notification.objects.get(pk=n.pk).read_at for n in sent]
    assert stored == [utc, utc, utc]
