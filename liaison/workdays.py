"""The working calendar (spec/petitions.md §1): which days are worked, and deadlines that roll
over rest days. Deadlines of petitions and opinions are counted here.

    calendar = WorkingCalendar.load()
    calendar.due(dt.date(2025, 9, 20), 15)   # 2025-10-09: 10-05 .. 10-08 are 休

A calendar object reads the table once; build one per request, command or batch.
"""

from __future__ import annotations

import datetime as dt

from django.dispatch import Signal

# Sent once after the calendar table changed (an import, an edit): apps that store deadlines
# computed on it recompute them.
calendar_changed = Signal()

ONE_DAY = dt.timedelta(days=1)
REST, WORK = "rest", "work"


class WorkingCalendar:
    def __init__(self, days: dict[dt.date, str]):
        self.days = days  # date -> REST or WORK, as the table lists it
        self.years = {day.year for day in days}

    @classmethod
    def load(cls) -> WorkingCalendar:
        from liaison.models import CalendarDay

        return cls(dict(CalendarDay.objects.values_list("date", "kind")))

    def is_working_day(self, day: dt.date) -> bool:
        listed = self.days.get(day)
        if listed is not None:
            return listed == WORK
        return day.weekday() < 5

    def roll(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def due(self, start: dt.date, days: int) -> dt.date:
        """The deadline `days` calendar days after `start` (the start not counted), moved to
        the next working day when it falls on a rest day."""
        return self.roll(start + dt.timedelta(days=days))

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day`."""
        while n > 0:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_until(self, today: dt.date, due: dt.date) -> int:
        """Working days after `today` up to and including `due` (0 when due today)."""
        count, day = 0, today
        while day < due:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def covers(self, day: dt.date) -> bool:
        """Whether the table has the year of `day`; a year without any row knows only weekends,
        and a deadline in it is shown with a warning."""
        return day.year in self.years


def official_days() -> list[tuple[dt.date, str, str]]:
    """(date, kind, name) of every statutory rest day and make-up working day the
    chinese-calendar package knows."""
    import chinese_calendar

    rows = [(day, REST, _holiday_name(name)) for day, name in chinese_calendar.holidays.items()]
    rows += [(day, WORK, f"{_holiday_name(name)}调休上班".strip())
             for day, name in chinese_calendar.workdays.items()]
    return sorted(rows)


HOLIDAY_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                 "Labour Day": "劳动节", "Dragon Boat Festival": "端午节",
                 "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
                 "Anti-Fascist 70th Day": "抗战胜利70周年纪念日"}


def _holiday_name(name) -> str:
    return HOLIDAY_NAMES.get(name, name or "")


AMBER_WORKING_DAYS = 3  # ≤ 3 working days left: amber; overdue: red


def due_mark(due, today, calendar) -> tuple[str, str]:
    """(level, words) of a running clock: red overdue, amber ≤ 3 working days, else green.
    The words say it too: status never by colour alone."""
    if due is None:
        return "", ""
    if due < today:
        return "danger", f"已逾期 {(today - due).days} 天"
    left = calendar.working_days_until(today, due)
    if left <= AMBER_WORKING_DAYS:
        return "warning", f"剩 {left} 个工作日"
    return "success", f"剩 {(due - today).days} 天"
