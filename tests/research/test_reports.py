"""Research reports: ledger pages, the report file and the review by a unit or 组织部."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from liaison.imports import import_file
from liaison.models import ClosedYear
from research.models import ResearchReport
from tests.conftest import make_user
from tests.factories import MINIMAL_PDF, ResearchReportFactory
from tests.liaison.test_attachments import EXE_BYTES, JPEG_BYTES, docx_bytes


def report_data(tree, **overrides):
    data = {"cadre": tree.cadre_in.pk, "title": "关于社区养老的调研报告", "topic": "",
            "submitted_on": "2025-09-01"}
    data.update(overrides)
    return data


def test_a_cadre_submits_a_report_with_a_word_file(client, users, tree):
    client.force_login(users.cadre)
    data = report_data(tree, file=SimpleUploadedFile("养老.docx", docx_bytes()))
    response = client.post(reverse("research:report_create"), data)
    report = ResearchReport.objects.get(title="关于社区养老的调研报告")
    assert response["Location"] == report.get_absolute_url()
    assert (report.cadre, report.status, report.entered_by) == (
        tree.cadre_in, ResearchReport.Status.SUBMITTED, users.cadre)
    assert re.fullmatch(r"reports/\d{4}/[0-9a-f]{32}\.docx", report.file.name)


def test_a_cadre_cannot_submit_a_report_for_another_cadre(client, users, tree):
    client.force_login(users.cadre)
    client.post(reverse("research:report_create"), report_data(tree, cadre=tree.cadre_out.pk))
    assert ResearchReport.objects.get(title="关于社区养老的调研报告").cadre == tree.cadre_in


def test_a_renamed_program_is_rejected_as_a_report_file(client, users, tree):
    client.force_login(users.cadre)
    data = report_data(tree, file=SimpleUploadedFile("报告.pdf", EXE_BYTES))
    response = client.post(reverse("research:report_create"), data)
    assert "内容不是PDF 文档" in str(response.context["form"].errors["file"])
    assert not ResearchReport.objects.filter(title="关于社区养老的调研报告").exists()


def test_a_photo_is_not_a_report(client, users, tree):
    client.force_login(users.cadre)
    data = report_data(tree, file=SimpleUploadedFile("photo.jpg", JPEG_BYTES))
    response = client.post(reverse("research:report_create"), data)
    assert "不支持的文件类型「.jpg」" in str(response.context["form"].errors["file"])


def test_it_rejects_a_report_dated_in_the_future(client, users, tree):
    client.force_login(users.cadre)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(reverse("research:report_create"),
                           report_data(tree, submitted_on=tomorrow.isoformat()))
    assert "不能登记未来的活动" in str(response.context["form"].errors["submitted_on"])


def test_it_rejects_a_report_in_a_closed_year(client, users, tree):
    ClosedYear.objects.create(year=2025, closed_by=users.org_dept)
    client.force_login(users.cadre)
    response = client.post(reverse("research:report_create"), report_data(tree))
    assert "2025年已关闭" in response.content.decode()


def test_the_report_file_is_served_only_to_who_may_see_the_report(client, users, tree):
    client.force_login(users.cadre)
    response = client.get(reverse("research:report_file", args=[tree.report_in.pk]))
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert client.get(reverse("research:report_file", args=[tree.report_out.pk])).status_code \
        == 404
    no_file = ResearchReportFactory(cadre=tree.cadre_in)
    assert client.get(reverse("research:report_file", args=[no_file.pk])).status_code == 404


def test_a_unit_admin_adopts_a_submitted_report(client, users, tree):
    client.force_login(users.unit_admin)
    page = client.get(reverse("research:report_detail", args=[tree.report_in.pk]))
    assert page.context["can_review"]
    response = client.post(reverse("research:report_review", args=[tree.report_in.pk]),
                           {"status": "adopted", "comment": "很好"})
    assert response.status_code == 302
    tree.report_in.refresh_from_db()
    assert (tree.report_in.status, tree.report_in.reviewed_by, tree.report_in.review_comment) \
        == ("adopted", users.unit_admin, "很好")


def test_a_return_needs_a_comment(client, users, tree):
    client.force_login(users.org_dept)
    url = reverse("research:report_review", args=[tree.report_in.pk])
    response = client.post(url, {"status": "returned", "comment": " "})
    assert "退回报告时请填写审阅意见" in response.content.decode()
    tree.report_in.refresh_from_db()
    assert tree.report_in.status == "submitted"
    client.post(url, {"status": "returned", "comment": "数据来源不清"})
    tree.report_in.refresh_from_db()
    assert (tree.report_in.status, tree.report_in.reviewed_by) == ("returned", users.org_dept)


def test_a_reviewed_report_cannot_be_reviewed_again(client, users, tree):
    tree.report_in.status = "adopted"
    tree.report_in.save()
    client.force_login(users.org_dept)
    response = client.post(reverse("research:report_review", args=[tree.report_in.pk]),
                           {"status": "returned", "comment": "再看看"})
    assert "只有「已提交」的报告可以审阅" in response.content.decode()
    tree.report_in.refresh_from_db()
    assert tree.report_in.status == "adopted"


def test_nobody_reviews_their_own_report(client, users, tree):
    admin = make_user("单位管理员", tree.east, username="selfreview")
    tree.cadre_in.user = admin
    tree.cadre_in.save()
    client.force_login(admin)
    response = client.post(reverse("research:report_review", args=[tree.report_in.pk]),
                           {"status": "adopted", "comment": ""})
    assert response.status_code == 404  # one's own report is not offered for review
    from django.core.exceptions import ValidationError

    from research.services import report_review

    with pytest.raises(ValidationError, match="不能审阅本人的调研报告"):
        report_review(report=tree.report_in, status="adopted", comment="", acting_user=admin)


def test_cadres_inspectors_and_units_out_of_scope_cannot_review(client, users, tree):
    url = reverse("research:report_review", args=[tree.report_in.pk])
    for user in (users.cadre, users.inspector):
        client.force_login(user)
        assert client.post(url, {"status": "adopted"}).status_code in (403, 404)
    client.force_login(users.unit_admin)
    out = reverse("research:report_review", args=[tree.report_out.pk])
    assert client.post(out, {"status": "adopted"}).status_code == 404
    tree.report_in.refresh_from_db()
    assert tree.report_in.status == "submitted"


def test_the_list_filters_by_status_and_dates(client, users, tree):
    ResearchReportFactory(cadre=tree.cadre_in, title="已采纳的报告", status="adopted",
                          submitted_on=dt.date(2025, 10, 1))
    client.force_login(users.unit_admin)
    url = reverse("research:report_list")

    def titles(**params):
        return sorted(obj.title for obj, _ in client.get(url, params).context["rows"])

    assert titles() == sorted([tree.report_in.title, "已采纳的报告"])
    assert titles(status="adopted") == ["已采纳的报告"]
    assert titles(date_to="2025-05-01") == [tree.report_in.title]
    assert titles(q="采纳", unit=tree.community_in.pk) == ["已采纳的报告"]


def test_an_export_reimports_unchanged(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("research:report_list"), {"export": "xlsx"})
    outcome = import_file(kind="research_reports", filename="r.xlsx", content=response.content)
    assert (outcome.ok, outcome.unchanged) == (True, 1), outcome.errors


def test_an_edit_without_a_new_file_keeps_the_file(client, users, tree):
    client.force_login(users.cadre)
    stored = tree.report_in.file.name
    response = client.post(reverse("research:report_edit", args=[tree.report_in.pk]),
                           report_data(tree, title="改过的标题", submitted_on="2025-04-01"))
    assert response.status_code == 302
    tree.report_in.refresh_from_db()
    assert tree.report_in.title == "改过的标题" and tree.report_in.file.name == stored


def test_a_units_leader_reviews_the_reports_of_its_cadres_only(client, tree):
    from liaison.permissions import Role
    from research.models import ResearchReport
    from tests.conftest import make_user
    from tests.factories import CadreFactory, PositionFactory

    head = CadreFactory(code="HEAD1")
    PositionFactory(cadre=head, organization=tree.east, category="subdistrict_head")
    head.user = make_user(Role.CADRE, tree.east, username="head")
    head.save()
    client.force_login(head.user)
    url = reverse("research:report_review", args=[tree.report_in.pk])
    response = client.post(url, {"status": "adopted", "comment": "很好"})
    assert response.status_code == 302
    tree.report_in.refresh_from_db()
    assert (tree.report_in.status, tree.report_in.reviewed_by) == ("adopted", head.user)
    out = reverse("research:report_review", args=[tree.report_out.pk])
    assert client.post(out, {"status": "adopted"}).status_code == 404
    assert ResearchReport.objects.get(pk=tree.report_out.pk).status == "submitted"


def test_a_plain_cadre_cannot_review(client, users, tree):
    client.force_login(users.cadre)
    other = ResearchReportFactory(cadre=tree.cadre_out)
    assert client.get(reverse("research:report_review", args=[other.pk])).status_code == 404
