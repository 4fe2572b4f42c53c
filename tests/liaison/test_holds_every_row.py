"""A grant on the district (the tree's only root) holds every row whose organization is
required: the scopes leave their subtree filter out for it (bench: the overdue case list)."""

from contactpoints.models import Visit
from liaison.models import Household, Organization
from liaison.permissions import Role, grants_with, holds_every_row
from petitions.models import Petition
from tests.conftest import make_user
from tests.factories import OrganizationFactory


def test_a_district_grant_holds_every_case(tree):
    office = make_user(Role.PETITIONS, tree.district)
    assert holds_every_row(grants_with(office, Role.PETITIONS), Petition, "handling_unit__path")
    assert holds_every_row(grants_with(office, Role.PETITIONS), Household, "community__path")


def test_a_sub_district_grant_does_not(tree):
    office = make_user(Role.PETITIONS, tree.east)
    assert not holds_every_row(grants_with(office, Role.PETITIONS), Petition,
                               "handling_unit__path")


def test_a_second_tree_means_the_district_no_longer_holds_everything(tree):
    office = make_user(Role.PETITIONS, tree.district)
    OrganizationFactory(code="QD2", name="另一个区", type=Organization.Type.DISTRICT)
    assert not holds_every_row(grants_with(office, Role.PETITIONS), Petition,
                               "handling_unit__path")


def test_rows_that_may_have_no_organization_are_never_assumed_held(tree):
    org_dept = make_user(Role.ORG_DEPT, tree.district)
    assert Visit._meta.get_field("target_org").null  # a household visit has none
    assert not holds_every_row(grants_with(org_dept, Role.ORG_DEPT), Visit, "target_org__path")


def test_the_office_of_the_district_still_never_sees_a_case_that_accuses_it(tree):
    office = make_user(Role.PETITIONS, tree.district)
    cadre = tree.cadre_in
    cadre.user = office
    cadre.save()
    tree.petition_out.accused_cadres.add(cadre)
    visible = set(Petition.objects.restrict(office, "view").values_list("code", flat=True))
    assert visible == {"XF-IN"}
