"""Rate limits for the pages open without a login (the public opinion form): a count per key
in the shared cache (the database table or Redis), so that every worker sees the same."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def within_limit(key: str, limit: int, seconds: int) -> bool:
    """Count one more use of `key`; False once it was used more than `limit` times in the
    window that began with its first use."""
    cache_key = f"throttle:{key}"
    cache.add(cache_key, 0, seconds)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(cache_key, 1, seconds)
        used = 1
    return used <= limit


def client_address(request) -> str:
    """The socket's address, or behind a trusted proxy (BEHIND_PROXY) the address the proxy
    appended last: a client cannot spoof its way past the limits with a header of its own."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.BEHIND_PROXY else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
