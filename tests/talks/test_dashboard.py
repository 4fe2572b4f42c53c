"""The talks page of the supervision dashboard (talks.dashboard): talks counted by the unit
their initiator served in on the day, by type, form and month, with confirmations pending."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from liaison.compliance.engine import Window
from liaison.models import Cadre, Organization, Position
from liaison.permissions import Role
from liaison.sections import SECTIONS
from talks.models import Talk, TalkConfirmation
from tests.conftest import make_user


def a_talk(day, initiator, kind, *, cadres=(), confirmed=(), opinions=""):
    talk = Talk.objects.create(code=f"TK-{day}-{initiator}", date=day, initiator=Cadre.objects.get(code=initiator),
                               type=kind, form="individual", summary="谈话内容",
                               opinions_raised=opinions)
    talk.cadres.set(Cadre.objects.filter(code__in=cadres))
    for code in confirmed:
        TalkConfirmation.objects.create(talk=talk, cadre=Cadre.objects.get(code=code))
    return talk


@pytest.fixture
def talks(roster):
    a_talk(dt.date(2025, 3, 1), "GB004", "masses", opinions="路灯坏了")  # SQ0101 in BSC01
    a_talk(dt.date(2025, 4, 1), "GB001", "daily", cadres=["GB002"])  # the district's level
    a_talk(dt.date(2025, 5, 1), "GB003", "secretary", cadres=["GB011"], confirmed=["GB011"])
    a_talk(dt.date(2024, 12, 1), "GB003", "daily")  # before the year
    # GB008 joined SQ0101 on 2025-04-01: a talk of March is nobody's in that unit.
    a_talk(dt.date(2025, 3, 15), "GB008", "daily")


def figures(user, unit=None):
    return SECTIONS["talks"].figures(user, Window(2025, dt.date(2025, 6, 30)), unit)


def rows_of(result):
    return {(r["unit"].code, r["own_level"]): r["talks"] for r in result["rows"]}


def test_talks_count_where_their_initiator_served_that_day(talks):
    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    result = figures(org_dept)
    rows = rows_of(result)
    assert rows[("QD", True)] == 1
    assert rows[("BSC01", False)] == 1
    assert rows[("BM01", False)] == 1
    assert rows[("BSC02", False)] == 0
    assert result["totals"] == {"talks": 4, "unconfirmed": 1, "opinions": 1}
    waiting = {(r["unit"].code, r["own_level"]): r["unconfirmed"] for r in result["rows"]}
    assert waiting[("QD", True)] == 1 and sum(waiting.values()) == 1  # GB002's, of 1 April
    assert dict(result["by_type"])["日常谈心"] == 2
    assert "2025年03月" in result["month_chart"] and "2024年12月" not in result["month_chart"]


def test_an_initiator_with_two_posts_that_day_counts_the_talk_once_in_the_first(talks):
    # GB004 (SQ0101, in BSC01) also held a post in BSC02 since before that one began: the
    # talk of 1 March counts once, in BSC02, the post held first.
    gb004 = Cadre.objects.get(code="GB004")
    held = gb004.positions.get()
    Position.objects.create(cadre=gb004, organization=Organization.objects.get(code="BSC02"),
                            category=held.category,
                            start_date=held.start_date - dt.timedelta(days=1))
    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    result = figures(org_dept)
    rows = rows_of(result)
    assert (rows[("BSC01", False)], rows[("BSC02", False)]) == (0, 1)
    assert result["totals"]["talks"] == 4


def test_the_drill_down_and_a_unit_admin_see_their_subtree(talks):
    east = Organization.objects.get(code="BSC01")
    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    assert rows_of(figures(org_dept, east)) == {("SQ0101", False): 1, ("SQ0102", False): 0}
    west_admin = make_user(Role.UNIT_ADMIN, Organization.objects.get(code="BSC02"))
    assert figures(west_admin)["totals"]["talks"] == 0


def test_the_page_shows_no_content_and_exports_the_table(client, talks):
    client.force_login(make_user(Role.INSPECTOR, Organization.objects.get(code="QD")))
    url = reverse("supervision:section", args=["talks"]) + "?year=2025&as_of=2025-06-30"
    page = client.get(url).content.decode()
    assert "东城办事处" in page and "示范区本级" in page
    assert "谈话内容" not in page and "路灯坏了" not in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    units = list(book["各单位"].values)
    assert units[0][:3] == ("单位", "谈话次数", "日常谈心")
    assert ("示范区本级", 1) == units[1][:2]
