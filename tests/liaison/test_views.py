import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.imports import import_file
from liaison.models import Household, Organization
from tests.conftest import login_with_totp
from tests.factories import AssignmentFactory, CadreFactory, HouseholdFactory, PositionFactory


def test_the_tree_drills_down_with_counts(client, users, tree):
    client.force_login(users.org_dept)
    page = client.get(reverse("organization_tree"))
    assert [n.code for n in page.context["nodes"]] == ["BSC01"]  # the user's scope
    node = page.context["nodes"][0]
    # 张三 of 东城一社区 and the district leader GB100 placed at 东城 (the reception rota's host)
    assert (node.child_count, node.cadre_count, node.household_count) == (1, 2, 1)
    deeper = client.get(reverse("organization_tree"), {"parent": tree.east.pk})
    assert [n.code for n in deeper.context["nodes"]] == ["SQ0101"]


def test_tree_counts_cover_the_whole_subtree(client, users, tree):
    second = Organization.objects.create(code="SQ0102", name="东城二社区", type="community",
                                         parent=tree.east)
    HouseholdFactory(community=second)
    HouseholdFactory(community=second)
    PositionFactory(cadre=tree.cadre_in, organization=second)  # the same cadre counts once
    PositionFactory(organization=second)
    client.force_login(users.org_dept)
    node = client.get(reverse("organization_tree")).context["nodes"][0]
    assert (node.child_count, node.cadre_count, node.household_count) == (2, 3, 3)


def test_the_tree_page_query_count_does_not_grow_with_the_data(client, users, tree,
                                                               django_assert_max_num_queries):
    client.force_login(users.org_dept)
    client.get(reverse("organization_tree"), {"parent": tree.east.pk})
    for i in range(5):
        community = Organization.objects.create(code=f"SQX{i}", name=f"新社区{i}",
                                                type="community", parent=tree.east)
        PositionFactory(organization=community)
        HouseholdFactory(community=community)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("organization_tree"), {"parent": tree.east.pk})
    assert len(page.context["nodes"]) == 6


def test_lists_search_filter_and_paginate(client, users, tree):
    for i in range(60):
        HouseholdFactory(community=tree.community_in, head_name=f"测试{i:02d}")
    client.force_login(users.unit_admin)
    page = client.get(reverse("household_list"))
    assert page.context["page"].paginator.count == 61
    assert len(page.context["rows"]) == 50
    assert client.get(reverse("household_list"), {"q": "测试07"}).context["page"].paginator.count == 1
    assert client.get(reverse("household_list"), {"is_poor": "true"}).context[
        "page"].paginator.count == 1


def test_an_export_reimports_unchanged(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("household_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["住户编码", "户主姓名", "社区编码", "地址", "贫困户"]
    outcome = import_file(kind="households", filename="h.xlsx", content=response.content)
    assert (outcome.ok, outcome.unchanged, outcome.new) == (True, 1, 0)  # only the user's scope
    csv_response = client.get(reverse("cadre_list"), {"export": "csv"})
    assert csv_response.content.decode("utf-8-sig").startswith("干部编码,姓名,单位编码,类别")


def test_a_unit_admin_creates_a_household_in_scope(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(reverse("household_create"), {
        "code": "HH100", "head_name": "赵大爷", "community": tree.community_in.pk,
        "address": "", "phone": ""})
    assert response.status_code == 302
    assert Household.objects.filter(code="HH100").exists()


def test_a_unit_admin_cannot_create_a_household_outside_scope(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(reverse("household_create"), {
        "code": "HH101", "head_name": "赵大爷", "community": tree.community_out.pk})
    assert response.status_code == 200
    assert "community" in response.context["form"].errors
    assert not Household.objects.filter(code="HH101").exists()


def test_forms_explain_errors_in_chinese(client, users, tree):
    client.force_login(users.org_dept)
    response = client.post(reverse("organization_create"), {
        "code": "SQ9", "name": "社区", "type": "community", "parent": tree.community_in.pk})
    assert "社区的上级单位应为办事处或集聚区" in response.content.decode()


def test_a_unit_in_use_cannot_be_deleted(client, users, tree):
    client.force_login(users.org_dept)
    response = client.post(reverse("organization_delete", args=[tree.community_in.pk]),
                           follow=True)
    assert "仍被其他记录引用" in response.content.decode()
    assert Organization.objects.filter(pk=tree.community_in.pk).exists()


def test_a_cadre_reveals_names_only_of_their_own_households(client, users, tree):
    # #15: masked by default even for the linked cadre; a click (POST) reveals their own
    # household, never a neighbour's of the same community.
    Household.objects.filter(pk=tree.household_in.pk).update(address="和平路8号2栋301")
    neighbour = HouseholdFactory(community=tree.community_in, head_name="钱多多",
                                 address="秘密地址")
    client.force_login(users.cadre)
    own = client.get(reverse("household_detail", args=[tree.household_in.pk])).content.decode()
    assert "和平路8号2栋301" not in own and "和平路***" in own
    revealed = client.post(reverse("household_reveal", args=[tree.household_in.pk]))
    assert "和平路8号2栋301" in revealed.content.decode()
    other = client.get(reverse("household_detail", args=[neighbour.pk])).content.decode()
    assert "钱多多" not in other and "秘密地址" not in other
    assert client.post(reverse("household_reveal", args=[neighbour.pk])).status_code == 403
    listing = client.get(reverse("household_list")).content.decode()
    assert "钱多多" not in listing and "钱**" in listing


def test_coverage_shows_gaps_and_overlaps(client, users, tree):
    second = CadreFactory()
    PositionFactory(cadre=second, organization=tree.community_in)
    AssignmentFactory(kind="household", cadre=second, target_household=tree.household_in,
                      start_date=dt.date(2024, 1, 1))
    client.force_login(users.org_dept)
    page = client.get(reverse("coverage"))
    assert [o.code for o in page.context["subdistricts"]] == ["BSC01"]
    assert [o.code for o in page.context["communities"]] == ["SQ0101"]
    assert list(page.context["households"]) == []
    assert [o["target_household__code"] for o in page.context["overlaps"]] == ["HH001"]


def test_the_web_import_previews_then_confirms(client, users, tree):
    client.force_login(users.unit_admin)
    text = "住户编码,户主姓名,社区编码,地址,贫困户\nHH200,孙大娘,SQ0101,,否\n"
    upload = SimpleUploadedFile("h.csv", text.encode(), content_type="text/csv")
    preview = client.post(reverse("import_upload", args=["households"]), {"file": upload})
    assert preview.context["outcome"].ok and preview.context["outcome"].new == 1
    assert not Household.objects.filter(code="HH200").exists()
    client.post(reverse("import_confirm", args=["households"]))
    assert Household.objects.filter(code="HH200").exists()


@pytest.mark.real_media_root
def test_the_web_import_works_with_media_root_as_make_run_sets_it(client, users, tree, settings):
    """MEDIA_ROOT is read from the environment exactly as under `make run` (it once was an
    environ.Path, and every upload failed with a 500 that the tests' override hid)."""
    client.force_login(users.unit_admin)
    text = "住户编码,户主姓名,社区编码,地址,贫困户\nHH203,孙大娘,SQ0101,,否\n"
    upload = SimpleUploadedFile("h.csv", text.encode(), content_type="text/csv")
    preview = client.post(reverse("import_upload", args=["households"]), {"file": upload})
    assert preview.status_code == 200 and preview.context["outcome"].ok
    token = client.session["pending_import"]["file"]
    assert (settings.MEDIA_ROOT / "pending-imports" / token).is_file()
    response = client.post(reverse("import_confirm", args=["households"]), follow=True)
    assert "导入完成" in response.content.decode()
    assert Household.objects.filter(code="HH203").exists()
    assert not (settings.MEDIA_ROOT / "pending-imports" / token).exists()


def test_the_web_import_lists_every_row_error_and_writes_nothing(client, users, tree):
    client.force_login(users.unit_admin)
    text = "住户编码,户主姓名,社区编码,地址,贫困户\nHH201,孙大娘,SQ0101,,否\nHH202,,SQ0101,,否\n"
    upload = SimpleUploadedFile("h.csv", text.encode(), content_type="text/csv")
    preview = client.post(reverse("import_upload", args=["households"]), {"file": upload})
    assert "第3行 「户主姓名」: 不能为空" in preview.content.decode()
    response = client.post(reverse("import_confirm", args=["households"]), follow=True)
    assert "没有待确认的导入" in response.content.decode()
    assert not Household.objects.filter(code="HH201").exists()


def test_each_kind_offers_a_template(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("import_template", args=["households"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["住户编码", "户主姓名", "社区编码", "地址", "贫困户"]


def test_the_admin_lists_every_model_for_system_admins(client, users, tree):
    users.sysadmin.is_staff = users.sysadmin.is_superuser = True
    users.sysadmin.save()
    login_with_totp(client, users.sysadmin)  # not force_login: the admin requires the TOTP step
    for url in ("/admin/", "/admin/research/researchtrip/", "/admin/contactpoints/visit/",
                "/admin/supervision/compliancerun/", "/admin/liaison/cadre/"):
        assert client.get(url).status_code == 200, url


def test_cadre_phones_are_masked_on_the_roster_list_and_whole_on_the_cadres_page(
        client, users, tree):
    tree.cadre_in.phone = "13812345678"
    tree.cadre_in.save()
    client.force_login(users.unit_admin)
    listed = client.get(reverse("cadre_list")).content.decode()
    assert "138****5678" in listed and "13812345678" not in listed
    page = client.get(reverse("cadre_detail", args=[tree.cadre_in.pk])).content.decode()
    assert "13812345678" in page


def test_the_admin_neither_adds_nor_deletes_compliance_runs(client, users, tree):
    """A run is the record of a computation. Its results are not tied to it by a database
    key, so a run deleted while a part was copying rows would leave orphan rows."""
    from supervision.models import ComplianceRun

    run = ComplianceRun.objects.create(year=2025, as_of=dt.date(2025, 6, 30))
    users.sysadmin.is_staff = users.sysadmin.is_superuser = True
    users.sysadmin.save()
    login_with_totp(client, users.sysadmin)
    assert client.get(f"/admin/supervision/compliancerun/{run.pk}/change/").status_code == 200
    assert client.get(f"/admin/supervision/compliancerun/{run.pk}/delete/").status_code == 403
    assert client.get("/admin/supervision/compliancerun/add/").status_code == 403
    assert client.post("/admin/supervision/compliancerun/", {
        "action": "delete_selected", "_selected_action": [run.pk], "post": "yes"}).status_code \
        in (200, 302)
    assert ComplianceRun.objects.filter(pk=run.pk).exists()
