"""Random spot checks (双随机, spec/compliance.md §10): the sample is a pure function of the
seed, the frame and the records' order; verifiers are drawn at random, never from the
inspected unit nor the record's own cadre; the assigned verifier records the call-back; untrue
records leave the figures and are referred to 纪检监察, 无法核实 ones still count."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import Visit
from liaison.compliance.engine import compute_compliance
from liaison.models import Category, Organization, RecordVerification
from liaison.permissions import Role
from petitions.models import ReceptionDay
from research.models import ResearchTrip
from supervision import services
from supervision.models import ComplianceResult, ComplianceRun, SpotCheck, SpotCheckItem
from talks.models import Talk
from tests.conftest import make_user
from tests.factories import CadreFactory, HouseholdFactory, OrganizationFactory, PositionFactory

D = dt.date
R = SpotCheckItem.Result
KINDS = ["research_trip", "visit", "talk", "reception_day"]


@pytest.fixture
def world(db):
    """Two sub-districts (east with two communities, west with one) and a department; cadres
    with records of every kind in each community; an inspector in every unit."""
    T = Organization.Type
    root = OrganizationFactory(code="QD", name="示范区", type=T.DISTRICT)
    east = OrganizationFactory(code="BSC01", name="东城办事处", type=T.SUBDISTRICT, parent=root)
    west = OrganizationFactory(code="BSC02", name="西城办事处", type=T.SUBDISTRICT, parent=root)
    e1 = OrganizationFactory(code="SQ11", name="东城一社区", parent=east)
    e2 = OrganizationFactory(code="SQ12", name="东城二社区", parent=east)
    w1 = OrganizationFactory(code="SQ21", name="西城一社区", parent=west)
    dept = OrganizationFactory(code="BM01", name="区委组织部", type=T.DEPARTMENT, parent=root)
    cadres, records = {}, {}
    for org in (e1, e2, w1):
        cadre = CadreFactory(code=f"C{org.code}", name=f"{org.name}干部")
        PositionFactory(cadre=cadre, organization=org, category=Category.SECTION_CADRE,
                        start_date=D(2020, 1, 1))
        cadres[org.code] = cadre
        household = HouseholdFactory(community=org)
        rows = [ResearchTrip.objects.create(cadre=cadre, start_date=D(2025, m, 10),
                                            end_date=D(2025, m, 11), title=f"调研{m}")
                for m in (3, 4, 5)]
        rows.append(Visit.objects.create(kind="household", cadre=cadre,
                                         target_household=household,
                                         start_date=D(2025, 4, 1), end_date=D(2025, 4, 1)))
        rows.append(Talk.objects.create(code=f"T{org.code}", date=D(2025, 5, 1),
                                        initiator=cadre, type="daily", form="individual"))
        rows.append(ReceptionDay.objects.create(date=D(2025, 6, 1 + len(records)), host=cadre,
                                                received_by=cadre, mode="fixed"))
        records[org.code] = rows
    # Out of the frame: before the period, and a rota day nobody received on.
    ResearchTrip.objects.create(cadre=cadres["SQ11"], start_date=D(2024, 12, 1),
                                end_date=D(2024, 12, 1), title="去年")
    ReceptionDay.objects.create(date=D(2025, 7, 1), host=cadres["SQ11"], mode="fixed")
    inspectors = {org.code: make_user(Role.INSPECTOR, org, username=f"jj{org.code}")
                  for org in (root, east, west, e1, e2, w1, dept)}
    inspectors["zzb"] = make_user(Role.ORG_DEPT, east, username="zzb-east")
    # An inspector of the department who is also a cadre of 东城二社区: recused there.
    both = CadreFactory(code="CJJ", name="兼职干部")
    PositionFactory(cadre=both, organization=e2, category=Category.PARTY_MEMBER,
                    start_date=D(2020, 1, 1))
    both.user = inspectors["BM01"]
    both.save()
    # The cadre of 西城一社区 is an inspector too: never the verifier of their own records.
    inspectors["self"] = make_user(Role.INSPECTOR, dept, username="jj-self")
    cadres["SQ21"].user = inspectors["self"]
    cadres["SQ21"].save()
    return type("World", (), dict(root=root, east=east, west=west, e1=e1, e2=e2, w1=w1,
                                  dept=dept, cadres=cadres, records=records,
                                  inspectors=inspectors))


def frame(world, **overrides):
    values = dict(title="2025年抽查", organizer=world.root, kinds=KINDS,
                  period_start=D(2025, 1, 1), period_end=D(2025, 12, 31), sample_size=3)
    values.update(overrides)
    return SpotCheck(**values)


def create(world, units=None, pool=(), seed=None, **overrides):
    return services.spot_check_create(
        spot_check=frame(world, **overrides), units=units or [world.e1, world.e2, world.w1],
        pool=pool, acting_user=world.inspectors["QD"], seed=seed)


# --- the draw -------------------------------------------------------------------------------


def draw(world, seed, units=None):
    return services.spot_sample_draw(seed=seed, kinds=KINDS, period_start=D(2025, 1, 1),
                                     period_end=D(2025, 12, 31),
                                     units=units or [world.e1, world.e2, world.w1],
                                     sample_size=3)


def test_drawing_twice_with_the_same_seed_and_frame_gives_the_same_records(world):
    first = draw(world, "abc123")
    assert first == draw(world, "abc123")
    assert len(first) == 9  # three per unit
    # The seed decides: ten other seeds do not all give this sample.
    assert any(draw(world, f"seed-{n}") != first for n in range(10))


def test_the_sample_is_drawn_per_unit_from_its_subtree_in_the_frame(world):
    by_unit = {}
    for unit_id, kind, pk in draw(world, "x", units=[world.east, world.w1]):
        by_unit.setdefault(unit_id, []).append((kind, pk))
    assert {len(rows) for rows in by_unit.values()} == {3}
    in_frame = {(type(r)._meta.model_name, r.pk) for code in ("SQ11", "SQ12") for r in
                world.records[code]}
    names = {"research_trip": "researchtrip", "visit": "visit", "talk": "talk",
             "reception_day": "receptionday"}
    assert {(names[kind], pk) for kind, pk in by_unit[world.east.pk]} <= in_frame
    # A unit with fewer records than asked gives them all; the year before and a rota day
    # nobody received on are no records of the frame.
    everything = draw(world, "y", units=[world.e1])
    population = services.spot_population(kinds=KINDS, period_start=D(2025, 1, 1),
                                           period_end=D(2025, 12, 31), unit=world.e1)
    assert len(population) == 6
    big = services.spot_sample_draw(seed="y", kinds=KINDS, period_start=D(2025, 1, 1),
                                    period_end=D(2025, 12, 31), units=[world.e1],
                                    sample_size=50)
    assert sorted((k, pk) for _, k, pk in big) == sorted(population)
    assert len(everything) == 3


def test_the_stored_sample_is_redrawn_and_compared(world, client):
    spot = create(world)
    assert spot.seed and spot.items.count() == 9
    again = services.spot_check_redraw(spot_check=spot)
    assert again["equal"] and again["stored"] == again["again"]
    client.force_login(world.inspectors["QD"])
    page = client.get(reverse("supervision:spotcheck_redraw", args=[spot.pk]))
    assert "完全一致" in page.content.decode()

    # A record of the sample deleted afterwards: the redraw says the samples differ.
    trips = create(world, units=[world.e1], kinds=["research_trip"], seed="t")
    services.spot_record(trips.items.first()).delete()
    assert not services.spot_check_redraw(spot_check=trips)["equal"]
    page = client.get(reverse("supervision:spotcheck_redraw", args=[trips.pk]))
    assert "不一致" in page.content.decode()


def test_nested_units_and_an_empty_frame_are_refused(world):
    with pytest.raises(ValidationError, match="相互包含"):
        create(world, units=[world.east, world.e1])
    with pytest.raises(ValidationError, match="没有可抽取的记录"):
        create(world, period_start=D(2023, 1, 1), period_end=D(2023, 12, 31))
    assert not SpotCheck.objects.exists()


# --- verifiers and recusal -----------------------------------------------------------------


def test_no_verifier_belongs_to_the_inspected_unit_or_verifies_their_own_record(world):
    inspector_orgs = {}
    for user in world.inspectors.values():
        paths = set(user.role_grants.values_list("organization__path", flat=True))
        cadre = getattr(user, "cadre", None)
        if cadre is not None:
            paths |= set(cadre.positions.values_list("organization__path", flat=True))
        inspector_orgs[user.pk] = (paths, cadre.pk if cadre else None)
    verifiers = set()
    for n in range(8):
        spot = create(world, seed=f"recusal-{n}", sample_size=6)
        for item in spot.items.select_related("unit"):
            paths, own = inspector_orgs[item.verifier_id]
            assert not any(path.startswith(item.unit.path) for path in paths), item
            assert item.cadre_id != own
            verifiers.add(item.verifier_id)
    assert world.inspectors["SQ11"].pk not in {
        i.verifier_id for i in SpotCheckItem.objects.filter(unit=world.e1)}
    assert world.inspectors["BM01"].pk not in {
        i.verifier_id for i in SpotCheckItem.objects.filter(unit=world.e2)}
    assert world.inspectors["self"].pk not in {
        i.verifier_id for i in SpotCheckItem.objects.filter(cadre=world.cadres["SQ21"])}
    assert len(verifiers) > 3  # drawn at random among the eligible, not always the same


def test_a_pool_with_nobody_eligible_is_refused_in_chinese(world):
    with pytest.raises(ValidationError, match="回避"):
        create(world, units=[world.e1], pool=[world.inspectors["SQ11"]])
    with pytest.raises(ValidationError, match="回避"):
        # The district's inspector belongs to every unit of the district.
        create(world, units=[world.root], pool=[world.inspectors["QD"]])
    spot = create(world, units=[world.e1], pool=[world.inspectors["SQ21"]])
    assert set(spot.items.values_list("verifier", flat=True)) == {world.inspectors["SQ21"].pk}


# --- the call-back and its result -------------------------------------------------------------


def trip_item(world, verifier_code="SQ21"):
    """A spot check of 东城一社区's trips, verified by the inspector of 西城一社区."""
    spot = create(world, units=[world.e1], kinds=["research_trip"], sample_size=1,
                  pool=[world.inspectors[verifier_code]])
    return spot.items.get()


def research_days(cadre):
    return next(r.actual for r in compute_compliance(year=2025, as_of=D(2025, 12, 31))
                if r.metric == "research_days" and r.subject_id == cadre.pk)


def callback(item, user, result):
    return services.spot_item_verify(item=item, callee="社区书记王某", result=result,
                                     called_at=timezone.now() - dt.timedelta(hours=1),
                                     statement="电话回访：确有此次调研", acting_user=user)


def test_only_the_assigned_verifier_records_the_call_back(world):
    item = trip_item(world)
    with pytest.raises(PermissionDenied):
        callback(item, world.inspectors["QD"], R.TRUE)
    with pytest.raises(ValidationError) as error:
        services.spot_item_verify(item=item, callee="", called_at=None, statement="",
                                  result="maybe", acting_user=world.inspectors["SQ21"])
    assert set(error.value.message_dict) == {"callee", "called_at", "statement", "result"}
    callback(item, world.inspectors["SQ21"], R.TRUE)
    item.refresh_from_db()
    assert item.result == R.TRUE and item.callee == "社区书记王某" and item.verified_at


def test_an_untrue_result_removes_the_record_and_a_later_true_restores_it(world):
    item = trip_item(world)
    cadre = world.cadres["SQ11"]
    assert research_days(cadre) == 6  # three trips of two days
    callback(item, world.inspectors["SQ21"], R.UNTRUE)
    assert research_days(cadre) == 4
    latest = RecordVerification.objects.get(object_id=item.object_id, latest=True)
    assert latest.result == R.UNTRUE and latest.recorded_by == world.inspectors["SQ21"]
    callback(item, world.inspectors["SQ21"], R.TRUE)
    assert research_days(cadre) == 6
    callback(item, world.inspectors["SQ21"], R.UNVERIFIABLE)
    assert research_days(cadre) == 6  # 无法核实 still counts


def test_recording_a_result_recomputes_the_years_concerned(world,
                                                            django_capture_on_commit_callbacks):
    item = trip_item(world)
    with django_capture_on_commit_callbacks(execute=True):
        callback(item, world.inspectors["SQ21"], R.UNTRUE)
    run = ComplianceRun.objects.get(year=2025, as_of=D(2025, 12, 31))
    assert run.status == "done", run.error
    row = ComplianceResult.objects.get(run=run, metric="research_days",
                                       subject_id=world.cadres["SQ11"].pk)
    assert row.actual == 4


# --- pages ------------------------------------------------------------------------------------


def test_an_inspector_creates_a_spot_check_from_the_frame_form(world, client):
    client.force_login(world.inspectors["QD"])
    assert client.get(reverse("supervision:spotcheck_create")).status_code == 200
    response = client.post(reverse("supervision:spotcheck_create"), {
        "title": "二季度抽查", "organizer": world.root.pk, "kinds": ["research_trip", "visit"],
        "period_start": "2025-01-01", "period_end": "2025-12-31", "sample_size": 2,
        "units": [world.e1.pk, world.w1.pk]})
    assert response.status_code == 302, response.content.decode()
    spot = SpotCheck.objects.get()
    assert spot.items.count() == 4 and spot.seed
    page = client.get(spot.get_absolute_url()).content.decode()
    assert "东城一社区干部" in page and "重新抽取核对" in page
    listing = client.get(reverse("supervision:spotcheck_list")).content.decode()
    assert "二季度抽查" in listing and "已核实 0/4" in listing


def test_the_frame_form_says_what_is_wrong_in_chinese(world, client):
    client.force_login(world.inspectors["QD"])
    response = client.post(reverse("supervision:spotcheck_create"), {
        "title": "抽查", "organizer": world.root.pk, "kinds": ["research_trip"],
        "period_start": "2025-12-31", "period_end": "2025-01-01", "sample_size": 2,
        "units": [world.e1.pk], "pool": [world.inspectors["SQ11"].pk]})
    assert response.status_code == 200
    assert "截止日期不能早于起始日期" in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_the_call_back_page_is_the_assigned_verifiers_only(world, client):
    item = trip_item(world)
    url = reverse("supervision:spotitem_verify", args=[item.pk])
    client.force_login(world.inspectors["QD"])  # reads the spot check, is not its verifier
    assert client.get(item.spot_check.get_absolute_url()).status_code == 200
    assert client.get(url).status_code == 404
    assert client.post(url, {"result": "untrue"}).status_code == 404
    client.force_login(world.inspectors["SQ21"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"callee": "住户李某", "called_at": "2025-08-01T10:00",
                                 "statement": "没有见过该干部", "result": "untrue"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.result == R.UNTRUE and item.statement == "没有见过该干部"


def test_untrue_records_are_referred_to_the_inspectors_with_an_excel_export(world, client):
    item = trip_item(world)
    callback(item, world.inspectors["SQ21"], R.UNTRUE)
    referrals = reverse("supervision:spot_referrals")
    client.force_login(world.inspectors["QD"])
    page = client.get(referrals).content.decode()
    assert "东城一社区干部" in page and "电话回访" in page
    export = client.get(referrals + "?export=xlsx")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("抽查", "序号", "被抽查单位") and len(rows) == 2
    assert "不属实" in rows[1] and "东城一社区干部" in rows[1]
    # 组织部 keeps spot checks but the referral list is 纪检监察's.
    client.force_login(world.inspectors["zzb"])
    assert client.get(referrals).status_code == 403
    # A later 属实 takes it off the list.
    callback(item, world.inspectors["SQ21"], R.TRUE)
    client.force_login(world.inspectors["QD"])
    assert "东城一社区干部" not in client.get(referrals).content.decode()


def test_unverifiable_records_are_listed_for_the_inspectors(world, client):
    item = trip_item(world)
    url = reverse("supervision:spot_unverifiable")
    client.force_login(world.inspectors["zzb"])
    assert "东城一社区干部" not in client.get(url).content.decode()
    callback(item, world.inspectors["SQ21"], R.UNVERIFIABLE)
    assert "东城一社区干部" in client.get(url).content.decode()
    assert client.get(url + "?export=xlsx").status_code == 200


def test_spot_checks_are_no_business_of_the_inspected_units(world, client):
    spot = create(world, units=[world.e1])
    for role in (Role.UNIT_ADMIN, Role.CADRE, Role.PETITIONS):
        user = make_user(role, world.e1)
        client.force_login(user)
        for name in ("spotcheck_list", "spotitem_list", "spot_referrals",
                     "spot_unverifiable", "spotcheck_create"):
            assert client.get(reverse(f"supervision:{name}")).status_code == 403
        assert client.get(spot.get_absolute_url()).status_code in (403, 404)


def test_an_inspector_out_of_scope_does_not_see_the_spot_check(world, client):
    spot = create(world, units=[world.e1], organizer=world.east,
                  pool=[world.inspectors["SQ21"]])
    client.force_login(world.inspectors["SQ12"])  # neither organizer, nor over e1, nor drawn
    assert client.get(spot.get_absolute_url()).status_code == 404
    assert "2025年抽查" not in client.get(reverse("supervision:spotcheck_list")).content.decode()
    client.force_login(world.inspectors["SQ21"])  # the drawn verifier reads it
    assert client.get(spot.get_absolute_url()).status_code == 200


def test_the_demo_builds_a_spot_check_with_results(world):
    import random

    from supervision.demo import spot_checks_demo

    spot_checks_demo(random.Random(3), D(2025, 12, 31))
    spot = SpotCheck.objects.get()
    assert spot.items.exists()
    assert spot.items.exclude(result="").exists()
    assert services.spot_check_redraw(spot_check=spot)["equal"]


@pytest.mark.parametrize("name", ["spotcheck_list", "spotitem_list", "spot_referrals"])
def test_the_lists_take_as_many_queries_for_many_spot_checks_as_for_one(world, client, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(f"supervision:{name}")).status_code == 200
        return len(captured)

    def untrue_item(seed):
        item = create(world, units=[world.e1], seed=seed, sample_size=2,
                      pool=[world.inspectors["SQ21"]]).items.first()
        callback(item, world.inspectors["SQ21"], R.UNTRUE)

    untrue_item("one")
    client.force_login(world.inspectors["QD"])
    one = queries()
    for n in range(3):
        untrue_item(f"more-{n}")
    assert queries() == one


def test_verifiers_are_told_and_untrue_records_reach_the_inspectors_over_the_unit(world):
    from liaison.models import Notification

    item = trip_item(world)
    verifier = world.inspectors["SQ21"]
    assert Notification.objects.filter(user=verifier, text__contains="核查人").count() == 1
    callback(item, verifier, R.UNTRUE)
    told = set(Notification.objects.filter(text__contains="不属实").values_list(
        "user__username", flat=True))
    # 纪检监察 of the district, of 东城 and of 东城一社区 itself; not 西城's nor 组织部.
    assert told == {"jjQD", "jjBSC01", "jjSQ11"}
