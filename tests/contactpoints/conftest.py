import datetime as dt
from types import SimpleNamespace

import pytest

from liaison.models import Category, ContactAssignment
from liaison.permissions import Role
from tests.conftest import make_user
from tests.factories import AssignmentFactory, CadreFactory, HouseholdFactory, PositionFactory

K = ContactAssignment.Kind


@pytest.fixture
def contacts(tree, users):
    """A 东城 leader with a contact point, a 区直单位 with its community and an admin, and more
    households: one assigned to 张三, one in 张三's community, one elsewhere in 东城."""
    leader = CadreFactory(code="LD001", name="王主任")
    PositionFactory(cadre=leader, organization=tree.east, category=Category.SUBDISTRICT_HEAD,
                    start_date=dt.date(2020, 1, 1))
    leader.user = make_user(Role.CADRE, tree.east, username="wangzr")
    leader.save()
    leader_point = AssignmentFactory(kind=K.LEADER_POINT, cadre=leader,
                                     target_org=tree.community_in,
                                     start_date=dt.date(2024, 1, 1))
    unit_admin = make_user(Role.UNIT_ADMIN, tree.unit, username="bmgly")
    unit_cadre = CadreFactory(code="BM001", name="赵科长")
    PositionFactory(cadre=unit_cadre, organization=tree.unit, category=Category.SECTION_CADRE)
    unit_link = AssignmentFactory(kind=K.UNIT_COMMUNITY, unit=tree.unit,
                                  target_org=tree.community_in, start_date=dt.date(2024, 1, 1))
    assigned = HouseholdFactory(code="HH010", head_name="钱一", community=tree.community_in)
    AssignmentFactory(kind=K.HOUSEHOLD, cadre=tree.cadre_in, target_household=assigned,
                      start_date=dt.date(2024, 1, 1))
    neighbour = HouseholdFactory(code="HH011", head_name="孙二", community=tree.community_in)
    other_community = tree.east.children.create(code="SQ0102", name="东城二社区",
                                                type="community")
    elsewhere = HouseholdFactory(code="HH012", head_name="周三", community=other_community)
    return SimpleNamespace(**locals())
