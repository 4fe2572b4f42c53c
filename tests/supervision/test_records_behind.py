"""A cadre's and a unit's report list the records behind each figure (#13): the number of
records listed is the figure, household heads are named masked, the page shows the first few
and the PDF every one."""

import datetime as dt

from django.urls import reverse

from liaison.compliance.engine import Window
from liaison.compliance.records import record_context, records_behind
from liaison.compliance.registry import RECORD_SOURCES
from supervision import views
from tests.supervision.test_reports import YEAR, pdf_text

WINDOW = Window(2025, dt.date(2025, 12, 31))


def test_the_records_listed_are_as_many_as_each_figure_counts(published):
    ctx = record_context(WINDOW)
    checked = set()
    for row in published.results.filter(metric__in=list(RECORD_SOURCES)):
        records = records_behind(ctx, row.metric, row.subject_id)
        assert records is not None
        if RECORD_SOURCES[row.metric].counts_records:
            assert records.total == len(records.rows) == row.actual, (row.subject_code,
                                                                      row.metric)
            checked.add(row.metric)
    # The example has figures of cadres and of units behind which the records are counted.
    assert {"research_reports", "household_visits", "contact_point_visits",
            "unit_community_visits"} <= checked


def test_a_figure_counted_in_days_lists_the_trips_of_those_days(published):
    row = published.results.get(subject_code="GB001", metric="research_days")
    records = records_behind(record_context(WINDOW), "research_days", row.subject_id)
    assert records.total >= 1 and not records.counts_records
    assert all(r["place"] for r in records.rows)  # each trip names its places
    days = sum((r["end_date"] - r["date"]).days + 1 for r in records.rows)
    assert days >= row.actual


def test_the_cadre_page_lists_each_figures_records_with_households_masked(
        client, people, published):
    client.force_login(people.org_dept)
    row = published.results.get(subject_code="GB005", metric="household_visits")
    page = client.get(reverse("supervision:cadre_report", args=[row.subject_id]), YEAR)
    listed = {r.metric: records for r, _, records in page.context["rows"]}
    assert listed["household_visits"].total == 2
    assert [r["household_code"] for r in listed["household_visits"].rows] == ["HH001", "HH002"]
    html = page.content.decode()
    assert "计入的记录 2 条" in html
    assert "陈*" in html and "刘**" in html
    assert "陈大伯" not in html and "刘阿姨" not in html


def test_the_page_shows_the_first_records_and_the_pdf_all_of_them(
        client, people, published, monkeypatch, tmp_path):
    monkeypatch.setattr(views.CadreReportView, "record_limit", 1)
    client.force_login(people.org_dept)
    row = published.results.get(subject_code="GB005", metric="household_visits")
    page = client.get(reverse("supervision:cadre_report", args=[row.subject_id]), YEAR)
    listed = {r.metric: records for r, _, records in page.context["rows"]}
    assert listed["household_visits"].shown == 1 and listed["household_visits"].truncated
    assert "完整清单见 PDF" in page.content.decode()
    pdf = client.get(reverse("supervision:cadre_pdf", args=[row.subject_id]), YEAR)
    text = pdf_text(pdf.content, tmp_path)
    assert "计入的记录 2 条" in text
    assert "HH001" in text and "HH002" in text and "陈*" in text
    assert "陈大伯" not in text


def test_a_units_drill_down_and_pdf_list_the_unit_visits(client, people, published, tmp_path):
    client.force_login(people.org_dept)
    row = published.results.get(subject_code="BM01", metric="unit_community_visits")
    assert row.actual == 2
    page = client.get(reverse("supervision:dashboard"), {**YEAR, "unit": row.subject_id})
    own = {r.metric: records for r, _, records in page.context["own_rows"]}
    assert own["unit_community_visits"].total == 2
    assert [r["date"] for r in own["unit_community_visits"].rows] == [
        dt.date(2025, 3, 10), dt.date(2025, 9, 1)]
    assert "东城一社区" in page.content.decode()
    pdf = client.get(reverse("supervision:unit_pdf", args=[row.subject_id]), YEAR)
    text = pdf_text(pdf.content, tmp_path)
    assert "本单位指标及计入的记录" in text
    assert "2025-03-10 至 2025-03-11" in text and "2025-09-01" in text


def test_a_unit_admin_sees_no_records_of_a_cadre_outside_the_unit(client, people, published):
    client.force_login(people.unit_admin)  # 区委组织部 (BM01)'s admin
    other = published.results.get(subject_code="GB005", metric="household_visits")
    response = client.get(reverse("supervision:cadre_report", args=[other.subject_id]), YEAR)
    assert response.status_code == 404
