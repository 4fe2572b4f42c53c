"""The reception rota as a month grid and as an iCalendar feed per leader (RFC 5545)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core import signing
from django.db.models import Q

from petitions.models import ReceptionDay

FEED_SALT = "petitions.reception-feed"


def feed_token(cadre_id: int) -> str:
    """The secret part of a leader's feed URL: calendar apps cannot log in, so the URL itself
    is the key (signed, so that it cannot be made up for another leader)."""
    return signing.dumps(cadre_id, salt=FEED_SALT, compress=True)


def feed_cadre(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=FEED_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 §3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    return "\r\n".join([*out, current])


def reception_feed(cadre_id: int, district: str, now: dt.datetime) -> str:
    """The leader's reception days (as A角 or B角) from a year ago on, all-day events."""
    since = now.date() - dt.timedelta(days=365)
    days = ReceptionDay.objects.filter(Q(host_id=cadre_id) | Q(substitute_id=cadre_id),
                                       date__gte=since).select_related("host").order_by("date")
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{district}//接访日//ZH",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(district)}接访日"]
    for day in days:
        role = "A角" if day.host_id == cadre_id else f"B角（A角 {day.host.name}）"
        lines += ["BEGIN:VEVENT", f"UID:reception-{day.pk}@liaison", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day.date:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{day.date + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_escape(f'接访日（{role}）· {day.get_mode_display()}')}"]
        if day.place:
            lines.append(f"LOCATION:{_escape(day.place)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def month_grid(year: int, month: int, days) -> list[list[tuple[dt.date | None, list]]]:
    """Weeks (Monday first) of (date or None outside the month, that date's reception days)."""
    by_date: dict[dt.date, list] = {}
    for day in days:
        by_date.setdefault(day.date, []).append(day)
    return [[(d if d.month == month else None, by_date.get(d, []) if d.month == month else [])
             for d in week] for week in calendar.Calendar().monthdatescalendar(year, month)]
