"""The petitions page of the supervision dashboard and its bulletin chapter (petitions.dashboard):
figures per handling unit for each clock, 满意率 and 参评率, overdue cases, collective and
repeat cases, through the user's scope (an accused user's figures leave the case out)."""

import datetime as dt
import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from liaison.compliance.engine import Window
from liaison.models import Cadre, Organization
from liaison.permissions import Role
from liaison.sections import SECTIONS
from petitions.models import Petition
from petitions.services import petition_save
from tests.conftest import make_user

D = dt.date
A = D(2025, 6, 30)


def a_case(code, handling, received, *, accused_cadres=(), **fields):
    case = Petition(code=code, received_on=received, channel="visit", petitioner_name="钱某",
                    summary="问题", handling_unit=Organization.objects.get(code=handling),
                    responsible=Cadre.objects.get(code="GB006"), **fields)
    return petition_save(case=case, acting_user=None,
                         accused_cadres=Cadre.objects.filter(code__in=accused_cadres))


@pytest.fixture
def cases(roster):
    # BSC01: decided and answered on time, then rated 满意; phone seen again in BM02's case.
    a_case("XF1", "BSC01", D(2025, 3, 3), petitioner_phone="13800000001",
           decision="accepted", decided_on=D(2025, 3, 10), replied_on=D(2025, 4, 1),
           satisfaction="satisfied", satisfaction_on=D(2025, 4, 10))
    # BSC01: a collective visit never decided: its decision clock is late and open at A.
    a_case("XF2", "BSC01", D(2025, 1, 6), people=6)
    # BSC01: transferred on time; the decision after A does not exist yet at A.
    a_case("XF4", "BSC01", D(2025, 3, 3), decision="transferred", decided_on=D(2025, 3, 5),
           decision_note="区法院")
    # BM02: accepted at once, answered late (after the 60 days), not rated; a repeat of XF1.
    a_case("XF3", "BM02", D(2025, 2, 3), petitioner_phone="13800000001",
           decision="accepted", decided_on=D(2025, 2, 5), replied_on=D(2025, 5, 30))
    # BM02: accuses GB010, whose login must not count it anywhere.
    a_case("XF5", "BM02", D(2025, 4, 1), accused_cadres=["GB010"])


def figures(user, unit=None):
    return SECTIONS["petitions"].figures(user, Window(2025, A), unit)


def by_unit(result):
    return {r["unit"].code: r for r in result["rows"]}


def test_each_clock_on_time_rate_per_handling_unit(cases):
    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    rows = by_unit(figures(org_dept))
    bsc, bm = rows["BSC01"], rows["BM02"]
    assert (bsc["cases"], bsc["collective"], bsc["repeat"]) == (3, 1, 1)
    assert bsc["decision"] == {"counted": 3, "on_time": 2, "rate": 66.7}
    assert bsc["handling"] == {"counted": 1, "on_time": 1, "rate": 100.0}
    assert bsc["review"] == {"counted": 0, "on_time": 0, "rate": None}
    assert (bsc["satisfaction_rate"], bsc["participation_rate"]) == (100.0, 100.0)
    assert bsc["overdue"] == 1
    assert (bm["cases"], bm["repeat"]) == (2, 1)
    assert bm["handling"] == {"counted": 1, "on_time": 0, "rate": 0.0}
    assert (bm["replied"], bm["evaluated"], bm["participation_rate"]) == (1, 0, 0.0)
    assert bm["satisfaction_rate"] is None  # nothing rated: no rate, not 0 %
    assert bm["overdue"] == 1  # XF5 never decided; XF3 was answered late, but answered


def test_overdue_cases_name_the_clock_and_its_due_date(cases):
    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    result = figures(org_dept)
    overdue = {case.code: case for case in result["overdue"]}
    assert set(overdue) == {"XF2", "XF5"}
    xf2 = Petition.objects.get(code="XF2")
    assert overdue["XF2"].late_clock == "受理"
    assert overdue["XF2"].late_due == xf2.decision_due
    assert overdue["XF2"].days_late == (A - xf2.decision_due).days
    assert result["total"]["overdue"] == 2


def test_an_answer_after_the_as_of_date_has_not_happened_yet(cases):
    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    xf3 = Petition.objects.get(code="XF3")
    early = SECTIONS["petitions"].figures(org_dept, Window(2025, D(2025, 5, 20)), None)
    assert xf3.handling_due < D(2025, 5, 20)  # the 60 days ran out before that day
    assert "XF3" in {case.code for case in early["overdue"]}
    assert by_unit(early)["BM02"]["replied"] == 0


def test_the_accused_and_other_units_do_not_count_the_case(cases):
    accused = Cadre.objects.get(code="GB010")
    accused.user = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    accused.save()
    rows = by_unit(figures(accused.user))
    assert rows["BM02"]["cases"] == 1 and rows["BM02"]["overdue"] == 0
    assert "XF5" not in {case.code for case in figures(accused.user)["overdue"]}
    east_admin = make_user(Role.UNIT_ADMIN, Organization.objects.get(code="BSC01"))
    assert set(by_unit(figures(east_admin))) == {"BSC01"}


def test_the_unit_drill_down_keeps_its_subtree(cases):
    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    result = figures(org_dept, Organization.objects.get(code="BM02"))
    assert set(by_unit(result)) == {"BM02"}
    assert result["total"]["cases"] == 2


def test_the_page_and_its_workbook(client, cases):
    office = make_user(Role.PETITIONS, Organization.objects.get(code="QD"))
    client.force_login(office)
    url = reverse("supervision:section", args=["petitions"]) + "?year=2025&as_of=2025-06-30"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "东城办事处" in text and "66.7%" in text and "XF2" in text
    assert "钱某" not in text and "13800000001" not in text  # no petitioner identity
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    assert book.sheetnames == ["各承办单位", "逾期案件"]
    units = list(book["各承办单位"].values)
    assert units[-1][0] == "合计" and units[-1][1] == 5
    assert sorted(row[0] for row in list(book["逾期案件"].values)[1:]) == ["XF2", "XF5"]


def test_only_its_readers_open_the_page(client, cases):
    cadre = Cadre.objects.get(code="GB006")
    cadre.user = make_user(Role.CADRE, Organization.objects.get(code="BSC01"))
    cadre.save()
    client.force_login(cadre.user)
    assert client.get(reverse("supervision:section", args=["petitions"])).status_code == 403
    client.force_login(make_user(Role.ORG_DEPT, Organization.objects.get(code="QD")))
    assert client.get(reverse("supervision:section", args=["nothing"])).status_code == 404


def test_the_bulletin_has_a_chapter_per_system(cases, settings):
    from supervision import jobs
    from supervision.models import ComplianceRun, ReportFile

    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    ComplianceRun.objects.create(year=2025, as_of=A, status=ComplianceRun.Status.DONE,
                                 finished_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC))
    report = ReportFile.objects.create(kind="bulletin", requested_by=org_dept,
                                       params={"year": 2025, "as_of": "2025-06-30"})
    jobs.bulletin_build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportFile.Status.DONE, report.error
    with report.file.open("rb") as pdf:
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.read(), capture_output=True,
                              check=True).stdout.decode()
    assert "信访接待情况" in text and "按期受理率" in text and "XF2" in text
    for chapter in ("谈心谈话情况", "群众意见情况", "承诺践诺情况"):
        assert chapter in text


def test_the_dashboard_links_the_pages_each_role_may_open(client, cases):
    office = make_user(Role.UNIT_ADMIN, Organization.objects.get(code="BSC01"))
    client.force_login(office)
    page = client.get(reverse("supervision:dashboard")).content.decode()
    for name in ("petitions", "talks", "opinions", "pledges"):
        assert reverse("supervision:section", args=[name]) in page


def test_a_communitys_cases_count_for_its_office_and_the_districts_own_apart(cases):
    # Rolled up like every chapter: a row per sub-unit of the district, never one per
    # community, and the cases handled at the district's own level as its 本级 row.
    a_case("XF6", "SQ0101", D(2025, 5, 5))
    a_case("XF7", "QD", D(2025, 5, 6))
    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    result = figures(org_dept)
    rows = [(r["unit"].code, r["own_level"], r["cases"]) for r in result["rows"]]
    assert rows == [("QD", True, 1), ("BSC01", False, 4), ("BSC02", False, 0),
                    ("JJQ01", False, 0), ("BM01", False, 0), ("BM02", False, 2)]
    assert result["total"]["cases"] == 7
    bsc = by_unit(result)["BSC01"]
    assert bsc["decision"]["counted"] == 4  # XF6's decision fell due before A, undecided
    assert bsc["decision"]["on_time"] == 2 and bsc["overdue"] == 2
    assert sum(r["decision"]["counted"] for r in result["rows"]) == \
        result["total"]["decision"]["counted"]
    # Drilled into 东城: its own cases apart, then each community.
    east = figures(org_dept, Organization.objects.get(code="BSC01"))
    assert [(r["unit"].code, r["own_level"], r["cases"]) for r in east["rows"]] == [
        ("BSC01", True, 3), ("SQ0101", False, 1), ("SQ0102", False, 0)]
