"""spec/petitions.md §6: a case is never shown to the cadre it accuses, nor to anyone whose
role scope lies inside an accused unit's subtree; the one scope function enforces it."""

import datetime as dt

from liaison.models import Cadre, Organization
from liaison.permissions import CHANGE, VIEW, Role
from petitions.models import Petition
from petitions.services import petition_save
from tests.conftest import make_user


def a_case(code, *, handling, responsible, accused_cadres=(), accused_units=()):
    case = Petition(code=code, received_on=dt.date(2025, 3, 3), channel="visit",
                    petitioner_name="钱某", summary="问题",
                    handling_unit=Organization.objects.get(code=handling),
                    responsible=Cadre.objects.get(code=responsible))
    return petition_save(
        case=case, acting_user=None,
        accused_cadres=Cadre.objects.filter(code__in=accused_cadres),
        accused_units=Organization.objects.filter(code__in=accused_units))


def visible(user, action=VIEW):
    return set(Petition.objects.restrict(user, action).values_list("code", flat=True))


def test_the_accused_never_see_the_case_whatever_their_role(roster):
    a_case("XF1", handling="BSC01", responsible="GB006", accused_units=["SQ0101"])
    a_case("XF2", handling="QD", responsible="GB001", accused_cadres=["GB010"])
    a_case("XF3", handling="BSC01", responsible="GB006")
    district_org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    community_admin = make_user(Role.UNIT_ADMIN, Organization.objects.get(code="SQ0101"))
    community_inspector = make_user(Role.INSPECTOR, Organization.objects.get(code="SQ0101"))
    subdistrict_admin = make_user(Role.UNIT_ADMIN, Organization.objects.get(code="BSC01"))
    accused = Cadre.objects.get(code="GB010")
    accused.user = make_user(Role.PETITIONS, Organization.objects.get(code="QD"))
    accused.save()

    assert visible(district_org_dept) == {"XF1", "XF2", "XF3"}
    assert visible(community_admin) == set()  # XF1 accuses its unit; the others are not its
    assert visible(community_inspector) == set()
    assert visible(subdistrict_admin) == {"XF1", "XF3"}  # above the accused unit: it sees
    assert visible(accused.user) == {"XF1", "XF3"}  # a district role, but accused in XF2
    assert visible(accused.user, CHANGE) == {"XF1", "XF3"}


def test_the_responsible_cadre_sees_their_case_unless_accused(roster):
    a_case("XF1", handling="BSC01", responsible="GB006")
    cadre = Cadre.objects.get(code="GB006")
    cadre.user = make_user(Role.CADRE, Organization.objects.get(code="BSC01"))
    cadre.save()
    assert visible(cadre.user) == {"XF1"}
    assert visible(cadre.user, CHANGE) == set()  # the office keeps the ledger


def test_a_case_cannot_be_given_to_the_accused(roster):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        a_case("XF9", handling="SQ0101", responsible="GB004", accused_units=["BSC01"],
               accused_cadres=["GB004"])
    assert refused.value.message_dict == {
        "handling_unit": ["承办单位不得为被反映单位或其下级单位"],
        "responsible": ["责任人不得为被反映人"]}
    assert not Petition.objects.exists()
