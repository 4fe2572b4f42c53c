"""Query-string values read by views that are not filter forms. A value that does not parse or
is out of range reads as absent, so a hand-edited or fuzzed URL shows the default page instead
of failing (filter forms ignore bad values the same way)."""

from __future__ import annotations

import datetime as dt

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger id would fail in the database
FIRST_YEAR = 2000


def id_param(value) -> int | None:
    """A primary key, or None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


def id_list(values, limit: int = 500) -> list[int]:
    """The valid ids among a list of query values (e.g. ?pk=1&pk=2), at most `limit`."""
    ids = [i for i in (id_param(v) for v in values) if i is not None]
    return ids[:limit]


def year_param(value, default: int, *, latest: int | None = None) -> int:
    """A year from FIRST_YEAR to `latest` (default: `default`), else `default`."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return year if FIRST_YEAR <= year <= (latest or default) else default


def month_param(value) -> dt.date | None:
    """The first day of a YYYY-MM month from FIRST_YEAR on, or None."""
    text = str(value or "")
    if len(text) != 7 or text[4] != "-":
        return None
    try:
        month = dt.date(int(text[:4]), int(text[5:]), 1)
    except ValueError:
        return None
    return month if FIRST_YEAR <= month.year <= 2100 else None


def date_param(value) -> dt.date | None:
    """An ISO date, or None."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
