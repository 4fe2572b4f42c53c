"""The standard pages of the core's models, by the declarative view tests of tests/viewtests."""

from django.urls import reverse

from liaison.models import Cadre, ContactAssignment, Household, Organization, Position
from tests.factories import HouseholdFactory, PositionFactory
from tests.viewtests import (
    CreateViewTests,
    DeleteViewTests,
    DetailViewTests,
    EditViewTests,
    HistoryViewTests,
    ImportViewTests,
    StandardViewTests,
)


class TestOrganizationViews(CreateViewTests, DetailViewTests, EditViewTests, DeleteViewTests,
                            HistoryViewTests, ImportViewTests):
    model = Organization
    url_name = "organization"
    in_scope, out_of_scope = "community_in", "community_out"
    worker = "org_dept"
    edit_changes = {"name": "东城第一社区"}
    import_kind = "organizations"

    def import_rows(self, tree):
        return [{"单位编码": "SQ0110", "单位名称": "东城十社区", "单位类型": "社区",
                 "上级单位编码": "BSC01"}]

    def import_row_out_of_scope(self, tree):
        return {"单位编码": "SQ0210", "单位名称": "西城十社区", "单位类型": "社区",
                "上级单位编码": "BSC02"}

    def form_data(self, tree):
        return {"code": "SQ0109", "name": "东城九社区", "type": "community",
                "parent": tree.east.pk}

    def deletable(self, tree):
        return Organization.objects.create(code="SQ0108", name="东城八社区", type="community",
                                           parent=tree.east)


class TestCadreViews(StandardViewTests, ImportViewTests):
    model = Cadre
    url_name = "cadre"
    in_scope, out_of_scope = "cadre_in", "cadre_out"
    edit_changes = {"phone": "13800000001"}
    import_kind = "cadres"

    def import_rows(self, tree):
        return [{"干部编码": "GB010", "姓名": "钱十", "单位编码": "SQ0101", "类别": "社区干部",
                 "任职开始日期": "2025-01-01", "任职结束日期": ""}]

    def import_row_out_of_scope(self, tree):
        return {"干部编码": "GB011", "姓名": "孙十一", "单位编码": "SQ0201", "类别": "社区干部",
                "任职开始日期": "2025-01-01", "任职结束日期": ""}

    def form_data(self, tree):
        return {"code": "GB009", "name": "新干部", "phone": "", "organization": tree.community_in.pk,
                "category": "community_cadre", "start_date": "2025-01-01"}

    def deletable(self, tree):
        return PositionFactory(organization=tree.community_in).cadre


class TestPositionViews(CreateViewTests, EditViewTests, DeleteViewTests):
    model = Position
    url_name = "position"
    in_scope, out_of_scope = "position_in", "position_out"
    edit_changes = {"end_date": "2025-12-31"}

    def form_data(self, tree):
        return {"cadre": tree.cadre_in.pk, "organization": tree.community_in.pk,
                "category": "section_cadre", "start_date": "2025-01-01", "end_date": ""}


class TestHouseholdViews(StandardViewTests, ImportViewTests):
    model = Household
    url_name = "household"
    in_scope, out_of_scope = "household_in", "household_out"
    edit_changes = {"address": "东城一社区3号楼"}
    import_kind = "households"

    def import_rows(self, tree):
        return [{"住户编码": "HH300", "户主姓名": "孙大娘", "社区编码": "SQ0101", "地址": "",
                 "贫困户": "否"},
                {"住户编码": "HH301", "户主姓名": "周大爷", "社区编码": "SQ0101", "地址": "",
                 "贫困户": "是"}]

    def import_row_out_of_scope(self, tree):
        return {"住户编码": "HH302", "户主姓名": "吴大姐", "社区编码": "SQ0201", "地址": "",
                "贫困户": "否"}

    def form_data(self, tree):
        return {"code": "HH099", "head_name": "吴九", "community": tree.community_in.pk,
                "address": "", "phone": "", "is_poor": "on"}

    def deletable(self, tree):
        return HouseholdFactory(community=tree.community_in)


class TestAssignmentViews(StandardViewTests, ImportViewTests):
    model = ContactAssignment
    url_name = "assignment"
    in_scope, out_of_scope = "assignment_in", "assignment_out"
    worker = "org_dept"
    edit_changes = {"end_date": "2025-12-31"}
    import_kind = "assignments"

    def import_rows(self, tree):
        HouseholdFactory(code="HH310", community=tree.community_in)
        return [{"联系类型": "党员联户", "联系人编码": "GB001", "联系对象编码": "HH310",
                 "开始日期": "2025-01-01", "结束日期": ""}]

    def import_row_out_of_scope(self, tree):
        HouseholdFactory(code="HH311", community=tree.community_out)
        return {"联系类型": "党员联户", "联系人编码": "GB002", "联系对象编码": "HH311",
                "开始日期": "2025-01-01", "结束日期": ""}

    def form_data(self, tree):
        household = HouseholdFactory(community=tree.community_in)
        return {"kind": "household", "cadre": tree.cadre_in.pk, "unit": "", "target_org": "",
                "target_household": household.pk, "start_date": "2025-01-01", "end_date": ""}


def test_a_new_cadre_can_only_be_placed_in_a_unit_in_scope(client, users, tree):
    client.force_login(users.unit_admin)
    data = TestCadreViews().form_data(tree) | {"organization": tree.community_out.pk}
    response = client.post(reverse("cadre_create"), data)
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    assert not Cadre.objects.filter(code="GB009").exists()
