import io

import openpyxl
from django.urls import reverse

from supervision.models import ComplianceRun
from tests.supervision.conftest import example_rows

URL = reverse("supervision:dashboard")
YEAR = {"year": 2025, "as_of": "2025-12-31"}


def test_the_district_overview_shows_every_metric_and_its_run(client, people, published):
    client.force_login(people.org_dept)
    page = client.get(URL, YEAR)
    text = page.content.decode()
    assert f"第{published.pk}次计算" in text
    metrics = {r["metric"]: r for r in page.context["metrics"]}
    assert metrics["research_days"]["not_met"] == 4
    assert metrics["walkthrough"]["met"] == 3
    assert "<svg" in text and "三走遍" in text
    units = {r["unit"].code: r["total"] for r in page.context["units"]}
    # QD: its leaders' 8 rows of §2–§6 and 8 of §9 (reception_months, their talks, pledges
    # and registrations); BM02: its opinion analyses and GB005's talks, pledge, registration.
    assert units == {"QD": 16, "BSC01": 13, "BSC02": 4, "JJQ01": 3, "BM01": 8, "BM02": 6}


def test_without_results_it_offers_to_compute(client, people, example,
                                               django_capture_on_commit_callbacks):
    client.force_login(people.org_dept)
    assert "尚未计算" in client.get(URL, YEAR).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:run_create"), YEAR)
    run = ComplianceRun.objects.get()
    assert response["Location"] == reverse("supervision:run_detail", args=[run.pk])
    progress = client.get(reverse("supervision:run_detail", args=[run.pk]), {"format": "json"})
    assert progress.json() == {"id": run.pk, "status": "done", "progress": 100,
                               "rows": example_rows(), "status_label": "已完成",
                               "finished": True, "error": ""}
    assert "尚未计算" not in client.get(URL, YEAR).content.decode()


def test_inspectors_read_but_cannot_start_a_computation(client, people, published):
    client.force_login(people.inspector)
    assert client.get(URL, YEAR).status_code == 200
    assert client.post(reverse("supervision:run_create"), YEAR).status_code == 403


def test_drilling_down_to_a_unit_shows_its_subtree(client, people, published):
    client.force_login(people.org_dept)
    east = published.results.get(subject_code="BSC01", metric="leader_coverage").organization
    page = client.get(URL, {**YEAR, "unit": east.pk})
    codes = {r["unit"].code for r in page.context["units"]}
    assert codes == {"BSC01", "SQ0101", "SQ0102"}
    lagging = {r.subject_code for r, _ in page.context["lagging"]}
    assert lagging == {"SQ0102", "GB006", "GB004", "BSC01"}


def test_a_unit_admin_sees_only_the_units_subtree(client, people, published):
    client.force_login(people.unit_admin)
    page = client.get(URL, YEAR)
    assert {r["unit"].code for r in page.context["units"]} == {"BM01"}
    # GB003's 2 of §2–§6 and 3 of §9 (talks, pledge, registration); BM01's 2 and its analyses.
    assert sum(r["total"] for r in page.context["metrics"]) == 8
    east = published.results.get(subject_code="BSC01", metric="leader_coverage").organization
    assert client.get(URL, {**YEAR, "unit": east.pk}).status_code == 404


def test_the_dashboard_query_count_does_not_grow_with_the_data(
        client, people, published, django_assert_num_queries, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from liaison.models import Organization
    from tests.factories import CadreFactory, PositionFactory
    from tests.supervision.conftest import run_now

    client.force_login(people.org_dept)
    client.get(URL, YEAR)
    cache.clear()  # the first request after a run computes and renders the figures
    with django_assert_num_queries(COLD):
        client.get(URL, YEAR)
    with django_assert_num_queries(WARM):
        client.get(URL, YEAR)
    unit = Organization.objects.get(code="BM02")
    for _ in range(30):
        PositionFactory(cadre=CadreFactory(), organization=unit, category="section_cadre")

    run_now(django_capture_on_commit_callbacks, year=2025, as_of=published.as_of)
    with django_assert_num_queries(COLD):
        page = client.get(URL, YEAR)
    assert page.context["lagging_count"] > 40
    with django_assert_num_queries(WARM):
        client.get(URL, YEAR)


# 16 for the page and its figures, unread notices, overdue rectifications; the cache's read,
# and its write (the database cache: a count, a cull check, the write in a transaction)
COLD = 24
WARM = 13  # the figures' five aggregates and lists come from the cache


def test_cached_figures_are_kept_per_scope_and_per_run(
        client, people, published, django_capture_on_commit_callbacks):
    from tests.supervision.conftest import run_now

    client.force_login(people.org_dept)
    district = client.get(URL, YEAR).content.decode()
    client.force_login(people.unit_admin)  # the district's figures are cached: not for them
    page = client.get(URL, YEAR)
    assert {r["unit"].code for r in page.context["units"]} == {"BM01"}
    assert sum(r["total"] for r in page.context["metrics"]) == 8
    assert page.content.decode() != district

    client.force_login(people.org_dept)
    assert "metrics" not in client.get(URL, YEAR).context  # the run's figures, cached
    newer = run_now(django_capture_on_commit_callbacks, year=2025, as_of=published.as_of)
    page = client.get(URL, YEAR)
    assert f"第{newer.pk}次计算" in page.content.decode()
    assert "metrics" in page.context  # a new run is computed afresh, not served from the cache


def test_every_dashboard_table_exports_to_excel(client, people, published):
    client.force_login(people.org_dept)
    for table, header in [("metrics", "指标"), ("categories", "干部类别"), ("units", "单位")]:
        response = client.get(URL, {**YEAR, "export": table})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet["A1"].value == header


def test_the_lagging_list_filters_and_exports(client, people, published):
    client.force_login(people.org_dept)
    url = reverse("supervision:lagging")
    page = client.get(url, {**YEAR, "metric": "research_days"})
    assert {r.subject_code for r, _ in page.context["rows"]} == {"GB001", "GB002", "GB003",
                                                                  "GB006"}
    response = client.get(url, {**YEAR, "metric": "research_days", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["单位", "编码", "名称"]
    assert sheet.max_row == 5


def test_a_cadre_page_shows_their_rows(client, people, published):
    client.force_login(people.org_dept)
    cadre = published.results.get(subject_code="GB005", metric="household_visits")
    page = client.get(reverse("supervision:cadre_report", args=[cadre.subject_id]), YEAR)
    assert [(r.metric, r.actual) for r, _, _ in page.context["rows"]] == [
        ("community_registration", 0), ("household_visit_days", 1), ("household_visits", 2),
        ("masses_talks", 0), ("pledge_published", 0)]


def test_without_a_date_it_shows_the_years_latest_results(client, people, published):
    client.force_login(people.org_dept)
    page = client.get(URL, {"year": 2025})
    assert page.context["run"] == published
    assert page.context["window"].as_of == published.as_of
    assert "尚未计算" in client.get(URL, {"year": 2025, "as_of": "2025-06-30"}).content.decode()
