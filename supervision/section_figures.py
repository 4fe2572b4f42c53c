"""The systems pages' figures, kept between requests (#16).

A systems page (liaison.sections) aggregates the year's ledger through the reader's scope; at a
city's scale (N=100) that takes seconds to tens of seconds. So a page's figures are computed
once per reader, year, as-of date and unit, and kept in the shared cache with the ledger
generation they saw. Every committed write advances the generation (supervision.signals). A
page whose kept figures are older than the generation, or than MAX_AGE, shows them marked as
being updated, with the time they were computed, while a background job recomputes them, as
the dashboard shows the last finished run while the next one works. A page never computed
before is counted by the same job: the request waits FIRST_WAIT_SECONDS for it (a district's
page is done by then), then shows that it is counting and reloads itself.
"""

from __future__ import annotations

import datetime as dt
import pickle
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

GENERATION_KEY = "section-figures:generation"
# Kept a day: past MAX_AGE they only stand in while a count works. At N=100 a page's figures
# and table are about 1 MB, kept compressed (about a tenth).
KEEP_SECONDS = 24 * 60 * 60
MAX_AGE = dt.timedelta(minutes=15)
FIRST_WAIT_SECONDS = 2.0  # a first request waits this long for its count, then shows progress
FAILED_SECONDS = 5 * 60


@dataclass(frozen=True)
class Snapshot:
    figures: dict
    html: str  # the section's template rendered with them: at N=100, thousands of rows
    computed_at: dt.datetime
    generation: int


@dataclass(frozen=True)
class Shown:
    """What a page shows: the kept figures, and whether newer records are still being
    counted (`stale`: the figures were computed before the latest write). Without figures
    (None), the first count is still working, or `failed`."""

    figures: dict | None
    html: str = ""
    computed_at: dt.datetime | None = None
    stale: bool = False
    failed: bool = False


def generation() -> int:
    return cache.get(GENERATION_KEY) or 0


def advance_generation() -> None:
    """After a write committed: every kept figure is older than it."""
    cache.add(GENERATION_KEY, 0, timeout=None)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between the two calls
        cache.set(GENERATION_KEY, 1, timeout=None)


def _key(name: str, user_id: int, window, unit_id: int | None) -> str:
    # v1: Snapshot's fields; a deploy that changes them changes the version
    return (f"section-figures:v1:{name}:{user_id}:{window.year}:{window.as_of:%Y%m%d}:"
            f"{unit_id or 0}")


def compute(section, user, window, unit) -> Snapshot:
    """Compute and keep a page's figures. The generation is read first: a write committed
    while they are counted leaves them stale. A figure left as a QuerySet is for the Excel
    export, which computes afresh; it is not kept."""
    from django.template.loader import render_to_string

    seen = generation()
    figures = {name: value for name, value in section.figures(user, window, unit).items()
               if not isinstance(value, QuerySet)}
    html = render_to_string(section.template_name,
                            {"f": figures, "window": window, "unit": unit})
    snapshot = Snapshot(figures, html, timezone.now(), seen)
    cache.set(_key(section.name, user.pk, window, unit and unit.pk),
              zlib.compress(pickle.dumps(snapshot)), KEEP_SECONDS)
    return snapshot


def kept(section, user, window, unit) -> Snapshot | None:
    stored = cache.get(_key(section.name, user.pk, window, unit and unit.pk))
    return None if stored is None else pickle.loads(zlib.decompress(stored))  # noqa: S301


def claim_refresh(section, user, window, unit) -> bool:
    """One recomputation per page at a time; the claim outlives a lost worker's job."""
    key = _key(section.name, user.pk, window, unit and unit.pk)
    return cache.add(f"{key}:refreshing", True, settings.JOB_TIME_LIMIT_SECONDS)


def outdated(snapshot: Snapshot) -> bool:
    """Older than a committed write (another generation: the counter itself may have been
    evicted and started again), or than MAX_AGE: a bulk update that sends no signal (the
    petitions' due dates moved by the working calendar) is counted within it."""
    return snapshot.generation != generation() or \
        timezone.now() - snapshot.computed_at > MAX_AGE


def refresh(name: str, user_id: int, year: int, as_of: str, unit_id: int | None) -> None:
    """The background job: recompute one page's figures for its reader (who may have lost the
    right to read them meanwhile: then nothing is kept)."""
    from liaison.compliance.engine import Window
    from liaison.models import Organization, User
    from liaison.permissions import VIEW, has_role
    from liaison.sections import SECTIONS

    window = Window(year, dt.date.fromisoformat(as_of))
    key = _key(name, user_id, window, unit_id)
    try:
        section = SECTIONS[name]
        user = User.objects.filter(pk=user_id, is_active=True).first()
        unit = None
        if unit_id is not None:
            unit = Organization.objects.restrict(user, VIEW).filter(pk=unit_id).first() \
                if user else None
        if user is None or not has_role(user, *section.roles) or (unit_id and unit is None):
            cache.delete(key)
            return
        compute(section, user, window, unit)
    except Exception:
        # The page says so instead of waiting for ever; it tries again once this expires.
        cache.set(f"{key}:failed", True, FAILED_SECONDS)
        raise
    finally:
        cache.delete(f"{key}:refreshing")


def failed(section, user, window, unit) -> bool:
    return bool(cache.get(f"{_key(section.name, user.pk, window, unit and unit.pk)}:failed"))
