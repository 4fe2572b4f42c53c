"""The compliance rules of spec/compliance.md, each figure worked out from the spec by hand."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from contactpoints.models import Visit
from liaison.compliance.engine import Window, compute_compliance, prorate, rate_day_sums
from liaison.models import Category, ContactAssignment, Organization, Quota
from research.models import ResearchReport, ResearchTrip, TripPlace
from tests.factories import (
    AssignmentFactory,
    CadreFactory,
    HouseholdFactory,
    OrganizationFactory,
    PositionFactory,
)

D = dt.date
C = Category


def rows_of(year, as_of=None, **kwargs):
    return {(r.subject_code, r.scope_code, r.metric): r
            for r in compute_compliance(year=year, as_of=as_of, **kwargs)}


def figures(row):
    return row.target, row.actual, row.expected_to_date, row.status


@pytest.fixture
def district(db):
    T = Organization.Type
    root = OrganizationFactory(code="QD", type=T.DISTRICT)
    east = OrganizationFactory(code="BSC01", type=T.SUBDISTRICT, parent=root)
    west = OrganizationFactory(code="BSC02", type=T.SUBDISTRICT, parent=root)
    cluster = OrganizationFactory(code="JJQ01", type=T.CLUSTER, parent=root)
    unit = OrganizationFactory(code="BM01", type=T.DEPARTMENT, parent=root)
    e1 = OrganizationFactory(code="SQ11", parent=east)
    e2 = OrganizationFactory(code="SQ12", parent=east)
    w1 = OrganizationFactory(code="SQ21", parent=west)
    c1 = OrganizationFactory(code="SQ31", parent=cluster)
    return type("District", (), dict(root=root, east=east, west=west, cluster=cluster,
                                     unit=unit, e1=e1, e2=e2, w1=w1, c1=c1))


def cadre_with(code, *positions):
    cadre = CadreFactory(code=code)
    for org, category, start, end in positions:
        PositionFactory(cadre=cadre, organization=org, category=category, start_date=start,
                        end_date=end)
    return cadre


def trip(cadre, start, end=None, *places):
    t = ResearchTrip.objects.create(cadre=cadre, start_date=start, end_date=end or start,
                                    title=f"调研{start}")
    for place in places:
        TripPlace.objects.create(trip=t, organization=place)
    return t


# --- the public example --------------------------------------------------------------------


@pytest.mark.parametrize("args, expected", [
    (["--year", "2025"], "expected-2025.csv"),
    (["--year", "2025", "--as-of", "2025-06-30"], "expected-2025-as-of-2025-06-30.csv"),
])
def test_the_example_gives_the_expected_files_byte_for_byte(db, example_dir, args, expected):
    """basic/ holds the rows of the metrics of spec §2–§6 only (../shared/examples/README.md):
    the command's output restricted to those metrics matches it byte for byte."""
    for kind in ["organizations", "cadres", "households", "assignments", "research_trips",
                 "research_reports", "visits"]:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"), stdout=io.StringIO())
    out = io.StringIO()
    # The command writes to sys.stdout; capture it through call_command's redirect.
    import contextlib

    with contextlib.redirect_stdout(out):
        call_command("compliance", *args, "--format", "csv")
    header, *lines = out.getvalue().splitlines(keepends=True)
    kept = [line for line in lines if line.split(",")[4] in SECTIONS_2_TO_6]
    assert (header + "".join(kept)).encode("utf-8") == (example_dir / expected).read_bytes()


SECTIONS_2_TO_6 = {"research_days", "research_reports", "contact_point_visits",
                   "household_visits", "household_visit_days", "unit_community_visits",
                   "unit_community_days", "walkthrough", "leader_coverage", "unit_coverage",
                   "household_coverage"}


# --- pro-rating (§3) -------------------------------------------------------------------------


def test_a_position_held_all_year_gives_exactly_the_quota():
    window = Window.for_year(2025, D(2025, 12, 31))
    assert prorate(window, [(D(2020, 1, 1), None, 35)]) == (35, 35)


def test_half_a_year_gives_half_the_quota_rounded_up():
    window = Window.for_year(2025, D(2025, 12, 31))
    # 181 days at 15 = 2715 / 365 = 7.44 -> target 8, expected floor = 7
    assert prorate(window, [(D(2025, 1, 1), D(2025, 6, 30), 15)]) == (8, 7)


def test_overlapping_positions_take_the_larger_rate_each_day():
    periods = [(D(2020, 1, 1), None, 15), (D(2025, 7, 1), None, 20)]
    assert rate_day_sums(periods, D(2025, 1, 1), D(2025, 12, 31)) == 15 * 181 + 20 * 184


def test_a_leap_year_divides_by_366():
    window = Window.for_year(2024, D(2024, 12, 31))
    assert window.days_in_year == 366
    assert prorate(window, [(D(2020, 1, 1), None, 15)]) == (15, 15)
    # 2024-01-01..06-30 is 182 days: 2730 / 366 = 7.46 -> 8
    assert prorate(window, [(D(2024, 1, 1), D(2024, 6, 30), 15)])[0] == 8


def test_the_as_of_date_defaults_and_is_capped():
    assert Window.for_year(2025, today=D(2025, 5, 1)).as_of == D(2025, 5, 1)
    assert Window.for_year(2024, today=D(2025, 5, 1)).as_of == D(2024, 12, 31)
    assert Window.for_year(2025, D(2026, 3, 1)).as_of == D(2025, 12, 31)
    with pytest.raises(ValueError):
        Window.for_year(2025, D(2024, 12, 31))


def test_a_mid_year_promotion_is_pro_rated(district):
    cadre_with("GB1", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), D(2025, 6, 30)),
               (district.unit, C.DEPARTMENT_HEAD, D(2025, 7, 1), None))
    rows = rows_of(2025, D(2025, 12, 31))
    # research_days: (15*181 + 20*184) / 365 = 17.52 -> 18; expected at year end = 17
    assert figures(rows["GB1", "", "research_days"]) == (18, 0, 17, "not_met")
    # research_reports: section cadres owe none, department heads 1: 184/365 -> 1
    assert figures(rows["GB1", "", "research_reports"]) == (1, 0, 0, "not_met")
    mid = rows_of(2025, D(2025, 6, 30))
    assert figures(mid["GB1", "", "research_days"]) == (18, 0, 7, "behind")


def test_overlapping_positions_do_not_add_up(district):
    cadre_with("GB1", (district.root, C.DISTRICT_LEADER, D(2020, 1, 1), None),
               (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    rows = rows_of(2025, D(2025, 12, 31))
    assert rows["GB1", "", "research_days"].target == 25


def test_an_assignment_starting_mid_year_is_pro_rated(district):
    cadre = cadre_with("GB1", (district.e1, C.PARTY_MEMBER, D(2020, 1, 1), None))
    household = HouseholdFactory(community=district.e1)
    AssignmentFactory(kind="household", cadre=cadre, target_household=household,
                      start_date=D(2025, 7, 1))
    rows = rows_of(2025, D(2025, 12, 31))
    # 184 days at 6 = 1104 / 365 = 3.02 -> 4
    assert figures(rows["GB1", "", "household_visits"]) == (4, 0, 3, "not_met")
    assert rows["GB1", "", "household_visit_days"].target == 4
    assert ("GB1", "", "household_visits") not in rows_of(2024, D(2024, 12, 31))


def test_a_unit_assignment_that_ended_is_pro_rated(district):
    AssignmentFactory(kind="unit_community", unit=district.unit, target_org=district.e1,
                      start_date=D(2024, 1, 1), end_date=D(2025, 3, 31))
    rows = rows_of(2025, D(2025, 12, 31))
    # 90 days at 12 = 1080 / 365 = 2.96 -> 3; expected floor = 2
    assert figures(rows["BM01", "SQ11", "unit_community_visits"]) == (3, 0, 2, "not_met")


# --- actual figures (§4) ---------------------------------------------------------------------


def test_research_days_count_distinct_dates_and_overlaps_once(district):
    cadre = cadre_with("GB1", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    trip(cadre, D(2025, 3, 1), D(2025, 3, 5), district.e1)
    trip(cadre, D(2025, 3, 4), D(2025, 3, 8), district.e2)
    trip(cadre, D(2025, 3, 8), None, district.w1)
    assert rows_of(2025, D(2025, 12, 31))["GB1", "", "research_days"].actual == 8


def test_a_trip_across_31_december_counts_its_days_in_each_year(district):
    cadre = cadre_with("GB1", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    trip(cadre, D(2024, 12, 30), D(2025, 1, 2), district.e1)
    assert rows_of(2024, D(2024, 12, 31))["GB1", "", "research_days"].actual == 2
    assert rows_of(2025, D(2025, 12, 31))["GB1", "", "research_days"].actual == 2
    assert rows_of(2025, D(2025, 1, 1))["GB1", "", "research_days"].actual == 1


def test_only_days_inside_the_window_count(district):
    cadre = cadre_with("GB1", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    trip(cadre, D(2025, 6, 28), D(2025, 7, 3), district.e1)
    assert rows_of(2025, D(2025, 6, 30))["GB1", "", "research_days"].actual == 3


def test_returned_reports_do_not_count(district):
    cadre = cadre_with("GB1", (district.unit, C.DEPARTMENT_HEAD, D(2020, 1, 1), None))
    for title, status, day in [("甲", "submitted", D(2025, 2, 1)), ("乙", "returned", D(2025, 3, 1)),
                               ("丙", "adopted", D(2024, 12, 31))]:
        ResearchReport.objects.create(cadre=cadre, title=title, status=status, submitted_on=day)
    assert rows_of(2025, D(2025, 12, 31))["GB1", "", "research_reports"].actual == 1


def test_household_visits_count_households_and_days(district):
    cadre = cadre_with("GB1", (district.e1, C.PARTY_MEMBER, D(2020, 1, 1), None))
    homes = [HouseholdFactory(community=district.e1) for _ in range(3)]
    AssignmentFactory(kind="household", cadre=cadre, target_household=homes[0],
                      start_date=D(2024, 1, 1))
    for home in homes:
        Visit.objects.create(kind="household", cadre=cadre, target_household=home,
                             start_date=D(2025, 4, 1), end_date=D(2025, 4, 1))
    Visit.objects.create(kind="household", cadre=cadre, target_household=homes[0],
                         start_date=D(2025, 5, 1), end_date=D(2025, 5, 2))
    rows = rows_of(2025, D(2025, 12, 31))
    assert rows["GB1", "", "household_visits"].actual == 4
    assert rows["GB1", "", "household_visit_days"].actual == 3


def test_contact_point_visits_count_visits_that_start_in_the_window(district):
    leader = cadre_with("GB1", (district.root, C.STANDING_COMMITTEE, D(2020, 1, 1), None))
    AssignmentFactory(kind="leader_point", cadre=leader, target_org=district.east,
                      start_date=D(2024, 1, 1))
    for start in [D(2024, 12, 31), D(2025, 1, 5), D(2025, 6, 30), D(2025, 7, 2)]:
        Visit.objects.create(kind="leader_point", cadre=leader, target_org=district.east,
                             start_date=start, end_date=start + dt.timedelta(days=1))
    assert rows_of(2025, D(2025, 6, 30))["GB1", "", "contact_point_visits"].actual == 2


# --- status (§7) -----------------------------------------------------------------------------


def test_every_status(district):
    cadre = cadre_with("GB1", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    for day in range(1, 8):
        trip(cadre, D(2025, 1, day), None, district.e1)
    # expected at 06-30 = floor(15*181/365) = 7
    assert rows_of(2025, D(2025, 6, 30))["GB1", "", "research_days"].status == "on_track"
    assert rows_of(2025, D(2025, 12, 31))["GB1", "", "research_days"].status == "not_met"
    trip(cadre, D(2025, 2, 1), D(2025, 2, 8), district.e1)
    assert rows_of(2025, D(2025, 12, 31))["GB1", "", "research_days"].status == "met"
    other = cadre_with("GB2", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    trip(other, D(2025, 1, 1), None, district.e1)
    assert rows_of(2025, D(2025, 6, 30))["GB2", "", "research_days"].status == "behind"


def test_no_row_without_a_target(district):
    """A party member in a community owes none of the §2 quotas: only the pledge of §9."""
    cadre_with("GB1", (district.e1, C.PARTY_MEMBER, D(2020, 1, 1), None))
    assert [r.metric for r in compute_compliance(year=2025, as_of=D(2025, 12, 31))
            if r.subject_code == "GB1"] == ["pledge_published"]


# --- walkthrough (§5) ------------------------------------------------------------------------


def test_a_district_leader_walks_through_every_subdistrict_and_cluster(district):
    leader = cadre_with("GB1", (district.root, C.DISTRICT_LEADER, D(2020, 1, 1), None),
                        (district.east, C.SUBDISTRICT_LEADER, D(2020, 1, 1), None))
    trip(leader, D(2025, 3, 1), None, district.e1, district.e2)  # both in BSC01
    AssignmentFactory(kind="leader_point", cadre=leader, target_org=district.c1,
                      start_date=D(2024, 1, 1))
    Visit.objects.create(kind="leader_point", cadre=leader, target_org=district.c1,
                         start_date=D(2024, 12, 30), end_date=D(2025, 1, 1))
    row = rows_of(2025, D(2025, 6, 30))["GB1", "", "walkthrough"]
    # the district row applies first: BSC01, BSC02, JJQ01; visited BSC01 and JJQ01
    assert figures(row) == (3, 2, 1, "on_track")


def test_subdistrict_leaders_walk_through_the_communities_of_all_their_positions(district):
    cadre = cadre_with("GB1", (district.east, C.SUBDISTRICT_HEAD, D(2020, 1, 1), None),
                       (district.cluster, C.SUBDISTRICT_LEADER, D(2020, 1, 1), None),
                       (district.west, C.SUBDISTRICT_LEADER, D(2020, 1, 1), D(2025, 1, 31)))
    home = HouseholdFactory(community=district.c1)
    Visit.objects.create(kind="household", cadre=cadre, target_household=home,
                         start_date=D(2025, 2, 1), end_date=D(2025, 2, 1))
    trip(cadre, D(2025, 3, 1), None, district.e1, district.w1)  # w1 is no longer in charge
    row = rows_of(2025, D(2025, 12, 31))["GB1", "", "walkthrough"]
    assert figures(row) == (3, 2, 3, "not_met")


def test_community_cadres_walk_through_their_households(district):
    cadre = cadre_with("GB1", (district.e1, C.COMMUNITY_CADRE, D(2020, 1, 1), None))
    homes = [HouseholdFactory(community=district.e1) for _ in range(4)]
    elsewhere = HouseholdFactory(community=district.e2)
    for home in (homes[0], homes[1], elsewhere):
        Visit.objects.create(kind="household", cadre=cadre, target_household=home,
                             start_date=D(2025, 5, 1), end_date=D(2025, 5, 1))
    row = rows_of(2025, D(2025, 12, 31))["GB1", "", "walkthrough"]
    assert figures(row) == (4, 2, 4, "not_met")


def test_no_walkthrough_without_a_position_at_the_as_of_date(district):
    cadre_with("GB1", (district.e1, C.COMMUNITY_CADRE, D(2020, 1, 1), D(2025, 5, 31)))
    HouseholdFactory(community=district.e1)
    assert ("GB1", "", "walkthrough") not in rows_of(2025, D(2025, 12, 31))
    assert ("GB1", "", "walkthrough") in rows_of(2025, D(2025, 5, 31))


# --- coverage (§6) ---------------------------------------------------------------------------


def test_leader_coverage_counts_district_level_cadres_at_the_as_of_date(district):
    leader = cadre_with("GB1", (district.root, C.STANDING_COMMITTEE, D(2020, 1, 1), None))
    retired = cadre_with("GB2", (district.root, C.DISTRICT_LEADER, D(2020, 1, 1),
                                 D(2025, 3, 31)))
    head = cadre_with("GB3", (district.west, C.SUBDISTRICT_HEAD, D(2020, 1, 1), None))
    AssignmentFactory(kind="leader_point", cadre=leader, target_org=district.e1,
                      start_date=D(2024, 1, 1))
    AssignmentFactory(kind="leader_point", cadre=retired, target_org=district.east,
                      start_date=D(2024, 1, 1))
    AssignmentFactory(kind="leader_point", cadre=head, target_org=district.w1,
                      start_date=D(2024, 1, 1))
    rows = rows_of(2025, D(2025, 12, 31))
    assert figures(rows["BSC01", "", "leader_coverage"]) == (1, 1, 1, "met")
    assert figures(rows["BSC02", "", "leader_coverage"]) == (1, 0, 1, "not_met")
    assert rows_of(2025, D(2025, 3, 31))["BSC01", "", "leader_coverage"].actual == 2


def test_unit_and_household_coverage(district):
    AssignmentFactory(kind="unit_community", unit=district.unit, target_org=district.e1,
                      start_date=D(2024, 1, 1), end_date=D(2025, 6, 30))
    poor = HouseholdFactory(community=district.e1, is_poor=True)
    HouseholdFactory(community=district.e1, is_poor=False)
    helper = cadre_with("GB1", (district.e1, C.PARTY_MEMBER, D(2020, 1, 1), None))
    AssignmentFactory(kind="household", cadre=helper, target_household=poor,
                      start_date=D(2025, 2, 1))
    mid, end = rows_of(2025, D(2025, 6, 30)), rows_of(2025, D(2025, 12, 31))
    assert figures(mid["SQ11", "", "unit_coverage"]) == (1, 1, 1, "met")
    assert figures(end["SQ11", "", "unit_coverage"]) == (1, 0, 1, "not_met")
    assert figures(mid["SQ12", "", "unit_coverage"]) == (1, 0, 1, "behind")
    assert figures(end[poor.code, "", "household_coverage"]) == (1, 1, 1, "met")
    assert len([k for k in end if k[2] == "household_coverage"]) == 1


# --- quotas per year (§2) ----------------------------------------------------------------------


def test_a_years_quota_table_overrides_the_defaults_and_carries_forward(district):
    cadre_with("GB1", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    Quota.objects.create(year=2024, metric="research_days", category=C.SECTION_CADRE, value=10)
    assert rows_of(2023, D(2023, 12, 31))["GB1", "", "research_days"].target == 15
    assert rows_of(2024, D(2024, 12, 31))["GB1", "", "research_days"].target == 10
    assert rows_of(2025, D(2025, 12, 31))["GB1", "", "research_days"].target == 10


# --- the command (§8) --------------------------------------------------------------------------


def run_command(*args):
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            call_command("compliance", *args)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_the_org_option_restricts_subjects_to_the_subtree(district):
    cadre_with("GB1", (district.e1, C.COMMUNITY_CADRE, D(2020, 1, 1), None))
    cadre_with("GB2", (district.w1, C.COMMUNITY_CADRE, D(2020, 1, 1), None))
    HouseholdFactory(community=district.e1)
    HouseholdFactory(community=district.w1)
    code, out, _ = run_command("--year", "2025", "--as-of", "2025-12-31", "--org", "BSC01")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("subject_type,subject_code,subject_name,scope_code,metric,target,"
                        "actual,expected_to_date,status")
    subjects = {line.split(",")[1] for line in lines[1:]}
    assert subjects == {"GB1", "BSC01", "SQ11", "SQ12"}


def test_json_output_has_numbers_as_numbers(district):
    cadre_with("GB1", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    code, out, _ = run_command("--year", "2025", "--as-of", "2025-12-31", "--format", "json")
    rows = json.loads(out)
    row = next(r for r in rows if r["subject_code"] == "GB1" and r["metric"] == "research_days")
    assert row == {"subject_type": "cadre", "subject_code": "GB1", "subject_name": row[
        "subject_name"], "scope_code": "", "metric": "research_days", "target": 15,
        "actual": 0, "expected_to_date": 15, "status": "not_met"}


@pytest.mark.parametrize("args", [["--year", "2025", "--org", "NOPE"],
                                  ["--year", "2025", "--as-of", "2025-02-30"],
                                  ["--year", "2025", "--as-of", "2024-12-31"],
                                  ["--year", "abc"], ["--year", "2025", "--format", "xml"],
                                  []])
def test_bad_arguments_exit_2_with_one_line(db, args):
    code, out, err = run_command(*args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1


def test_the_rows_are_sorted_in_plain_character_order(district):
    cadre_with("GB10", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    cadre_with("GB9", (district.unit, C.DEPARTMENT_HEAD, D(2020, 1, 1), None))
    rows = compute_compliance(year=2025, as_of=D(2025, 12, 31))
    keys = [(r.subject_type, r.subject_code, r.scope_code, r.metric) for r in rows]
    assert keys == sorted(keys)
    assert [r.subject_code for r in rows if r.subject_type == "cadre"][0] == "GB10"


def test_unused_kinds_are_not_rows(district):
    assert ContactAssignment.objects.count() == 0
    assert {r.metric for r in compute_compliance(year=2025, as_of=D(2025, 12, 31))
            if r.metric in SECTIONS_2_TO_6} == {"leader_coverage", "unit_coverage"}


def test_one_cadres_progress_equals_their_rows_of_the_whole_district(district,
                                                                    django_assert_max_num_queries):
    first = cadre_with("GB1", (district.e1, C.COMMUNITY_CADRE, D(2020, 1, 1), None),
                       (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    other = cadre_with("GB2", (district.unit, C.SECTION_CADRE, D(2020, 1, 1), None))
    home = HouseholdFactory(community=district.e1)
    AssignmentFactory(kind="household", cadre=first, target_household=home,
                      start_date=D(2024, 1, 1))
    for cadre in (first, other):
        trip(cadre, D(2025, 3, 1), D(2025, 3, 3), district.e1)
        Visit.objects.create(kind="household", cadre=cadre, target_household=home,
                             start_date=D(2025, 4, 1), end_date=D(2025, 4, 1))
    everyone = [r for r in compute_compliance(year=2025, as_of=D(2025, 6, 30))
                if r.subject_code == "GB1"]
    own = compute_compliance(year=2025, as_of=D(2025, 6, 30), cadre=first)
    assert own == everyone
    assert {r.metric for r in own} == {
        "research_days", "household_visits", "household_visit_days", "walkthrough",
        "masses_talks", "pledge_published", "community_registration"}
