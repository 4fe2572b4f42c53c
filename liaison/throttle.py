"""Rate limits for the pages open without a login (the public opinion form, the pledge
review): a count per key in the database, which every worker sees.

The count is an atomic UPDATE ... SET used = used + 1 inside a transaction (the row stays
locked until it commits): the cache's incr, which the database cache does as a read and a
write, let concurrent requests both take the last use (bench/load.py saw 7 opinions through a
limit of 5)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone


def within_limit(key: str, limit: int, seconds: int) -> bool:
    """Count one more use of `key`; False once it was used more than `limit` times in the
    window that began with its first use."""
    from liaison.models import ThrottleCount

    now = timezone.now()
    end = now + dt.timedelta(seconds=seconds)
    rows = ThrottleCount.objects.filter(key=key)
    for _ in range(3):
        with transaction.atomic():
            if rows.filter(window_end__gt=now).update(used=F("used") + 1):
                return rows.values_list("used", flat=True).get() <= limit
            # No row, or its window is over: a new window, unless a concurrent request has
            # just opened one (then count again in it).
            if rows.filter(window_end__lte=now).update(window_end=end, used=1):
                return 1 <= limit
            try:
                with transaction.atomic():
                    ThrottleCount.objects.create(key=key, window_end=end, used=1)
            except IntegrityError:
                continue
            # Windows long over are not needed any more.
            ThrottleCount.objects.filter(window_end__lt=now - dt.timedelta(days=1)).delete()
            return 1 <= limit
    return False


def client_address(request) -> str:
    """The socket's address, or behind a trusted proxy (BEHIND_PROXY) the address the proxy
    appended last: a client cannot spoof its way past the limits with a header of its own."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.BEHIND_PROXY else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
