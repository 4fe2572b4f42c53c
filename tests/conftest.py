import datetime as dt
import io
import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from liaison.models import Category, ContactAssignment, Organization
from liaison.permissions import Role
from opinions.models import Answer, Opinion, OpinionAnalysis, Question, Questionnaire
from petitions.models import Petition, ReceptionDay
from pledges.models import (
    Pledge,
    PledgePost,
    PledgeProgress,
    ProgressEvidence,
    Registration,
    ServiceActivity,
)
from supervision.models import (
    ComplianceRun,
    FlagRun,
    Inspection,
    PlausibilityFlag,
    Rectification,
    ReportFile,
)
from talks.models import Talk
from tests.factories import (
    MINIMAL_PDF,
    AssignmentFactory,
    CadreFactory,
    HouseholdFactory,
    OrganizationFactory,
    PositionFactory,
    ResearchReportFactory,
    ResearchTopicFactory,
    ResearchTripFactory,
    TripAttachmentFactory,
    UserFactory,
    VisitFactory,
    grant,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "examples"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server browser tests


@pytest.fixture
def example_dir() -> Path:
    path = EXAMPLES / "basic"
    assert path.is_dir(), f"shared examples not found at {path}"
    return path


PASSWORD = "Passw0rd!x"  # tests.factories.UserFactory's


def totp_code(user) -> str:
    """The user's current TOTP code, as their authenticator app shows it."""
    secret = decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login_with_totp(client, user, next_url="/admin/"):
    """The whole allauth login, password then TOTP code (the admin wants a session that used
    MFA); returns the last response."""
    response = client.post(f"{reverse('account_login')}?next={next_url}",
                           {"login": user.username, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})


@pytest.fixture(autouse=True)
def jobs_in_the_test_transaction(request, settings):
    """Background jobs run in a thread of the web process (liaison.background), whose own
    database connection cannot see a test's uncommitted rows: tests run them inline. Tests
    marked `background_threads` (with committed data: transactional or live-server tests) keep
    the threads, as `make run` has them."""
    if request.node.get_closest_marker("background_threads") is None:
        settings.BACKGROUND_THREADS = False


@pytest.fixture(autouse=True)
def fresh_cache():
    """allauth keeps rate limits and used TOTP codes in the cache, which outlives a test. The
    cache is the database table (as under `make run`): a test without database access can
    neither clear it nor use it."""

    def clear():
        try:
            cache.clear()
        except RuntimeError:  # pytest-django: "Database access not allowed"
            pass

    clear()
    yield
    clear()


def png_bytes(color=(30, 120, 200)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), color).save(out, "PNG")
    return out.getvalue()


PHOTO_PNG = png_bytes()


def make_user(role: str, organization, *, with_totp: bool = True, **kwargs):
    user = UserFactory(**kwargs)
    grant(user, role, organization)
    if role in Role.MFA_REQUIRED and with_totp:
        TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def tree(db):
    """Two sub-districts with a community each, a unit, and people in both halves.

    Everything named `*_in` lies under 东城 (BSC01); everything `*_out` under 西城 (BSC02),
    outside the scope of every scoped test user.
    """
    T = Organization.Type
    district = OrganizationFactory(code="QD", name="示范区", type=T.DISTRICT)
    east = OrganizationFactory(code="BSC01", name="东城办事处", type=T.SUBDISTRICT, parent=district)
    west = OrganizationFactory(code="BSC02", name="西城办事处", type=T.SUBDISTRICT, parent=district)
    unit = OrganizationFactory(code="BM01", name="区委组织部", type=T.DEPARTMENT, parent=district)
    community_in = OrganizationFactory(code="SQ0101", name="东城一社区", parent=east)
    community_out = OrganizationFactory(code="SQ0201", name="西城一社区", parent=west)
    cadre_in = CadreFactory(code="GB001", name="张三")
    position_in = PositionFactory(cadre=cadre_in, organization=community_in,
                                  category=Category.COMMUNITY_CADRE)
    cadre_out = CadreFactory(code="GB002", name="李四")
    position_out = PositionFactory(cadre=cadre_out, organization=community_out,
                                   category=Category.COMMUNITY_CADRE)
    household_in = HouseholdFactory(code="HH001", community=community_in, is_poor=True)
    household_out = HouseholdFactory(code="HH002", community=community_out, is_poor=True)
    K = ContactAssignment.Kind
    assignment_in = AssignmentFactory(kind=K.HOUSEHOLD, cadre=cadre_in,
                                      target_household=household_in,
                                      start_date=dt.date(2024, 1, 1))
    assignment_out = AssignmentFactory(kind=K.HOUSEHOLD, cadre=cadre_out,
                                       target_household=household_out,
                                       start_date=dt.date(2024, 1, 1))
    # Ledger records, one of each model on each side.
    topic_in = ResearchTopicFactory(organization=community_in, title="东城课题")
    topic_out = ResearchTopicFactory(organization=community_out, title="西城课题")
    trip_in = ResearchTripFactory(cadre=cadre_in, places=[community_in], topic=topic_in)
    trip_out = ResearchTripFactory(cadre=cadre_out, places=[community_out])
    attachment_in = TripAttachmentFactory(trip=trip_in)
    attachment_out = TripAttachmentFactory(trip=trip_out)
    report_in = ResearchReportFactory(cadre=cadre_in, file=ContentFile(MINIMAL_PDF, "r.pdf"))
    report_out = ResearchReportFactory(cadre=cadre_out, file=ContentFile(MINIMAL_PDF, "r.pdf"))
    visit_in = VisitFactory(cadre=cadre_in, target_household=household_in)
    visit_out = VisitFactory(cadre=cadre_out, target_household=household_out)
    # Petitions: the rota is the district's (no scope); cases follow their handling unit.
    leader_in = PositionFactory(cadre=CadreFactory(code="GB100", name="东城区领导"),
                                organization=east, category=Category.DISTRICT_LEADER,
                                start_date=dt.date(2020, 1, 1)).cadre
    reception_in = ReceptionDay.objects.create(date=dt.date(2025, 3, 5), host=leader_in,
                                               received_by=leader_in, mode="fixed")
    reception_out = ReceptionDay.objects.create(date=dt.date(2025, 3, 6), host=cadre_out,
                                                received_by=cadre_out, mode="fixed")
    petition_in = Petition.objects.create(
        code="XF-IN", received_on=dt.date(2025, 3, 5), channel="visit",
        petitioner_name="钱某某", petitioner_phone="13800001111", summary="东城的事",
        handling_unit=community_in, responsible=cadre_in, decision_due=dt.date(2025, 3, 20))
    petition_out = Petition.objects.create(
        code="XF-OUT", received_on=dt.date(2025, 3, 5), channel="visit",
        petitioner_name="孙某某", summary="西城的事", handling_unit=community_out,
        responsible=cadre_out, decision_due=dt.date(2025, 3, 20))
    # Talks follow their initiator; opinions their units; pledges and registrations a cadre.
    talk_in = Talk.objects.create(code="TH-IN", date=dt.date(2025, 4, 2), initiator=cadre_in,
                                  type="masses", form="casual", summary="低保续办的难处",
                                  opinions_raised="路灯不亮\n垃圾清运不及时")
    talk_in.households.set([household_in])
    talk_out = Talk.objects.create(code="TH-OUT", date=dt.date(2025, 4, 2), initiator=cadre_out,
                                   type="masses", form="casual", summary="西城的谈话")
    talk_out.households.set([household_out])
    opinion_in = Opinion.objects.create(
        code="YJ-IN", received_on=dt.date(2025, 3, 3), channel="box", collecting_unit=community_in,
        handling_unit=community_in, content="增设健身器材", submitter_contact="13900002222",
        feedback_due=dt.date(2025, 4, 2))
    opinion_out = Opinion.objects.create(
        code="YJ-OUT", received_on=dt.date(2025, 3, 3), channel="box",
        collecting_unit=community_out, handling_unit=community_out, content="西城的意见",
        feedback_due=dt.date(2025, 4, 2))
    analysis_in = OpinionAnalysis.objects.create(unit=east, date=dt.date(2025, 3, 28),
                                                 title="一季度群众意见分析")
    analysis_out = OpinionAnalysis.objects.create(unit=west, date=dt.date(2025, 3, 28),
                                                  title="西城一季度分析")
    # 征求意见表 follow their unit; each has a text question answered once.
    questionnaire_in, question_in, answer_in = questionnaire_with_answer(
        community_in, "东城社区服务征求意见表", "qn-in", "希望增加夜间照明")
    questionnaire_out, question_out, answer_out = questionnaire_with_answer(
        community_out, "西城社区服务征求意见表", "qn-out", "西城的回答")
    pledge_in = Pledge.objects.create(cadre=cadre_in, year=2025, organization=community_in,
                                      items="每周入户走访；组织邻里活动",
                                      published_on=dt.date(2025, 3, 1))
    pledge_out = Pledge.objects.create(cadre=cadre_out, year=2025, organization=community_out,
                                       items="帮扶独居老人；参加志愿服务")
    # A progress note on each pledge, each with a photo: pledge_in is published (its photo is
    # on the public board), pledge_out is not (its photo must never be).
    progress_in = PledgeProgress.objects.create(pledge=pledge_in, item=1, date=dt.date(2025, 4, 1),
                                                status="in_progress", note="已走访 8 户")
    progress_out = PledgeProgress.objects.create(pledge=pledge_out, item=1,
                                                 date=dt.date(2025, 4, 1),
                                                 status="in_progress", note="西城的进展")
    evidence_in = ProgressEvidence.objects.create(
        progress=progress_in, file=ContentFile(PHOTO_PNG, "e.png"), original_name="走访照片.png",
        content_type="image/png", size=len(PHOTO_PNG))
    evidence_out = ProgressEvidence.objects.create(
        progress=progress_out, file=ContentFile(PHOTO_PNG, "e.png"), original_name="西城照片.png",
        content_type="image/png", size=len(PHOTO_PNG))
    post_in = PledgePost.objects.create(name="便民服务窗口", kind="vanguard",
                                        organization=community_in, responsibilities="代办服务")
    post_in.members.set([cadre_in])
    post_out = PledgePost.objects.create(name="西城服务窗口", kind="vanguard",
                                         organization=community_out, responsibilities="代办服务")
    activity_in = ServiceActivity.objects.create(community=community_in, kind="activity",
                                                 title="清理楼道小广告", date=dt.date(2025, 4, 5))
    activity_out = ServiceActivity.objects.create(community=community_out, kind="need",
                                                  title="西城的需求", date=dt.date(2025, 4, 5))
    registration_in = Registration.objects.create(cadre=cadre_in, community=community_in,
                                                  start_date=dt.date(2025, 3, 1))
    registration_out = Registration.objects.create(cadre=cadre_out, community=community_out,
                                                   start_date=dt.date(2025, 3, 1))
    # Supervision: a computation, and report files that only their requester may open.
    run_in = ComplianceRun.objects.create(year=2025, as_of=dt.date(2025, 12, 31))
    someone = UserFactory(username="someone-else")
    reportfile_in = ReportFile.objects.create(kind="bulletin", requested_by=someone)
    reportfile_out = ReportFile.objects.create(kind="bulletin", requested_by=someone)
    # Inspections organized by each sub-district of its community, with an item each.
    inspection_in = Inspection.objects.create(
        title="东城联系群众工作督查", regularity="phased", timing="scheduled", manner="open",
        organizer=east, start_date=dt.date(2025, 5, 6), end_date=dt.date(2025, 5, 8),
        inspectors="督查员甲、督查员乙", findings="走访记录不全")
    inspection_in.units.set([community_in])
    rectification_in = Rectification.objects.create(
        inspection=inspection_in, unit=community_in, problem="走访记录不全",
        deadline=dt.date(2025, 6, 30))
    inspection_out = Inspection.objects.create(
        title="西城联系群众工作督查", regularity="phased", timing="scheduled", manner="open",
        organizer=west, start_date=dt.date(2025, 5, 6), end_date=dt.date(2025, 5, 8),
        inspectors="督查员丙")
    inspection_out.units.set([community_out])
    rectification_out = Rectification.objects.create(
        inspection=inspection_out, unit=community_out, problem="台账缺失",
        deadline=dt.date(2025, 6, 30))
    # A plausibility flag on each side: on a trip of each side's cadre.
    from django.contrib.contenttypes.models import ContentType

    flag_run = FlagRun.objects.create(status=FlagRun.Status.DONE)
    trip_type = ContentType.objects.get_for_model(trip_in)
    flag_in = PlausibilityFlag.objects.create(
        run=flag_run, rule="backdated", content_type=trip_type, object_id=trip_in.pk,
        cadre=cadre_in, org_path=community_in.path, organization=community_in,
        date=trip_in.start_date, detail="东城的提示")
    flag_out = PlausibilityFlag.objects.create(
        run=flag_run, rule="backdated", content_type=trip_type, object_id=trip_out.pk,
        cadre=cadre_out, org_path=community_out.path, organization=community_out,
        date=trip_out.start_date, detail="西城的提示")


    # Spot checks organized by each sub-district of its community's trip; the walk's items
    # have no verifier (the call-back page is the verifier's: tests/supervision).
    spotcheck_in, spotitem_in = spot_check_of(east, community_in, trip_in)
    spotcheck_out, spotitem_out = spot_check_of(west, community_out, trip_out)
    return SimpleNamespace(**locals())


def spot_check_of(organizer, unit, trip):
    from django.contrib.contenttypes.models import ContentType

    from supervision.models import SpotCheck, SpotCheckItem

    spot_check = SpotCheck.objects.create(
        title=f"{unit.name}调研抽查", organizer=organizer, kinds=["research_trip"],
        period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), sample_size=1,
        seed="walk")
    spot_check.units.set([unit])
    item = SpotCheckItem.objects.create(
        spot_check=spot_check, position=1, unit=unit, kind="research_trip",
        content_type=ContentType.objects.get_for_model(trip), object_id=trip.pk,
        cadre=trip.cadre, record_date=trip.start_date, description=str(trip))
    return spot_check, item


def questionnaire_with_answer(unit, title: str, key: str, text: str):
    questionnaire = Questionnaire.objects.create(
        unit=unit, title=title, key=key, starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 3, 31))
    question = Question.objects.create(questionnaire=questionnaire, position=1, kind="text",
                                       text="您对社区服务有什么建议？", required=True)
    response = questionnaire.responses.create()
    answer = Answer.objects.create(response=response, question=question, text=text)
    return questionnaire, question, answer


SYSTEMS = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "systems"


@pytest.fixture
def roster(db):
    """The systems example's organizations and cadres (../shared/examples/systems)."""
    for kind in ("organizations", "cadres"):
        call_command("import_data", kind, str(SYSTEMS / f"{kind}.csv"), stdout=io.StringIO())


@pytest.fixture
def users(tree):
    """One user per role, all scoped to 东城 (the cadre is GB001 of 东城一社区)."""
    cadre_user = make_user(Role.CADRE, tree.community_in, username="ganbu")
    tree.cadre_in.user = cadre_user
    tree.cadre_in.save()
    org_dept = make_user(Role.ORG_DEPT, tree.east, username="zzb")
    tree.reportfile_in.requested_by = org_dept  # a report file is its requester's alone
    tree.reportfile_in.save()
    return SimpleNamespace(
        cadre=cadre_user,
        unit_admin=make_user(Role.UNIT_ADMIN, tree.east, username="dwgly"),
        org_dept=org_dept,
        inspector=make_user(Role.INSPECTOR, tree.east, username="jjjc"),
        sysadmin=make_user(Role.SYSADMIN, tree.district, username="sysadmin"),
        # District-wide in production; scoped to 东城 here like the others, so that every
        # `*_out` record is out of reach of every test user.
        petitions=make_user(Role.PETITIONS, tree.east, username="xfb"),
    )


@pytest.fixture(autouse=True)
def media_root(request, settings, tmp_path):
    """Uploaded files go to a fresh directory per test, never to var/media; tests marked
    `real_media_root` keep MEDIA_ROOT exactly as the settings read it (as `make run` has it)."""
    if request.node.get_closest_marker("real_media_root") is None:
        settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
