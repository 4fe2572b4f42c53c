"""End to end through a real Celery worker and Redis, as in production."""

import io
import os
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command

from config.celery import app
from supervision import services
from supervision.models import ComplianceRun
from tests.supervision.conftest import KINDS, YEAR_END, example_rows

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_worker():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis is not running at {REDIS_URL} (CI always runs this test)")
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    forget_connections()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        app.conf.update(saved)
        forget_connections()


def forget_connections():
    """Drop pooled broker connections made under the other settings (the in-memory broker)."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_run_requested_from_the_web_is_computed_by_the_worker(redis_worker, example_dir):
    for kind in KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"), stdout=io.StringIO())
    run = services.compliance_run_request(year=2025, as_of=YEAR_END)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status not in ("pending", "running"):
            break
        time.sleep(0.2)
    assert (run.status, run.row_count, run.progress) == ("done", example_rows(), 100), run.error
    # Exactly this run for 2025 (the imports' fresh-figures runs are of the current year).
    assert ComplianceRun.objects.filter(year=2025, status="done").count() == 1
