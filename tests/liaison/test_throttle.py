"""The public pages' rate limit (liaison.throttle): exact, also under concurrent requests."""

import datetime as dt

import pytest
from django.utils import timezone

from liaison.models import ThrottleCount
from liaison.throttle import within_limit
from tests.liaison.test_concurrency import run_together


def test_it_allows_the_limit_then_refuses(db):
    assert [within_limit("opinion:10.0.0.1", 3, 3600) for _ in range(5)] == [
        True, True, True, False, False]
    assert within_limit("opinion:10.0.0.2", 3, 3600)  # another address has its own count


def test_a_new_window_starts_when_the_last_is_over(db):
    for _ in range(4):
        within_limit("k", 3, 3600)
    assert not within_limit("k", 3, 3600)
    ThrottleCount.objects.filter(key="k").update(
        window_end=timezone.now() - dt.timedelta(seconds=1))
    assert within_limit("k", 3, 3600)
    assert ThrottleCount.objects.get(key="k").used == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_pass_more_than_the_limit():
    # bench/load.py saw 7 of 20 concurrent opinions through a limit of 5 with cache.incr.
    results = run_together(*[lambda: within_limit("opinion:flood", 5, 3600)] * 12)
    assert results.count(True) == 5 and results.count(False) == 7
    assert ThrottleCount.objects.get(key="opinion:flood").used == 12
