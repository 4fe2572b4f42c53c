"""The systems pages keep their figures between requests (supervision.section_figures, #16):
computed on the first view, shown again until a write commits, then recomputed in the
background while the page shows the kept ones, marked as being updated."""

import datetime as dt
import io
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from contactpoints.models import Visit
from liaison.compliance.engine import Window
from liaison.models import RoleGrant
from liaison.sections import SECTIONS
from liaison.services import record_delete
from supervision import section_figures

YEAR = {"year": 2025, "as_of": "2025-12-31"}
WINDOW = Window(2025, dt.date(2025, 12, 31))
URL = reverse("supervision:section", kwargs={"name": "contactpoints"})


def visits_shown(client):
    response = client.get(URL, YEAR)
    assert response.status_code == 200
    return response.context["figures"]["totals"]["visits"], response.context["stale"]


def delete_a_visit(people, capture):
    with capture(execute=True):
        record_delete(instance=Visit.objects.filter(start_date__year=2025).first(),
                      acting_user=people.org_dept)


def test_the_first_view_counts_and_the_next_one_reads_the_kept_figures(client, people,
                                                                         example):
    client.force_login(people.org_dept)
    assert visits_shown(client) == (9, False)
    # Changed behind the services' back (no write signal): the kept figures are shown.
    Visit.objects.filter(pk=Visit.objects.filter(start_date__year=2025).first().pk).delete()
    assert visits_shown(client) == (9, False)
    page = client.get(URL, YEAR).content.decode()
    assert "统计于" in page and "正在后台重新统计" not in page


def test_a_committed_write_recounts_the_page(client, people, example,
                                             django_capture_on_commit_callbacks):
    client.force_login(people.org_dept)
    assert visits_shown(client) == (9, False)
    delete_a_visit(people, django_capture_on_commit_callbacks)
    # In tests the background job runs inline, so the page already shows the new count.
    assert visits_shown(client) == (8, False)


def test_while_the_worker_recounts_the_page_shows_the_kept_figures_marked(
        client, people, example, django_capture_on_commit_callbacks):
    client.force_login(people.org_dept)
    visits_shown(client)
    delete_a_visit(people, django_capture_on_commit_callbacks)
    with mock.patch("supervision.services.run_in_background") as started:
        assert visits_shown(client) == (9, True)
        assert "正在后台重新统计" in client.get(URL, YEAR).content.decode()
    assert started.call_count == 1  # one recomputation per page at a time
    name, user_id, year, as_of, unit_id = started.call_args.args[1:]
    section_figures.refresh(name, user_id, year, as_of, unit_id)
    assert visits_shown(client) == (8, False)


def test_each_reader_unit_and_date_has_its_own_figures(client, people, example):
    client.force_login(people.east_admin)
    assert visits_shown(client) == (2, False)  # 赵丽's two household visits only
    client.force_login(people.org_dept)
    assert visits_shown(client) == (9, False)
    earlier = client.get(URL, {"year": 2025, "as_of": "2025-01-31"}).context["figures"]
    assert earlier["totals"]["visits"] < 9


def test_a_reader_who_lost_the_role_gets_nothing_recomputed(people, example):
    section = SECTIONS["contactpoints"]
    section_figures.compute(section, people.org_dept, WINDOW, None)
    RoleGrant.objects.filter(user=people.org_dept).delete()
    section_figures.refresh("contactpoints", people.org_dept.pk, 2025, "2025-12-31", None)
    assert section_figures.kept(section, people.org_dept, WINDOW, None) is None


def test_the_export_counts_afresh_and_lists_what_is_not_kept(client, people, example):
    client.force_login(people.org_dept)
    petitions = reverse("supervision:section", kwargs={"name": "petitions"})
    kept = client.get(petitions, YEAR).context["figures"]
    assert "overdue_all" not in kept  # a QuerySet, for the export only
    assert visits_shown(client) == (9, False)
    Visit.objects.filter(start_date__year=2025).delete()
    export = client.get(URL, {**YEAR, "export": "1"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    counts = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert counts and set(counts) == {0}
    assert visits_shown(client) == (9, False)  # the page still shows what it kept


def test_a_record_saved_outside_the_ledger_services_outdates_the_figures(
        people, example, django_capture_on_commit_callbacks):
    """Any record saved through the ORM advances the generation, not only through the
    ledgers' services (a talk's confirmation, say, changes the talks page's waiting count)."""
    before = section_figures.generation()
    with django_capture_on_commit_callbacks(execute=True):
        visit = Visit.objects.filter(start_date__year=2025).first()
        visit.problems_raised = "路灯不亮"
        visit.save()
    after = section_figures.generation()
    assert after > before
    with django_capture_on_commit_callbacks(execute=True):
        people.org_dept.save()  # a login stamps the user: no figure changes
    assert section_figures.generation() == after


def test_figures_older_than_the_max_age_are_recounted(client, people, example):
    client.force_login(people.org_dept)
    visits_shown(client)
    Visit.objects.filter(pk=Visit.objects.filter(start_date__year=2025).first().pk).delete()
    later = section_figures.timezone.now() + section_figures.MAX_AGE + dt.timedelta(minutes=1)
    with mock.patch("supervision.section_figures.timezone.now", return_value=later):
        assert visits_shown(client) == (8, False)


def test_a_generation_counter_evicted_from_the_cache_outdates_the_figures(client, people,
                                                                         example):
    from django.core.cache import cache

    section_figures.advance_generation()
    client.force_login(people.org_dept)
    visits_shown(client)
    Visit.objects.filter(pk=Visit.objects.filter(start_date__year=2025).first().pk).delete()
    cache.delete(section_figures.GENERATION_KEY)  # evicted: the counter starts again at 0
    assert visits_shown(client) == (8, False)


def test_a_first_count_that_takes_long_shows_progress_and_reloads(client, people, example):
    client.force_login(people.org_dept)
    with mock.patch("supervision.services.run_in_background") as started, \
            mock.patch.object(section_figures, "FIRST_WAIT_SECONDS", 0.2):
        page = client.get(URL, YEAR)
    assert page.context["counting"] and page.context["figures"] is None
    body = page.content.decode()
    assert "正在统计" in body and 'http-equiv="refresh"' in body
    section_figures.refresh(*started.call_args.args[1:])  # the worker's job
    page = client.get(URL, YEAR)
    assert page.context["figures"]["totals"]["visits"] == 9
    assert 'http-equiv="refresh"' not in page.content.decode()


def test_a_count_that_failed_says_so_instead_of_waiting(client, people, example):
    client.force_login(people.org_dept)
    broken = mock.patch.object(section_figures, "compute",
                               side_effect=RuntimeError("数据库连接中断"))
    with mock.patch("supervision.services.run_in_background") as started, broken, \
            mock.patch.object(section_figures, "FIRST_WAIT_SECONDS", 0.2):
        client.get(URL, YEAR)
        with pytest.raises(RuntimeError):  # raised on: the worker logs it
            section_figures.refresh(*started.call_args.args[1:])
        page = client.get(URL, YEAR)
    assert page.context["failed"] and not page.context["counting"]
    assert "统计时出错" in page.content.decode()
    assert started.call_count == 1  # not started again while the failure is shown
