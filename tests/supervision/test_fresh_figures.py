"""Fresh figures (#14 item 5): a saved record recomputes the year's figures in the background
on commit; the dashboard says when its figures were computed and what was saved since."""

import datetime as dt

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import Visit
from supervision import jobs
from supervision.models import ComplianceRun
from supervision.tasks import follow_up_if_written_meanwhile


def log_a_visit(client, tree, day):
    return client.post(reverse("contactpoints:household_visit_create"), {
        "cadre": tree.cadre_in.pk, "households": [tree.household_in.pk],
        "start_date": day.isoformat(), "end_date": ""})


def test_a_saved_visit_recomputes_this_years_figures(client, users, tree,
                                                     django_capture_on_commit_callbacks):
    today = timezone.localdate()
    client.force_login(users.cadre)
    with django_capture_on_commit_callbacks(execute=True):
        assert log_a_visit(client, tree, today).status_code == 302
    run = ComplianceRun.objects.get(year=today.year, as_of=today)
    assert run.status == "done", run.error


def test_a_write_during_a_run_gets_one_more_run_after_it(users, tree,
                                                         django_capture_on_commit_callbacks):
    today = timezone.localdate()
    working = jobs.compliance_run_create(year=today.year, as_of=today)
    ComplianceRun.objects.filter(pk=working.pk).update(status="running")
    from supervision.services import fresh_figures_request

    assert fresh_figures_request() is None  # the working run is left alone
    assert cache.get(jobs.dirty_key(today.year))
    working.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_if_written_meanwhile(working)
    assert ComplianceRun.objects.filter(year=today.year, status="done").count() == 1
    assert cache.get(jobs.dirty_key(today.year)) is None


def test_the_dashboard_says_how_many_records_were_saved_since(client, users, tree):
    run = jobs.compliance_run_create(year=2025, as_of=dt.date(2025, 12, 31))
    jobs.compliance_run_execute(run.pk)
    client.force_login(users.org_dept)
    url = reverse("supervision:dashboard")
    assert "此后没有新保存的记录" in client.get(url, {"year": 2025}).content.decode()
    Visit.objects.filter(pk=tree.visit_in.pk).update(updated_at=timezone.now()
                                                     + dt.timedelta(seconds=1))
    assert "此后新保存了 1 条记录" in client.get(url, {"year": 2025}).content.decode()
