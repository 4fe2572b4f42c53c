"""Long work never blocks a page and never stays pending for ever (#14 item 4, #15 item 2)."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison import background
from supervision import jobs, services
from supervision.models import ComplianceRun, ReportFile
from supervision.tasks import compliance_run_task

YEAR_END = dt.date(2025, 12, 31)


def test_a_second_request_while_a_run_works_gets_the_same_run(users, tree):
    first = jobs.compliance_run_create(year=2025, as_of=YEAR_END, acting_user=users.org_dept)
    count = ComplianceRun.objects.count()
    again = services.compliance_run_request(year=2025, as_of=YEAR_END,
                                            acting_user=users.org_dept)
    assert again.pk == first.pk and ComplianceRun.objects.count() == count


def test_a_second_bulletin_request_while_one_is_built_gets_the_same_file(users, tree):
    window = jobs.Window(2025, YEAR_END)
    first = services.bulletin_request(window=window, acting_user=users.inspector)
    ReportFile.objects.filter(pk=first.pk).update(status=ReportFile.Status.PENDING)
    again = services.bulletin_request(window=window, acting_user=users.inspector)
    assert again.pk == first.pk


def test_a_lost_run_is_failed_after_the_time_limit_and_a_new_one_can_start(users, tree,
                                                                          settings):
    lost = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    ComplianceRun.objects.filter(pk=lost.pk).update(
        status="running", requested_at=timezone.now() - dt.timedelta(
            seconds=settings.JOB_TIME_LIMIT_SECONDS + 1))
    run = services.compliance_run_request(year=2025, as_of=YEAR_END)
    lost.refresh_from_db()
    assert lost.status == "failed" and "重新发起" in lost.error
    assert run.pk != lost.pk


def test_the_progress_page_reports_its_state_as_json(client, users, tree):
    run = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    client.force_login(users.org_dept)
    page = client.get(reverse("supervision:run_detail", args=[run.pk]))
    assert 'data-job-status="?format=json"' in page.content.decode()
    assert "http-equiv=\"refresh\"" not in page.content.decode()  # updates in place
    state = client.get(reverse("supervision:run_detail", args=[run.pk]), {"format": "json"})
    assert state.json() | {"id": 0} == {"id": 0, "status": "pending", "status_label": "排队中",
                                        "progress": 0, "rows": 0, "finished": False,
                                        "error": ""}


def test_with_the_broker_down_enqueueing_falls_back_to_the_web_process(settings, tree):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.BACKGROUND_THREADS = False
    calls = []

    class DownBroker:
        name = "probe"

        def apply_async(self, args, retry):
            raise ConnectionRefusedError("redis down")

        def apply(self, args):
            calls.append(args)

    assert background.run_in_background(DownBroker(), 7) == "inline"
    assert calls == [(7,)]


@pytest.mark.background_threads
@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_run_works_in_a_thread_while_the_request_returns(users, tree):
    run = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    assert background.run_in_background(compliance_run_task, run.pk) == "thread"
    for _ in range(200):
        run.refresh_from_db()
        if run.status not in ("pending", "running"):
            break
        time.sleep(0.05)
    assert run.status == "done", run.error
