"""The records behind the figures over a set (#13): 三走遍 lists the records that reached each
place of the cadre's set and the places not walked yet; coverage lists the assignments active
at A and names what is uncovered. What is listed is exactly what the figure counts: nothing
outside the window, nothing found untrue (spec/compliance.md §10)."""

import datetime as dt

import pytest
from django.urls import reverse

from liaison.compliance.engine import Context, Window, compute_compliance
from liaison.compliance.records import records_behind
from liaison.models import Cadre, Organization, RecordVerification
from liaison.services import record_verification_save
from research.models import ResearchTrip
from tests.supervision.test_reports import YEAR

SETS = ("walkthrough", "leader_coverage", "unit_coverage", "household_coverage")


def reached(records) -> set:
    return {(r["place"], r["household_code"]) for r in records.rows}


def assert_records_match_the_figures(as_of: dt.date) -> dict:
    """Every set figure equals what its records show; returns {(metric, code): Records}."""
    ctx = Context(Window(2025, as_of))
    listed = {}
    for row in compute_compliance(year=2025, as_of=as_of):
        if row.metric not in SETS:
            continue
        records = records_behind(ctx, row.metric, row.subject_id)
        listed[(row.metric, row.subject_code)] = records
        if row.metric == "walkthrough":
            assert len(reached(records)) == row.actual, row.subject_code
            assert len(records.missing) == row.target - row.actual, row.subject_code
            assert all(as_of >= r["date"] and r["end_date"] >= dt.date(2025, 1, 1)
                       for r in records.rows)
        else:  # distinct cadres or units with an assignment active at A
            who = {r["detail"].split("（")[0] for r in records.rows}
            assert len(who) == row.actual, (row.subject_code, row.metric)
            assert all(r["date"] <= as_of and (r["end_date"] is None or r["end_date"] >= as_of)
                       for r in records.rows)
            assert bool(records.missing) == (row.actual == 0), row.subject_code
            assert records.missing_label == ("未覆盖" if row.actual == 0 else "")
    assert {metric for metric, _ in listed} == set(SETS)
    return listed


@pytest.mark.parametrize("as_of", [dt.date(2025, 6, 30), dt.date(2025, 12, 31)])
def test_the_places_and_assignments_listed_are_exactly_those_counted(example, as_of):
    assert_records_match_the_figures(as_of)


def test_a_walkthrough_lists_each_place_reached_and_the_places_not_walked(example):
    listed = assert_records_match_the_figures(dt.date(2025, 12, 31))
    done, behind = listed[("walkthrough", "GB001")], listed[("walkthrough", "GB002")]
    assert not done.missing and done.rows and not done.counts_records
    assert len(behind.missing) == 2 and behind.missing_label == "尚未走到"
    assert all(r["detail"] for r in done.rows)  # what reached it: a trip or a visit
    uncovered = listed[("household_coverage", "HH003")]
    assert uncovered.missing[0]["place"] == "HH003 黄**"  # the head masked


def test_a_trip_found_untrue_leaves_the_walkthrough_list_with_the_figure(example):
    as_of = dt.date(2025, 12, 31)
    cadre = Cadre.objects.get(code="GB001")
    before = assert_records_match_the_figures(as_of)[("walkthrough", "GB001")]
    trips = ResearchTrip.objects.filter(cadre=cadre, start_date__year=2025)
    assert trips.exists()
    for trip in trips:
        record_verification_save(record=trip, result=RecordVerification.Result.UNTRUE,
                                 acting_user=None)
    after = assert_records_match_the_figures(as_of)[("walkthrough", "GB001")]
    assert len(after.rows) < len(before.rows)
    assert not any(r["detail"].startswith("调研") for r in after.rows)


def test_the_pages_list_places_not_walked_and_uncovered_communities(
        client, people, published):
    client.force_login(people.org_dept)
    cadre = Cadre.objects.get(code="GB002")
    page = client.get(reverse("supervision:cadre_report", args=[cadre.pk]), YEAR)
    assert "尚未走到 2 处" in page.content.decode()
    community = Organization.objects.get(code="SQ0102")
    page = client.get(reverse("supervision:dashboard"), {**YEAR, "unit": community.pk})
    html = page.content.decode()
    assert "未覆盖 1 处" in html and "东城二社区（截至2025-12-31无有效联系）" in html


def test_an_out_of_scope_unit_admin_sees_no_coverage_of_another_unit(client, people, published):
    client.force_login(people.east_admin)  # 东城办事处 (BSC01)
    west = Organization.objects.get(code="BSC02")
    page = client.get(reverse("supervision:dashboard"), {**YEAR, "unit": west.pk})
    assert page.status_code == 404


def test_a_communitys_page_lists_its_poor_households_coverage_masked(
        client, people, published, tmp_path):
    from liaison.models import Household
    from tests.supervision.test_reports import pdf_text

    client.force_login(people.org_dept)
    community = Household.objects.get(code="HH003").community
    page = client.get(reverse("supervision:dashboard"), {**YEAR, "unit": community.pk})
    html = page.content.decode()
    assert "党员干部联系贫困户（HH003 黄**）" in html
    assert "HH003 黄**（截至2025-12-31无有效联系）" in html and "黄师傅" not in html
    pdf = client.get(reverse("supervision:unit_pdf", args=[community.pk]), YEAR)
    text = pdf_text(pdf.content, tmp_path)
    assert "未覆盖 1 处" in text and "黄师傅" not in text
