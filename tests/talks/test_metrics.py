"""The talk metrics of spec/compliance.md §9, worked out by hand."""

import datetime as dt

import pytest

from liaison.compliance.engine import compute_compliance
from liaison.models import Category as C
from liaison.models import Organization
from talks.models import Talk
from tests.factories import (
    AssignmentFactory,
    CadreFactory,
    HouseholdFactory,
    OrganizationFactory,
    PositionFactory,
)

D = dt.date
T = Talk.Type


@pytest.fixture
def district(db):
    root = OrganizationFactory(code="QD", type=Organization.Type.DISTRICT)
    east = OrganizationFactory(code="BSC01", type=Organization.Type.SUBDISTRICT, parent=root)
    one = OrganizationFactory(code="SQ11", parent=east)
    two = OrganizationFactory(code="SQ12", parent=east)
    return type("District", (), dict(root=root, east=east, one=one, two=two))


def cadre(code, *positions):
    person = CadreFactory(code=code)
    for org, category, start, end, *secretary in positions:
        PositionFactory(cadre=person, organization=org, category=category, start_date=start,
                        end_date=end, party_secretary=bool(secretary))
    return person


def talk(initiator, day, type_=T.DAILY, cadres=(), households=()):
    record = Talk.objects.create(code=f"T{Talk.objects.count() + 1}", date=day,
                                 initiator=initiator, type=type_, form="individual")
    record.cadres.set(cadres)
    record.households.set(households)
    return record


YEAR_END = D(2025, 12, 31)


def rows(metric, as_of=YEAR_END):
    return {(r.subject_code, r.scope_code): (r.target, r.actual, r.expected_to_date, r.status)
            for r in compute_compliance(year=2025, as_of=as_of) if r.metric == metric}


def test_a_secretary_of_two_organizations_owes_every_member_of_both(district):
    secretary = cadre("S", (district.one, C.COMMUNITY_CADRE, D(2020, 1, 1), None, True),
                      (district.two, C.COMMUNITY_CADRE, D(2020, 1, 1), None, True))
    a = cadre("A", (district.one, C.PARTY_MEMBER, D(2020, 1, 1), None))
    b = cadre("B", (district.two, C.PARTY_MEMBER, D(2020, 1, 1), None))
    cadre("E", (district.east, C.PARTY_MEMBER, D(2020, 1, 1), None))  # above: not a member
    talk(secretary, D(2025, 3, 1), T.SECRETARY, cadres=[a, b])
    talk(secretary, D(2025, 9, 1), T.DAILY, cadres=[a])  # every type counts
    talk(a, D(2025, 10, 1), T.DAILY, cadres=[secretary])  # initiated by the member: not
    assert rows("member_talks") == {("S", "A"): (2, 2, 2, "met"),
                                    ("S", "B"): (2, 1, 2, "not_met")}
    # At 30 June: expected floor(2 × 181 / 365) = 0, and the September talk is not yet held.
    assert rows("member_talks", D(2025, 6, 30)) == {("S", "A"): (2, 1, 0, "on_track"),
                                                    ("S", "B"): (2, 1, 0, "on_track")}


def test_a_member_who_left_before_the_as_of_date_is_not_owed(district):
    secretary = cadre("S", (district.one, C.COMMUNITY_CADRE, D(2020, 1, 1), None, True))
    gone = cadre("G", (district.one, C.PARTY_MEMBER, D(2020, 1, 1), D(2025, 5, 31)))
    talk(secretary, D(2025, 3, 1), cadres=[gone])
    assert rows("member_talks", D(2025, 5, 31)) == {("S", "G"): (2, 1, 0, "on_track")}
    assert rows("member_talks") == {}


def test_a_secretary_post_that_ended_owes_nothing(district):
    secretary = cadre("S", (district.one, C.COMMUNITY_CADRE, D(2020, 1, 1), D(2025, 3, 31),
                            True))
    cadre("A", (district.one, C.PARTY_MEMBER, D(2020, 1, 1), None))
    assert rows("member_talks") == {}
    assert secretary.positions.get().party_secretary


def test_a_pairwise_group_talk_of_three_meets_three_pairs(district):
    head = cadre("H", (district.east, C.SUBDISTRICT_HEAD, D(2020, 1, 1), None))
    deputy = cadre("L1", (district.east, C.SUBDISTRICT_LEADER, D(2020, 1, 1), None))
    other = cadre("L2", (district.east, C.SUBDISTRICT_LEADER, D(2020, 1, 1), None))
    fourth = cadre("L3", (district.east, C.SUBDISTRICT_LEADER, D(2020, 1, 1), None))
    staff = cadre("K", (district.east, C.SECTION_CADRE, D(2020, 1, 1), None))
    talk(head, D(2025, 1, 10), T.PRE_MEETING, cadres=[deputy, other, staff])
    talk(deputy, D(2025, 1, 11), T.PRE_MEETING, cadres=[head])  # the same pair again
    talk(fourth, D(2025, 1, 12), T.DAILY, cadres=[head])  # not before the meeting
    # A team of 4: 6 pairs; H–L1, H–L2 and L1–L2 met (the section cadre is not in the team).
    assert rows("pairwise_talks") == {("BSC01", ""): (6, 3, 6, "not_met")}
    assert rows("pairwise_talks", D(2025, 6, 30)) == {("BSC01", ""): (6, 3, 2, "on_track")}


def test_a_team_of_one_has_no_pairwise_row(district):
    cadre("H", (district.east, C.SUBDISTRICT_HEAD, D(2020, 1, 1), None))
    assert rows("pairwise_talks") == {}


def test_a_talk_with_a_household_on_the_last_day_of_its_assignment_counts(district):
    person = cadre("P", (district.one, C.PARTY_MEMBER, D(2020, 1, 1), None))
    home, other = HouseholdFactory(community=district.one), HouseholdFactory(community=district.one)
    AssignmentFactory(kind="household", cadre=person, target_household=home,
                      start_date=D(2025, 1, 1), end_date=D(2025, 6, 30))
    talk(person, D(2025, 6, 30), T.MASSES, households=[home])   # the last day: counts
    talk(person, D(2025, 7, 1), T.MASSES, households=[home])    # the day after: does not
    talk(person, D(2025, 5, 1), T.MASSES, households=[other])   # not linked: does not
    talk(person, D(2025, 5, 2), T.DAILY, households=[home, other])  # any type: counts once
    # Owed for 181 days of the year: ceil(2 × 181 / 365) = 1.
    assert rows("masses_talks") == {("P", ""): (1, 2, 0, "met")}


def test_leader_talks_count_each_talk_once_for_its_initiator_and_each_participant(district):
    leader = cadre("L", (district.root, C.DISTRICT_LEADER, D(2020, 1, 1), None))
    head = cadre("H", (district.east, C.SUBDISTRICT_HEAD, D(2020, 1, 1), None))
    staff = cadre("K", (district.east, C.SECTION_CADRE, D(2020, 1, 1), None))
    talk(leader, D(2025, 2, 1), cadres=[head, staff])
    talk(staff, D(2025, 3, 1), cadres=[head])
    assert rows("leader_talks") == {("L", ""): (2, 1, 2, "not_met"),
                                    ("H", ""): (2, 2, 2, "met")}


def records_of(metric, subject_id):
    from liaison.compliance.engine import Context, Window
    from liaison.compliance.records import records_behind

    records = records_behind(Context(Window(2025, YEAR_END)), metric, subject_id)
    return sorted(row["date"] for row in records.rows)


def test_a_secretarys_report_lists_the_talks_with_members_behind_the_figure(district):
    secretary = cadre("S", (district.one, C.COMMUNITY_CADRE, D(2020, 1, 1), None, True))
    a = cadre("A", (district.one, C.PARTY_MEMBER, D(2020, 1, 1), None))
    outsider = cadre("O", (district.two, C.PARTY_MEMBER, D(2020, 1, 1), None))
    talk(secretary, D(2025, 3, 1), T.SECRETARY, cadres=[a])
    talk(secretary, D(2025, 4, 1), cadres=[outsider])  # not a member: not behind the figure
    talk(a, D(2025, 5, 1), cadres=[secretary])  # the member's: not behind the figure
    assert records_of("member_talks", secretary.pk) == [D(2025, 3, 1)]


def test_a_units_pairwise_figure_lists_its_teams_pre_meeting_talks(district):
    head = cadre("H", (district.east, C.SUBDISTRICT_HEAD, D(2020, 1, 1), None))
    deputy = cadre("L1", (district.east, C.SUBDISTRICT_LEADER, D(2020, 1, 1), None))
    stranger = cadre("X", (district.one, C.COMMUNITY_CADRE, D(2020, 1, 1), None))
    talk(head, D(2025, 1, 10), T.PRE_MEETING, cadres=[deputy])
    talk(deputy, D(2025, 2, 1), T.DAILY, cadres=[head])  # not before a meeting
    talk(stranger, D(2025, 3, 1), T.PRE_MEETING)  # not the team's
    assert records_of("pairwise_talks", district.east.pk) == [D(2025, 1, 10)]
