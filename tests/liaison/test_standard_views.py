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
    StandardViewTests,
)


class TestOrganizationViews(CreateViewTests, DetailViewTests, EditViewTests, DeleteViewTests,
                            HistoryViewTests):
    model = Organization
    url_name = "organization"
    in_scope, out_of_scope = "community_in", "community_out"
    worker = "org_dept"
    edit_changes = {"name": "东城第一社区"}

    def form_data(self, tree):
        return {"code": "SQ0109", "name": "东城九社区", "type": "community",
                "parent": tree.east.pk}

    def deletable(self, tree):
        return Organization.objects.create(code="SQ0108", name="东城八社区", type="community",
                                           parent=tree.east)


class TestCadreViews(StandardViewTests):
    model = Cadre
    url_name = "cadre"
    in_scope, out_of_scope = "cadre_in", "cadre_out"
    edit_changes = {"phone": "13800000001"}

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


class TestHouseholdViews(StandardViewTests):
    model = Household
    url_name = "household"
    in_scope, out_of_scope = "household_in", "household_out"
    edit_changes = {"address": "东城一社区3号楼"}

    def form_data(self, tree):
        return {"code": "HH099", "head_name": "吴九", "community": tree.community_in.pk,
                "address": "", "phone": "", "is_poor": "on"}

    def deletable(self, tree):
        return HouseholdFactory(community=tree.community_in)


class TestAssignmentViews(StandardViewTests):
    model = ContactAssignment
    url_name = "assignment"
    in_scope, out_of_scope = "assignment_in", "assignment_out"
    worker = "org_dept"
    edit_changes = {"end_date": "2025-12-31"}

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
