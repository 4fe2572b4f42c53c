"""每月趋势 (#14): each ledger counted month by month through the reader's scope, drawn as a
chart a phone can read, with the figures in words and in Excel."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from liaison.charts import month_bars
from liaison.compliance.engine import Window
from liaison.models import Category
from liaison.permissions import Role
from liaison.sections import TRENDS, monthly_counts
from tests.conftest import make_user
from tests.factories import PositionFactory, ResearchTripFactory, VisitFactory

YEAR_END = {"year": 2025, "as_of": "2025-12-31"}


def series_of(response) -> dict:
    return {trend.name: values for trend, values in response.context["series"]}


def test_each_ledger_is_counted_by_the_month_of_its_date_within_the_scope(client, users, tree):
    ResearchTripFactory(cadre=tree.cadre_in, start_date=dt.date(2025, 3, 20))
    ResearchTripFactory(cadre=tree.cadre_in, start_date=dt.date(2025, 11, 2))
    client.force_login(users.org_dept)
    series = series_of(client.get(reverse("supervision:trends"), YEAR_END))
    # 东城's records only: the tree's 西城 twins are out of scope.
    assert series["research_trips"] == [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert series["visits"] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert series["talks"] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert series["petitions"] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert series["opinions"] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def test_months_after_the_as_of_date_are_left_empty_not_zero(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("supervision:trends"), {"year": 2025, "as_of": "2025-04-15"})
    visits = series_of(response)["visits"]
    assert visits[:4] == [0, 0, 0, 0] and visits[4:] == [None] * 8  # the May visit: not yet
    assert response.context["charts"][1].summary.endswith("4月0次")


def test_a_unit_drill_down_counts_only_the_units_records(client, users, tree):
    other = PositionFactory(organization=tree.east, category=Category.SUBDISTRICT_LEADER,
                            start_date=dt.date(2020, 1, 1)).cadre
    ResearchTripFactory(cadre=other, start_date=dt.date(2025, 6, 1))
    VisitFactory(kind="leader_point", cadre=other, target_org=tree.east,
                 start_date=dt.date(2025, 6, 1))
    client.force_login(users.org_dept)
    whole = series_of(client.get(reverse("supervision:trends"), YEAR_END))
    community = series_of(client.get(reverse("supervision:trends"),
                                      {**YEAR_END, "unit": tree.community_in.pk}))
    assert whole["research_trips"][5] == 1 and community["research_trips"][5] == 0
    assert whole["visits"][5] == 1 and community["visits"][5] == 0
    assert community["research_trips"][2] == 1 and community["visits"][4] == 1


def test_a_unit_out_of_scope_is_not_found(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("supervision:trends"), {**YEAR_END, "unit": tree.west.pk})
    assert response.status_code == 404


def test_an_accused_reader_never_counts_the_case(client, users, tree):
    accused = PositionFactory(organization=tree.east,
                              category=Category.SUBDISTRICT_LEADER).cadre
    accused.user = make_user(Role.ORG_DEPT, tree.east, username="accused")
    accused.save()
    tree.petition_in.accused_cadres.add(accused)
    client.force_login(accused.user)
    assert series_of(client.get(reverse("supervision:trends"), YEAR_END))["petitions"][2] == 0
    window = Window(2025, dt.date(2025, 12, 31))
    assert monthly_counts(TRENDS["petitions"], users.org_dept, window, None)[2] == 1


def test_the_petitions_office_sees_its_own_ledger_only(client, users, tree):
    client.force_login(users.petitions)
    assert list(series_of(client.get(reverse("supervision:trends"), YEAR_END))) == ["petitions"]


def test_the_excel_export_has_a_column_per_month_and_the_total(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("supervision:trends"), {**YEAR_END, "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("类别", "单位", *(f"{m}月" for m in range(1, 13)), "合计")
    visits = next(row for row in rows if row[0] == "走访")
    assert visits[6] == 1 and visits[-1] == 1


def test_the_chart_is_self_contained_and_says_its_figures_in_words():
    chart = month_bars("走访", [1, 2, 0, None, None, None, None, None, None, None, None, None])
    assert chart.summary == "走访每月统计：1月1次，2月2次，3月0次"
    assert "<script" not in chart.svg and "https://" not in chart.svg
    assert chart.uri.startswith("data:image/svg+xml;base64,")


def test_the_page_shows_a_chart_per_ledger_with_its_alt_text(client, users, tree):
    client.force_login(users.org_dept)
    page = client.get(reverse("supervision:trends"), YEAR_END).content.decode()
    assert page.count('class="w-100 h-auto"') == 5
    assert 'alt="走访每月统计：1月0次，2月0次，3月0次，4月0次，5月1次' in page


@pytest.mark.parametrize("role", ["cadre"])
def test_a_cadre_has_no_trends_page(client, users, role):
    client.force_login(getattr(users, role))
    assert client.get(reverse("supervision:trends")).status_code == 403
