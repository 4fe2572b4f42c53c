"""spec/compliance.md §10: a record whose latest verification is 不属实 counts in no metric's
actual; a later 属实 restores it; a 无法核实 record still counts. One case per metric a
checkable record feeds (research trips, visits, talks, reception days), each with the figure
worked out by hand."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from contactpoints.models import Visit
from liaison.compliance.engine import compute_compliance
from liaison.models import Category as C
from liaison.models import ContactAssignment, Organization, RecordVerification
from liaison.services import record_verification_save
from petitions.models import ReceptionDay
from research.models import ResearchTrip, TripPlace
from talks.models import Talk
from tests.factories import (
    AssignmentFactory,
    CadreFactory,
    HouseholdFactory,
    OrganizationFactory,
    PositionFactory,
)

D = dt.date
K = ContactAssignment.Kind
R = RecordVerification.Result


@pytest.fixture
def district(db):
    T = Organization.Type
    root = OrganizationFactory(code="QD", type=T.DISTRICT)
    east = OrganizationFactory(code="BSC01", type=T.SUBDISTRICT, parent=root)
    unit = OrganizationFactory(code="BM01", type=T.DEPARTMENT, parent=root)
    e1 = OrganizationFactory(code="SQ11", parent=east)
    return type("District", (), dict(root=root, east=east, unit=unit, e1=e1))


def cadre(code, org, category, secretary=False):
    person = CadreFactory(code=code)
    PositionFactory(cadre=person, organization=org, category=category,
                    start_date=D(2020, 1, 1), party_secretary=secretary)
    return person


def trip(person, start, end, *places):
    record = ResearchTrip.objects.create(cadre=person, start_date=start, end_date=end,
                                         title="调研")
    for place in places:
        TripPlace.objects.create(trip=record, organization=place)
    return record


def talk(initiator, day, type_="daily", cadres=(), households=()):
    record = Talk.objects.create(code=f"T{Talk.objects.count() + 1}", date=day,
                                 initiator=initiator, type=type_, form="individual")
    record.cadres.set(cadres)
    record.households.set(households)
    return record


# Each case builds its records and returns (the record to verify, metric, subject code,
# scope code, actual while it counts, actual once it is found untrue).
def research_days(d):
    person = cadre("A", d.unit, C.DEPARTMENT_HEAD)
    trip(person, D(2025, 3, 1), D(2025, 3, 2))
    return trip(person, D(2025, 3, 10), D(2025, 3, 12)), "research_days", "A", "", 5, 2


def walkthrough_by_trip_places(d):
    person = cadre("A", d.root, C.DISTRICT_LEADER)
    return trip(person, D(2025, 3, 10), D(2025, 3, 10), d.e1), "walkthrough", "A", "", 1, 0


def walkthrough_by_leader_point_visit(d):
    person = cadre("A", d.root, C.DISTRICT_LEADER)
    AssignmentFactory(kind=K.LEADER_POINT, cadre=person, target_org=d.e1)
    visit = Visit.objects.create(kind="leader_point", cadre=person, target_org=d.e1,
                                 start_date=D(2025, 4, 1), end_date=D(2025, 4, 1))
    return visit, "walkthrough", "A", "", 1, 0


def walkthrough_by_household_visit(d):
    person = cadre("A", d.e1, C.COMMUNITY_CADRE)
    household = HouseholdFactory(community=d.e1)
    visit = Visit.objects.create(kind="household", cadre=person, target_household=household,
                                 start_date=D(2025, 4, 1), end_date=D(2025, 4, 1))
    return visit, "walkthrough", "A", "", 1, 0


def household_visit(d, metric):
    person = cadre("A", d.e1, C.PARTY_MEMBER)
    household = HouseholdFactory(community=d.e1)
    AssignmentFactory(kind=K.HOUSEHOLD, cadre=person, target_household=household)
    Visit.objects.create(kind="household", cadre=person, target_household=household,
                         start_date=D(2025, 3, 1), end_date=D(2025, 3, 1))
    visit = Visit.objects.create(kind="household", cadre=person, target_household=household,
                                 start_date=D(2025, 4, 1), end_date=D(2025, 4, 2))
    return visit, metric, "A", "", 2 if metric == "household_visits" else 3, 1


def contact_point_visits(d):
    person = cadre("A", d.root, C.DISTRICT_LEADER)
    AssignmentFactory(kind=K.LEADER_POINT, cadre=person, target_org=d.e1)
    visit = Visit.objects.create(kind="leader_point", cadre=person, target_org=d.e1,
                                 start_date=D(2025, 4, 1), end_date=D(2025, 4, 1))
    return visit, "contact_point_visits", "A", "", 1, 0


def unit_community(d, metric):
    AssignmentFactory(kind=K.UNIT_COMMUNITY, unit=d.unit, target_org=d.e1)
    visit = Visit.objects.create(kind="unit_community", unit=d.unit, target_org=d.e1,
                                 start_date=D(2025, 4, 1), end_date=D(2025, 4, 3))
    return visit, metric, "BM01", "SQ11", 1 if metric == "unit_community_visits" else 3, 0


def leader_talks(d):
    person = cadre("A", d.unit, C.DEPARTMENT_HEAD)
    other = cadre("B", d.unit, C.DEPARTMENT_HEAD)
    record = talk(person, D(2025, 5, 1), cadres=[other])
    return record, "leader_talks", "B", "", 1, 0  # the participant's count, too


def masses_talks(d):
    person = cadre("A", d.e1, C.PARTY_MEMBER)
    household = HouseholdFactory(community=d.e1)
    AssignmentFactory(kind=K.HOUSEHOLD, cadre=person, target_household=household)
    return talk(person, D(2025, 5, 1), households=[household]), "masses_talks", "A", "", 1, 0


def member_talks(d):
    secretary = cadre("S", d.e1, C.COMMUNITY_CADRE, secretary=True)
    member = cadre("M", d.e1, C.PARTY_MEMBER)
    return talk(secretary, D(2025, 5, 1), cadres=[member]), "member_talks", "S", "M", 1, 0


def pairwise_talks(d):
    a = cadre("A", d.unit, C.DEPARTMENT_HEAD)
    b = cadre("B", d.unit, C.DEPARTMENT_HEAD)
    record = talk(a, D(2025, 5, 1), "pre_meeting", cadres=[b])
    return record, "pairwise_talks", "BM01", "", 1, 0


def reception_months(d):
    leader = cadre("A", d.root, C.DISTRICT_PRINCIPAL)
    ReceptionDay.objects.create(date=D(2025, 3, 5), host=leader, received_by=leader,
                                mode="fixed")
    day = ReceptionDay.objects.create(date=D(2025, 4, 5), host=leader, received_by=leader,
                                      mode="fixed")
    return day, "reception_months", "A", "", 2, 1


CASES = {
    "research_days": research_days,
    "walkthrough_trip_places": walkthrough_by_trip_places,
    "walkthrough_leader_point_visit": walkthrough_by_leader_point_visit,
    "walkthrough_household_visit": walkthrough_by_household_visit,
    "household_visits": lambda d: household_visit(d, "household_visits"),
    "household_visit_days": lambda d: household_visit(d, "household_visit_days"),
    "contact_point_visits": contact_point_visits,
    "unit_community_visits": lambda d: unit_community(d, "unit_community_visits"),
    "unit_community_days": lambda d: unit_community(d, "unit_community_days"),
    "leader_talks": leader_talks,
    "masses_talks": masses_talks,
    "member_talks": member_talks,
    "pairwise_talks": pairwise_talks,
    "reception_months": reception_months,
}


YEAR_END = D(2025, 12, 31)


def actual(metric, subject, scope, as_of=YEAR_END, **kwargs):
    found = [r.actual for r in compute_compliance(year=2025, as_of=as_of, **kwargs)
             if (r.metric, r.subject_code, r.scope_code) == (metric, subject, scope)]
    assert len(found) == 1, f"no single {metric} row for {subject}/{scope}"
    return found[0]


@pytest.mark.parametrize("case", CASES)
def test_an_untrue_record_leaves_every_figure_and_a_later_true_restores_it(district, case):
    record, metric, subject, scope, counted, untrue = CASES[case](district)
    assert actual(metric, subject, scope) == counted

    record_verification_save(record=record, result=R.UNTRUE, acting_user=None)
    assert actual(metric, subject, scope) == untrue
    # For any as-of date, too.
    assert actual(metric, subject, scope, as_of=D(2025, 11, 30)) == untrue

    record_verification_save(record=record, result=R.TRUE, acting_user=None)
    assert actual(metric, subject, scope) == counted


@pytest.mark.parametrize("case", CASES)
def test_an_unverifiable_record_still_counts(district, case):
    record, metric, subject, scope, counted, _ = CASES[case](district)
    record_verification_save(record=record, result=R.UNVERIFIABLE, acting_user=None)
    assert actual(metric, subject, scope) == counted


def test_one_cadres_own_progress_leaves_out_their_untrue_records(district):
    record, metric, subject, scope, counted, untrue = research_days(district)
    record_verification_save(record=record, result=R.UNTRUE, acting_user=None)
    assert actual(metric, subject, scope, cadre=record.cadre) == untrue


def test_only_the_latest_verification_decides(district):
    record, metric, subject, scope, counted, untrue = research_days(district)
    record_verification_save(record=record, result=R.TRUE, acting_user=None)
    record_verification_save(record=record, result=R.UNTRUE, acting_user=None)
    assert actual(metric, subject, scope) == untrue
    record_verification_save(record=record, result=R.UNVERIFIABLE, acting_user=None)
    assert actual(metric, subject, scope) == counted
    assert RecordVerification.objects.filter(object_id=record.pk, latest=True).count() == 1
    assert RecordVerification.objects.filter(object_id=record.pk).count() == 3


def test_another_models_row_with_the_same_id_is_not_affected(district):
    """The exclusion is by content type: an untrue talk #n leaves trip #n counted."""
    record, metric, subject, scope, counted, _ = research_days(district)
    someone = cadre("Z", district.unit, C.DEPARTMENT_HEAD)
    other = Talk.objects.create(code="X", date=D(2025, 5, 1), initiator=someone, type="daily",
                                form="individual")
    RecordVerification.objects.create(content_type=ContentType.objects.get_for_model(Talk),
                                      object_id=record.pk, result=R.UNTRUE)
    assert other.pk  # a talk exists; the verification above names the trip's id as a talk's
    assert actual(metric, subject, scope) == counted
