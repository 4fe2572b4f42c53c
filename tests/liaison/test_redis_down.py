"""Redis is an accelerator, never a single point of failure (#15 item 2): with Redis pointed at
a closed port, logins work and lockouts still count, in a store every worker process shares."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "liaison.cache.FailoverCache",
                                   "LOCATION": CLOSED_PORT}}
    yield
    cache.clear()


def login(client, username, password):
    return client.post(reverse("account_login"), {"login": username, "password": password})


def test_without_redis_the_cache_is_the_shared_database_table(settings, db):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")


def test_a_cadre_logs_in_while_redis_is_down(client, users, redis_down):
    response = login(client, "ganbu", PASSWORD)
    assert response.status_code == 302
    assert not response["Location"].startswith(reverse("account_login"))
    assert cache.redis_down_until > 0  # it tried Redis, then used the database


def test_the_lockout_still_counts_while_redis_is_down(client, users, redis_down):
    for _ in range(5):
        assert login(client, "ganbu", "wrong-password").status_code == 200
    refused = login(client, "ganbu", PASSWORD)
    assert refused.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_values_written_while_redis_is_down_are_read_back(db, redis_down):
    cache.set("lockout-probe", 3)
    assert cache.get("lockout-probe") == 3
    assert cache.incr("lockout-probe") == 4
