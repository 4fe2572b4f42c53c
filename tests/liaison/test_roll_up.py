"""liaison.sections.roll_up: a chapter's figures counted per organization, added up by the
district's sub-units (or a drilled-into unit's), the unit's own records apart (本级)."""

from liaison.models import Organization
from liaison.permissions import Role
from liaison.sections import counts_by_unit, roll_up, unit_rows
from tests.conftest import make_user


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def test_it_adds_each_organization_to_the_sub_unit_whose_subtree_holds_it(roster):
    units = [org("QD"), org("BSC01"), org("BM02")]
    counts = {org("SQ0101").pk: {"n": 2, "m": 1}, org("SQ0102").pk: {"n": 3},
              org("BSC01").pk: {"n": 1, "m": None}, org("QD").pk: {"n": 4, "m": 7},
              org("SQ0201").pk: {"n": 5, "m": 5}}
    table = roll_up(counts, units, ["n", "m"])
    assert table == {org("QD").pk: {"n": 4, "m": 7},       # 本级: the district's own records
                     org("BSC01").pk: {"n": 6, "m": 1},    # its communities and itself
                     org("BM02").pk: {"n": 0, "m": 0}}     # nothing: a row of zeros
    # 西城一社区's office is not among the units: its figures are in no row.


def test_a_drilled_into_unit_keeps_its_own_level_apart_from_its_communities(roster):
    units = [org("BSC01"), org("SQ0101"), org("SQ0102")]
    table = roll_up({org("BSC01").pk: {"n": 1}, org("SQ0101").pk: {"n": 2},
                     org("QD").pk: {"n": 9}}, units, ["n"])
    assert table == {org("BSC01").pk: {"n": 1}, org("SQ0101").pk: {"n": 2},
                     org("SQ0102").pk: {"n": 0}}


def test_no_units_no_rows(roster):
    assert roll_up({org("QD").pk: {"n": 1}}, [], ["n"]) == {}


def test_counts_by_unit_groups_in_the_database_then_rolls_up_the_same_way(roster):
    from django.db.models import F, Q

    # Organizations as the counted rows: each counts itself, by its own id.
    user = make_user(Role.ORG_DEPT, org("QD"))
    units = unit_rows(user, None)
    assert [u.code for u in units][:2] == ["QD", "BSC01"]
    table = counts_by_unit(Organization.objects.all(), units, F("pk"),
                           {"all": Q(), "communities": Q(type=Organization.Type.COMMUNITY)})
    assert table[org("QD").pk] == {"all": 1, "communities": 0}
    assert table[org("BSC01").pk] == {"all": 3, "communities": 2}
    assert table[org("BM02").pk] == {"all": 1, "communities": 0}


def test_summed_adds_every_group_up_the_one_without_an_organization_too(roster):
    from django.db.models import F, Q

    from liaison.sections import counts_by_organization, summed

    # Grouped by parent: the district (no parent) is the group None.
    counts = counts_by_organization(Organization.objects.all(), F("parent"),
                                    {"all": Q(), "communities": Q(type="community")})
    assert counts[None] == {"all": 1, "communities": 0}
    assert summed(counts, ["all", "communities"]) == {
        "all": Organization.objects.count(),
        "communities": Organization.objects.filter(type="community").count()}
    assert summed({}, ["all"]) == {"all": 0}
