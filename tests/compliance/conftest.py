"""The districts the split and incremental recomputation tests compute: the systems example
and a generated district."""

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command

from liaison.models import Category, ContactAssignment, Organization
from talks.models import Talk
from tests.conftest import SYSTEMS
from tests.factories import (
    AssignmentFactory,
    CadreFactory,
    HouseholdFactory,
    OrganizationFactory,
    PositionFactory,
    ResearchReportFactory,
    ResearchTripFactory,
    VisitFactory,
)

# spec/import.md: the seven core kinds, then the other systems' kinds in their order.
KINDS = ["organizations", "cadres", "households", "assignments", "research_trips",
         "research_reports", "visits", "calendar", "receptions", "petitions", "talks",
         "opinions", "opinion_analyses", "pledges", "registrations"]


@pytest.fixture
def systems(db):
    for kind in KINDS:
        call_command("import_data", kind, str(SYSTEMS / f"{kind}.csv"), stdout=io.StringIO())


@pytest.fixture
def district(db):
    """A generated district: five sub-districts and clusters of three communities, four
    departments, sixty cadres of every category (some moving between top units mid-year,
    some with no position but a household in their care), households, assignments of every
    kind, and a year of trips, reports, visits and talks."""
    rng = random.Random(16)
    T, C, K = Organization.Type, Category, ContactAssignment.Kind
    root = OrganizationFactory(code="QD", name="生成区", type=T.DISTRICT)
    subdistricts = [OrganizationFactory(code=f"BSC{i}", name=f"第{i}办事处", parent=root,
                                        type=T.SUBDISTRICT if i % 2 else T.CLUSTER)
                    for i in range(1, 6)]
    communities = [OrganizationFactory(code=f"SQ{s.code[3:]}{j}", parent=s, type=T.COMMUNITY)
                   for s in subdistricts for j in range(1, 4)]
    departments = [OrganizationFactory(code=f"BM{i}", parent=root, type=T.DEPARTMENT)
                   for i in range(1, 5)]
    places = {C.DISTRICT_PRINCIPAL: [root], C.STANDING_COMMITTEE: [root],
              C.DISTRICT_LEADER: [root], C.DEPARTMENT_HEAD: departments,
              C.SUBDISTRICT_HEAD: subdistricts, C.SUBDISTRICT_LEADER: subdistricts,
              C.SECTION_CADRE: departments + subdistricts, C.COMMUNITY_CADRE: communities,
              C.PARTY_MEMBER: communities + departments}
    households = [HouseholdFactory(community=rng.choice(communities), is_poor=rng.random() < .3)
                  for _ in range(40)]
    cadres = []
    for i in range(60):
        cadre = CadreFactory(code=f"G{i:03d}")
        cadres.append(cadre)
        if i % 15 == 14:
            continue  # no position: placed by a household in their care, or nowhere
        category = list(places)[i % len(places)]
        place = rng.choice(places[category])
        moves = i % 7 == 3
        PositionFactory(cadre=cadre, organization=place, category=category,
                        party_secretary=i % 11 == 0, start_date=dt.date(2023, 1, 1),
                        end_date=dt.date(2025, 5, 31) if moves else None)
        if moves:  # to another top unit, another category
            category = rng.choice(list(places))
            PositionFactory(cadre=cadre, organization=rng.choice(places[category]),
                            category=category, start_date=dt.date(2025, 6, 1))
    for household in households:
        for cadre in rng.sample(cadres, 2):
            AssignmentFactory(kind=K.HOUSEHOLD, cadre=cadre, target_household=household,
                              start_date=dt.date(2025, rng.randint(1, 9), 1))
    for cadre in cadres[:9]:
        AssignmentFactory(kind=K.LEADER_POINT, cadre=cadre,
                          target_org=rng.choice(subdistricts + communities))
    for unit in departments:
        for community in rng.sample(communities, 3):
            AssignmentFactory(kind=K.UNIT_COMMUNITY, unit=unit, target_org=community)
    for n in range(150):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=n * 7 % 361)  # one visit a day
        cadre, household = rng.choice(cadres), rng.choice(households)
        ResearchTripFactory(cadre=cadre, start_date=day,
                            end_date=day + dt.timedelta(days=rng.randint(0, 2)),
                            places=rng.sample(communities + subdistricts, 2))
        VisitFactory(kind="household", cadre=cadre, target_household=household,
                     start_date=day, end_date=day)
        VisitFactory(kind="leader_point", cadre=rng.choice(cadres[:9]),
                     target_org=rng.choice(communities), start_date=day, end_date=day)
        VisitFactory(kind="unit_community", unit=rng.choice(departments),
                     target_org=rng.choice(communities), start_date=day, end_date=day)
        talk = Talk.objects.create(code=f"TH{n:03d}", date=day, initiator=cadre, type=rng.choice(Talk.Type.values),
                                   form=rng.choice(Talk.Form.values), summary="谈话")
        talk.cadres.set(rng.sample(cadres, 3))
        talk.households.set([household])
    for cadre in cadres[::4]:
        ResearchReportFactory(cadre=cadre, submitted_on=dt.date(2025, rng.randint(1, 12), 1))
    return root
