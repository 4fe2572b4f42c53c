"""Ways round the scope that a review found, each closed."""

import datetime as dt

from django.urls import reverse

from liaison.imports import import_file
from liaison.models import Cadre, Household, Organization, Position
from research.models import ResearchReport, ResearchTopic
from research.services import report_save, topic_save
from tests.factories import CadreFactory, PositionFactory


def run(kind, text, user):
    return import_file(kind=kind, filename="f.csv", content=text.encode(), acting_user=user)


def test_an_import_cannot_move_another_units_household_into_ones_own(users, tree):
    outcome = run("households", "住户编码,户主姓名,社区编码\nHH002,改名,SQ0101\n", users.unit_admin)
    assert outcome.errors == ["第2行: 该记录超出您的管理范围"]
    household = Household.objects.get(code="HH002")
    assert (household.community, household.head_name) == (tree.community_out, tree.household_out.head_name)


def test_an_import_cannot_rename_or_post_another_units_cadre(users, tree):
    outcome = run("cadres", "干部编码,姓名,单位编码,类别,任职开始日期\nGB002,被改名,SQ0101,党员,2024-01-01\n",
                  users.unit_admin)
    assert outcome.errors == ["第2行 「干部编码」: 干部「GB002」不在您的管理范围内"]
    assert Cadre.objects.get(code="GB002").name == "李四"
    assert not Position.objects.filter(cadre__code="GB002", organization=tree.community_in).exists()


def test_an_org_dept_scoped_to_one_subdistrict_cannot_pull_in_another_community(users, tree):
    outcome = run("organizations", "单位编码,单位名称,单位类型,上级单位编码\nSQ0201,西城一社区,社区,BSC01\n",
                  users.org_dept)
    assert outcome.errors == ["第2行: 该记录超出您的管理范围"]
    assert Organization.objects.get(code="SQ0201").parent == tree.west


def test_a_unit_loses_hold_of_a_cadre_who_moved_away(client, users, tree):
    mover = CadreFactory(code="GB900")
    PositionFactory(cadre=mover, organization=tree.community_in,
                    start_date=dt.date(2020, 1, 1), end_date=dt.date(2024, 12, 31))
    PositionFactory(cadre=mover, organization=tree.community_out, start_date=dt.date(2025, 1, 1))
    client.force_login(users.unit_admin)
    assert client.get(reverse("cadre_detail", args=[mover.pk])).status_code == 200  # history
    assert client.post(reverse("cadre_delete", args=[mover.pk])).status_code == 404
    assert Position.objects.filter(cadre=mover).count() == 2


def test_a_cadre_with_a_post_elsewhere_is_deleted_only_by_whoever_covers_both(client, users, tree):
    both = CadreFactory(code="GB901")
    PositionFactory(cadre=both, organization=tree.community_in)
    PositionFactory(cadre=both, organization=tree.community_out)
    client.force_login(users.unit_admin)
    assert client.post(reverse("cadre_delete", args=[both.pk])).status_code == 403
    assert Cadre.objects.filter(pk=both.pk).exists()


def test_a_topic_made_major_or_changed_after_approval_is_reviewed_again(users, tree):
    topic = topic_save(topic=ResearchTopic(year=2025, title="自定", kind="own",
                                           organization=tree.community_in), acting_user=None)
    assert topic.status == "approved"
    topic.kind = "major"
    assert topic_save(topic=topic, acting_user=None).status == "proposed"
    topic.status = "approved"
    topic.save()
    topic.description = "改了内容"
    assert topic_save(topic=topic, acting_user=None).status == "proposed"


def test_an_adopted_report_is_final_and_a_returned_one_goes_back_for_review(users, tree):
    import pytest
    from django.core.exceptions import ValidationError

    report = tree.report_in
    ResearchReport.objects.filter(pk=report.pk).update(status="adopted")
    report.refresh_from_db()
    report.title = "改标题"
    with pytest.raises(ValidationError, match="已采纳的调研报告不能再修改"):
        report_save(report=report, acting_user=users.cadre)
    ResearchReport.objects.filter(pk=report.pk).update(status="returned")
    report.refresh_from_db()
    report.title = "修改后重新提交"
    assert report_save(report=report, acting_user=users.cadre).status == "submitted"


def test_only_org_dept_imports_review_outcomes(users, tree):
    text = "干部编码,报告标题,提交日期,状态\nGB001,自己采纳,2025-05-01,已采纳\n"
    outcome = run("research_reports", text, users.unit_admin)
    assert outcome.errors == ["第2行 「状态」: 只有组织部可以导入「已采纳」或「退回」的状态"]
    assert run("research_reports", text, users.org_dept).ok
    # The same row, now stored and unchanged, is still not the unit admin's to import.
    assert run("research_reports", text, users.unit_admin).errors == outcome.errors
