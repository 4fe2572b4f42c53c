"""A leader's year-end self-report material (述职素材), as PDF and as Word (#13): the
figures against the quotas, the records behind them, talks by type (never their content),
petitions received on reception days (counts only, never who petitioned), pledges and their
grades; downloaded by the leader themself, 组织部 and 纪检监察 only."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse

from liaison.models import Cadre, Organization
from liaison.permissions import Role
from petitions.models import Petition, ReceptionDay
from pledges.models import Pledge
from talks.models import Talk
from tests.conftest import make_user
from tests.supervision.test_reports import pdf_text

YEAR = {"year": 2025}


@pytest.fixture
def leader(example):
    """张建国 (GB001, 区委区政府主要领导) with a talk, a reception day and a graded pledge."""
    cadre = Cadre.objects.get(code="GB001")
    org = Organization.objects.get(code="QD")
    talk = Talk.objects.create(code="TH-1", date=dt.date(2025, 5, 6), initiator=cadre,
                               type="daily", form="individual", summary="谈心的具体内容保密")
    talk.cadres.set([Cadre.objects.get(code="GB002")])
    Talk.objects.create(code="TH-2", date=dt.date(2025, 7, 8), initiator=cadre, type="daily",
                        form="group", summary="另一次谈话内容")
    day = ReceptionDay.objects.create(date=dt.date(2025, 3, 5), host=cadre, received_by=cadre,
                                      mode="fixed", place="区信访接待大厅")
    Petition.objects.create(
        code="XF-1", received_on=dt.date(2025, 3, 5), channel="reception_day", reception=day,
        petitioner_name="钱多多", petitioner_phone="13800001111", summary="反映的事项",
        handling_unit=org, responsible=cadre, decision_due=dt.date(2025, 3, 20))
    Pledge.objects.create(cadre=cadre, year=2025, organization=org,
                          items="帮扶两户困难群众\n每月走访一次",
                          published_on=dt.date(2025, 2, 1), rating="excellent",
                          rated_on=dt.date(2025, 12, 20))
    return cadre


@pytest.fixture
def leader_user(leader):
    user = make_user(Role.CADRE, Organization.objects.get(code="QD"), username="zjg")
    leader.user = user
    leader.save()
    return user


def url(cadre, **query):
    return reverse("supervision:self_report", args=[cadre.pk]), {**YEAR, **query}


def test_the_pdf_holds_the_headings_figures_and_records(client, people, leader, tmp_path):
    client.force_login(people.org_dept)
    response = client.get(*url(leader))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for heading in ("张建国2025年度联系服务群众工作述职素材", "一、年度指标完成情况",
                    "二、各项指标计入的记录", "三、其他工作情况"):
        assert heading in text
    assert "调研天数" in text and "到联系点次数" in text and "区委区政府主要领导" in text
    assert "2025-01-15" in text and "2025-02-15" in text  # the contact-point visits
    assert "日常谈心" in text and "区信访接待大厅" in text and "优秀" in text
    # Never a talk's content nor who petitioned.
    for secret in ("谈心的具体内容保密", "另一次谈话内容", "钱多多", "13800001111", "反映的事项"):
        assert secret not in text


def test_the_word_file_opens_and_holds_the_headings_and_figures(client, people, leader):
    client.force_login(people.inspector)
    response = client.get(*url(leader, format="docx"))
    assert response.status_code == 200
    assert ".docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading",
                                                                                 "Title"))]
    assert headings[0] == "张建国2025年度联系服务群众工作述职素材"
    assert "一、年度指标完成情况" in headings and "三、其他工作情况" in headings
    assert "谈心谈话（按类型）" in headings and "党员承诺及评定等次" in headings
    figures = {row.cells[0].text: [c.text for c in row.cells] for row in document.tables[0].rows}
    assert figures["到联系点次数"][1:4] == ["2", "12", "12"]  # actual, expected, target
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "日常谈心" in cells and "优秀" in cells and "区信访接待大厅" in cells
    talks = next(t for t in document.tables if t.rows[0].cells[0].text == "谈话类型")
    assert [c.text for c in talks.rows[1].cells] == ["日常谈心", "2", "0", "2"]
    receptions = next(t for t in document.tables if t.rows[0].cells[0].text == "项目")
    assert [c.text for c in receptions.rows[2].cells] == ["接待登记信访件（件）", "1"]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    for secret in ("谈心的具体内容保密", "钱多多", "13800001111", "反映的事项"):
        assert secret not in text


def test_the_leader_downloads_their_own(client, leader_user, leader):
    client.force_login(leader_user)
    assert client.get(*url(leader)).status_code == 200
    assert client.get(*url(leader, format="docx")).status_code == 200


def test_the_leaders_workbench_and_cadre_report_link_to_it(client, people, leader_user, leader,
                                                           published):
    client.force_login(leader_user)
    link = reverse("supervision:self_report", args=[leader.pk])
    assert link in client.get(reverse("workbench"), YEAR).content.decode()
    client.force_login(people.org_dept)
    page = client.get(reverse("supervision:cadre_report", args=[leader.pk]),
                      {**YEAR, "as_of": "2025-12-31"})
    assert link in page.content.decode()


def test_a_cadre_without_a_leading_position_has_none_and_no_link(client, people, example,
                                                                 published):
    client.force_login(people.org_dept)
    member = Cadre.objects.get(code="GB005")  # 党员
    assert client.get(*url(member)).status_code == 404
    page = client.get(reverse("supervision:cadre_report", args=[member.pk]),
                      {**YEAR, "as_of": "2025-12-31"})
    assert reverse("supervision:self_report", args=[member.pk]) not in page.content.decode()


@pytest.mark.parametrize("role", [Role.UNIT_ADMIN, Role.PETITIONS, Role.SYSADMIN])
def test_other_roles_may_not_download_it(client, leader, role):
    client.force_login(make_user(role, Organization.objects.get(code="QD"), username="x"))
    assert client.get(*url(leader)).status_code in (403, 404)
    assert client.get(*url(leader, format="docx")).status_code in (403, 404)


def test_another_cadre_may_not_download_a_leaders(client, leader, leader_user):
    other = make_user(Role.CADRE, Organization.objects.get(code="QD"), username="ld")
    cadre = Cadre.objects.get(code="GB002")  # 区委常委, a leader too
    cadre.user = other
    cadre.save()
    client.force_login(other)
    assert client.get(*url(leader)).status_code in (403, 404)
    assert client.get(*url(cadre)).status_code == 200  # their own


@pytest.mark.parametrize("role", [Role.ORG_DEPT, Role.INSPECTOR])
def test_readers_out_of_scope_get_nothing(client, example, role):
    client.force_login(make_user(role, Organization.objects.get(code="BSC01"), username="o"))
    leader = Cadre.objects.get(code="GB001")  # of the district, not of 东城
    assert client.get(*url(leader)).status_code == 404
    assert client.get(*url(leader, format="docx")).status_code == 404
    in_scope = Cadre.objects.get(code="GB006")  # 东城's 办事处主要负责人
    assert client.get(*url(in_scope)).status_code == 200


def test_an_unknown_cadre_is_not_found(client, people, example):
    client.force_login(people.org_dept)
    assert client.get(reverse("supervision:self_report", args=[999999]), YEAR).status_code \
        == 404


def test_each_figure_lists_as_many_records_as_it_counts(leader):
    from liaison.compliance.registry import RECORD_SOURCES
    from supervision.selfreport import material_build

    material = material_build(cadre=leader, year=2025)
    counted = {f.metric: (f.actual, f.records) for f in material.figures if f.records}
    for metric in ("contact_point_visits", "leader_talks", "pledge_published",
                   "research_reports"):
        actual, records = counted[metric]
        assert RECORD_SOURCES[metric].counts_records
        assert records.total == len(records.rows) == actual, metric
    assert counted["leader_talks"][0] == 2 and counted["pledge_published"][0] == 1
    # Counted in days or months: the records behind them are listed all the same.
    assert counted["reception_months"][1].total == 1
    assert counted["research_days"][1].total == 3


def test_every_record_source_belongs_to_a_registered_metric():
    from liaison.compliance.registry import METRICS, RECORD_SOURCES

    assert set(RECORD_SOURCES) <= set(METRICS)
    assert {"research_days", "research_reports", "contact_point_visits", "household_visits",
            "unit_community_visits", "leader_talks", "masses_talks", "reception_months",
            "pledge_published", "opinion_analyses"} <= set(RECORD_SOURCES)


def test_the_word_file_names_the_places_not_walked_yet(client, people, example):
    """李红梅 (GB002) walked one of the district's three sub-districts and clusters."""
    client.force_login(people.org_dept)
    response = client.get(*url(Cadre.objects.get(code="GB002"), format="docx"))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert "尚未走到 2 处：东城办事处、先进制造业集聚区管委会" in paragraphs
