"""Plausibility flags (可信度提示, issue #13): each rule flags the data that crosses its
threshold and leaves alone the data that just misses it."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from contactpoints.models import Visit
from liaison.models import Category, Organization
from liaison.plausibility import RULES, Scan, rule_descriptions, thresholds
from pledges.models import Pledge, PledgeProgress, ProgressEvidence
from research.models import ResearchReport, ResearchTrip, TripAttachment
from research.services import trip_attachment_add
from talks.models import Talk, TalkConfirmation
from tests.conftest import PHOTO_PNG, png_bytes
from tests.factories import (
    MINIMAL_PDF,
    CadreFactory,
    HouseholdFactory,
    OrganizationFactory,
    PositionFactory,
    ResearchTripFactory,
    UserFactory,
    VisitFactory,
)

NOW = timezone.make_aware(dt.datetime(2026, 6, 15, 12, 0))
DAY = dt.date(2026, 5, 10)


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def entered(record, when: dt.datetime, by=None):
    """The record as if entered at `when` (auto_now_add cannot be given)."""
    fields = {"created_at": when}
    if by is not None:
        fields["entered_by"] = by
    type(record).objects.filter(pk=record.pk).update(**fields)
    return record


def flagged(code: str, now=NOW) -> set[tuple[type, int]]:
    return {(f.model, f.object_id) for f in RULES[code].find(Scan.today(now))}


def findings(code: str, now=NOW) -> list:
    return list(RULES[code].find(Scan.today(now)))


@pytest.fixture
def place(db):
    T = Organization.Type
    district = OrganizationFactory(code="QD", name="示范区", type=T.DISTRICT)
    east = OrganizationFactory(code="BSC01", name="东城办事处", type=T.SUBDISTRICT, parent=district)
    west = OrganizationFactory(code="BSC02", name="西城办事处", type=T.SUBDISTRICT, parent=district)
    east_one = OrganizationFactory(code="SQ0101", name="东城一社区", parent=east)
    east_two = OrganizationFactory(code="SQ0102", name="东城二社区", parent=east)
    west_one = OrganizationFactory(code="SQ0201", name="西城一社区", parent=west)
    cadre = CadreFactory(code="GB001", name="张三")
    PositionFactory(cadre=cadre, organization=east_one, category=Category.COMMUNITY_CADRE)
    return SimpleNamespace(**locals())


def trip(cadre, day, title, places, **kwargs):
    return ResearchTripFactory(cadre=cadre, start_date=day, title=title, places=places, **kwargs)


# --- 1 backdating ---------------------------------------------------------------------------


def test_a_record_entered_31_days_after_its_date_is_flagged_30_is_not(place):
    late = entered(trip(place.cadre, DAY, "晚31天", [place.east_one]),
                   at(DAY + dt.timedelta(days=31), 9))
    on_time = entered(trip(place.cadre, DAY, "晚30天", [place.east_one]),
                      at(DAY + dt.timedelta(days=30), 23, 59))
    assert flagged("backdated") == {(ResearchTrip, late.pk)}
    [finding] = findings("backdated")
    assert finding.cadre_id == place.cadre.pk and finding.date == DAY
    assert "晚 31 天" in finding.detail
    assert on_time.pk not in {pk for _, pk in flagged("backdated")}


def test_backdating_covers_every_kind_of_record_and_names_its_cadre(place):
    household = HouseholdFactory(community=place.east_one)
    visit = entered(VisitFactory(cadre=place.cadre, target_household=household, start_date=DAY),
                    at(DAY + dt.timedelta(days=40)))
    talk = entered(Talk.objects.create(code="TH1", date=DAY, initiator=place.cadre,
                                       type="masses", form="casual"),
                   at(DAY + dt.timedelta(days=40)))
    found = {(f.model, f.object_id): f for f in findings("backdated")}
    assert set(found) == {(Visit, visit.pk), (Talk, talk.pk)}
    assert found[(Talk, talk.pk)].cadre_id == place.cadre.pk  # the talk's initiator


def test_the_backdating_threshold_is_read_from_the_settings(place, settings):
    record = entered(trip(place.cadre, DAY, "晚20天", [place.east_one]),
                     at(DAY + dt.timedelta(days=20)))
    assert flagged("backdated") == set()
    settings.PLAUSIBILITY = {"BACKDATING_DAYS": 19}
    assert flagged("backdated") == {(ResearchTrip, record.pk)}
    assert "19 天" in dict((c, d) for c, _, d in rule_descriptions())["backdated"]


def test_a_misspelt_threshold_fails_loudly(settings):
    settings.PLAUSIBILITY = {"BACKDATE_DAYS": 10}
    with pytest.raises(ValueError, match="BACKDATE_DAYS"):
        thresholds()


# --- 2 burst of entries -------------------------------------------------------------------------


def burst(place, user, count: int, spread_days: int, visits: int = 0, start=None):
    """`count` trips (and `visits` household visits) entered by `user` within a few hours,
    dated from DAY - spread_days to DAY."""
    start = start or at(dt.date(2026, 6, 1), 8)
    records = []
    for n in range(count + visits):
        offset = spread_days if n == 0 else (0 if n == 1 else n % spread_days)
        day = DAY - dt.timedelta(days=offset)
        if n < count:
            record = trip(place.cadre, day, f"{user.username}-{n}", [place.east_one])
        else:
            household = HouseholdFactory(community=place.east_one)
            record = VisitFactory(cadre=place.cadre, target_household=household, start_date=day)
        records.append(entered(record, start + dt.timedelta(minutes=30 * n), by=user))
    return records


def test_twenty_records_in_a_day_spread_over_61_days_are_flagged(place):
    records = burst(place, UserFactory(username="clerk"), 20, 61)
    assert flagged("burst") == {(ResearchTrip, r.pk) for r in records}
    assert "录入人 clerk" in findings("burst")[0].detail
    assert "20 条" in findings("burst")[0].detail


def test_a_burst_across_midnight_is_flagged(place):
    records = burst(place, UserFactory(username="clerk"), 20, 61,
                    start=at(dt.date(2026, 6, 1), 23))
    assert flagged("burst") == {(ResearchTrip, r.pk) for r in records}


def test_nineteen_records_are_not_a_burst(place):
    burst(place, UserFactory(username="clerk"), 19, 61)
    assert flagged("burst") == set()


def test_a_spread_of_exactly_60_days_is_not_a_burst(place):
    burst(place, UserFactory(username="clerk"), 20, 60)
    assert flagged("burst") == set()


def test_a_burst_counts_records_of_every_kind_together(place):
    records = burst(place, UserFactory(username="clerk"), 15, 61, visits=5)
    assert flagged("burst") == {(type(r), r.pk) for r in records}
    assert {type(r) for r in records} == {ResearchTrip, Visit}


def test_twenty_records_over_more_than_24_hours_are_not_a_burst(place):
    start = at(dt.date(2026, 6, 1), 8)
    records = burst(place, UserFactory(username="clerk"), 20, 61, start=start)
    # The last record entered 25 hours after the first: no 24-hour window holds 20.
    entered(records[-1], start + dt.timedelta(hours=25))
    assert flagged("burst") == set()


# --- 3 household visits in a day -------------------------------------------------------------


def visits_on(place, cadre, day, count):
    return [VisitFactory(cadre=cadre, start_date=day,
                         target_household=HouseholdFactory(community=place.east_one))
            for _ in range(count)]


def test_nine_household_visits_in_a_day_are_flagged_eight_are_not(place):
    busy = visits_on(place, place.cadre, DAY, 9)
    other = CadreFactory(code="GB002", name="李四")
    visits_on(place, other, DAY, 8)
    visits_on(place, place.cadre, DAY + dt.timedelta(days=1), 8)
    assert flagged("busy_day") == {(Visit, v.pk) for v in busy}
    assert "共登记入户走访 9 户" in findings("busy_day")[0].detail


def test_the_visits_threshold_follows_the_settings(place, settings):
    eight = visits_on(place, place.cadre, DAY, 8)
    settings.PLAUSIBILITY = {"HOUSEHOLD_VISITS_PER_DAY": 7}
    assert flagged("busy_day") == {(Visit, v.pk) for v in eight}


# --- 4 a record elsewhere during a research trip ---------------------------------------------


def household_visit(place, community, day):
    return VisitFactory(cadre=place.cadre, start_date=day,
                        target_household=HouseholdFactory(community=community))


def test_a_visit_outside_the_trips_places_on_a_trip_day_is_flagged(place):
    trip(place.cadre, DAY, "东城调研", [place.east_one], end_date=DAY + dt.timedelta(days=1))
    away = household_visit(place, place.west_one, DAY + dt.timedelta(days=1))
    at_the_place = household_visit(place, place.east_one, DAY)
    other_day = household_visit(place, place.west_one, DAY + dt.timedelta(days=2))
    # 东城二社区 is a sibling of the place, not inside it: away too.
    sibling = household_visit(place, place.east_two, DAY)
    assert flagged("away_on_trip") == {(Visit, away.pk), (Visit, sibling.pk)}
    assert {at_the_place.pk, other_day.pk}.isdisjoint({pk for _, pk in flagged("away_on_trip")})
    detail = next(f.detail for f in findings("away_on_trip") if f.object_id == away.pk)
    assert "西城一社区" in detail and "东城调研" in detail


def test_a_target_inside_a_place_or_containing_it_is_not_away(place):
    trip(place.cadre, DAY, "办事处调研", [place.east])  # the sub-district: its communities
    inside = household_visit(place, place.east_two, DAY)
    trip(place.cadre, DAY + dt.timedelta(days=3), "社区调研", [place.east_one])
    containing = VisitFactory(kind="leader_point", cadre=place.cadre, target_org=place.east,
                              start_date=DAY + dt.timedelta(days=3))
    assert flagged("away_on_trip") == set()
    assert inside.pk and containing.pk


def test_any_place_of_any_trip_that_day_counts(place):
    trip(place.cadre, DAY, "东城调研", [place.east_one])
    trip(place.cadre, DAY, "西城调研", [place.west_one])
    household_visit(place, place.west_one, DAY)
    assert flagged("away_on_trip") == set()


def test_another_cadres_trip_does_not_count(place):
    other = CadreFactory(code="GB002", name="李四")
    trip(other, DAY, "东城调研", [place.east_one])
    household_visit(place, place.west_one, DAY)
    assert flagged("away_on_trip") == set()


def test_a_talk_with_a_household_elsewhere_on_a_trip_day_is_flagged(place):
    trip(place.cadre, DAY, "东城调研", [place.east_one])
    away = Talk.objects.create(code="TH1", date=DAY, initiator=place.cadre, type="masses",
                               form="casual")
    away.households.set([HouseholdFactory(community=place.west_one)])
    near = Talk.objects.create(code="TH2", date=DAY, initiator=place.cadre, type="masses",
                               form="casual")
    near.households.set([HouseholdFactory(community=place.east_one)])
    assert flagged("away_on_trip") == {(Talk, away.pk)}


# --- 5 one file on different records -----------------------------------------------------------


def attach(record_trip, data: bytes, sha: str | None = None):
    import hashlib

    return TripAttachment.objects.create(
        trip=record_trip, file=ContentFile(data, "a.png"), original_name="照片.png",
        content_type="image/png", size=len(data),
        sha256=hashlib.sha256(data).hexdigest() if sha is None else sha)


def test_the_same_file_on_two_records_flags_both(place):
    first = trip(place.cadre, DAY, "一", [place.east_one])
    second = trip(place.cadre, DAY + dt.timedelta(days=5), "二", [place.east_one])
    attach(first, PHOTO_PNG)
    attach(second, PHOTO_PNG)
    third = trip(place.cadre, DAY + dt.timedelta(days=9), "三", [place.east_one])
    attach(third, png_bytes((1, 2, 3)))  # a different file
    assert flagged("same_file") == {(ResearchTrip, first.pk), (ResearchTrip, second.pk)}
    assert "SHA-256" in findings("same_file")[0].detail


def test_the_same_file_twice_on_one_record_is_not_flagged(place):
    only = trip(place.cadre, DAY, "一", [place.east_one])
    attach(only, PHOTO_PNG)
    attach(only, PHOTO_PNG)
    assert flagged("same_file") == set()


def test_the_same_file_across_kinds_of_record_is_flagged(place):
    import hashlib

    first = trip(place.cadre, DAY, "一", [place.east_one])
    attach(first, PHOTO_PNG)
    pledge = Pledge.objects.create(cadre=place.cadre, year=2026, organization=place.east_one,
                                   items="走访", published_on=DAY)
    progress = PledgeProgress.objects.create(pledge=pledge, item=1, date=DAY,
                                             status="in_progress", note="进展")
    ProgressEvidence.objects.create(progress=progress, file=ContentFile(PHOTO_PNG, "e.png"),
                                    original_name="e.png", content_type="image/png",
                                    size=len(PHOTO_PNG),
                                    sha256=hashlib.sha256(PHOTO_PNG).hexdigest())
    assert flagged("same_file") == {(ResearchTrip, first.pk), (Pledge, pledge.pk)}


def test_an_uploaded_attachment_gets_its_hash(place):
    import hashlib

    user = UserFactory()
    record = trip(place.cadre, DAY, "一", [place.east_one])
    upload = SimpleUploadedFile("现场.pdf", MINIMAL_PDF, content_type="application/pdf")
    attachment = trip_attachment_add(trip=record, upload=upload, acting_user=user)
    with attachment.file.open("rb") as stored:
        assert attachment.sha256 == hashlib.sha256(stored.read()).hexdigest()


def test_the_command_fills_the_hashes_of_older_attachments(place):
    import hashlib

    record = trip(place.cadre, DAY, "一", [place.east_one])
    older = attach(record, PHOTO_PNG, sha="")
    report = ResearchReport.objects.create(cadre=place.cadre, title="报告", submitted_on=DAY,
                                           file=ContentFile(MINIMAL_PDF, "r.pdf"))
    assert report.file_sha256 == ""
    out = io.StringIO()
    call_command("attachment_hashes", stdout=out)
    older.refresh_from_db()
    report.refresh_from_db()
    assert older.sha256 == hashlib.sha256(PHOTO_PNG).hexdigest()
    assert report.file_sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert "已补算 2 个" in out.getvalue()


# --- 6 unconfirmed talks --------------------------------------------------------------------


def talk_with(place, code, participant, entered_at):
    talk = Talk.objects.create(code=code, date=DAY, initiator=place.cadre, type="daily",
                               form="individual")
    talk.cadres.set([participant])
    return entered(talk, entered_at)


def test_a_talk_unconfirmed_8_days_after_entry_is_flagged(place):
    member = CadreFactory(code="GB009", name="王五")
    waiting = talk_with(place, "TH1", member, NOW - dt.timedelta(days=8))
    confirmed = talk_with(place, "TH2", member, NOW - dt.timedelta(days=8))
    TalkConfirmation.objects.create(talk=confirmed, cadre=member)
    recent = talk_with(place, "TH3", member, NOW - dt.timedelta(days=6))
    assert flagged("unconfirmed") == {(Talk, waiting.pk)}
    [finding] = findings("unconfirmed")
    assert finding.cadre_id == place.cadre.pk and "1 名参与干部未确认" in finding.detail
    assert recent.pk != waiting.pk


def test_a_talk_without_participating_cadres_is_not_unconfirmed(place):
    talk = Talk.objects.create(code="TH1", date=DAY, initiator=place.cadre, type="masses",
                               form="casual")
    talk.households.set([HouseholdFactory(community=place.east_one)])
    entered(talk, NOW - dt.timedelta(days=30))
    assert flagged("unconfirmed") == set()


def test_every_rule_says_in_plain_words_what_it_flags():
    words = {code: (title, text) for code, title, text in rule_descriptions()}
    assert set(words) == {"backdated", "burst", "busy_day", "away_on_trip", "same_file",
                          "unconfirmed"}
    assert "30 天" in words["backdated"][1]
    assert "20 条" in words["burst"][1] and "60 天" in words["burst"][1]
    assert "8 户" in words["busy_day"][1]
    assert "7 天" in words["unconfirmed"][1]


def test_a_report_file_gets_its_hash_when_saved_and_loses_it_when_removed(place):
    import hashlib

    from research.services import report_save

    user = UserFactory()
    report = ResearchReport(cadre=place.cadre, title="报告", submitted_on=DAY,
                            file=SimpleUploadedFile("r.pdf", MINIMAL_PDF))
    report = report_save(report=report, acting_user=user)
    assert report.file_sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    report.file = None
    report_save(report=report, acting_user=user)
    report.refresh_from_db()
    assert report.file_sha256 == ""
