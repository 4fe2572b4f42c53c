"""Walks every URL pattern of the platform with every role, in scope and out of scope.

Anonymous users are sent to the login page; a role not allowed a URL gets 403 or 404; an
object outside the user's scope is 403 or 404, never data. Who is allowed comes from the model's
policy for a model's standard pages (list, create, detail, edit, delete, history: see
liaison.permissions.Policy), so a new model is walked the moment its pages exist; pages that
state their own roles are listed in ACCESS. A page that is neither fails the walk.
"""

import copy

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contactpoints.models import Visit
from liaison import permissions as P
from liaison.generic_views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)
from liaison.models import (
    Cadre,
    ContactAssignment,
    Household,
    Organization,
    PersonalDataAccess,
    Position,
)
from liaison.permissions import Role, policy_of
from opinions.models import (
    Answer,
    Opinion,
    OpinionAnalysis,
    Option,
    Question,
    Questionnaire,
    QuestionnaireResponse,
)
from petitions.models import Petition, ReceptionDay
from pledges.models import (
    Pledge,
    PledgePost,
    PledgeProgress,
    ProgressEvidence,
    Registration,
    ServiceActivity,
)
from research.models import ResearchReport, ResearchTopic, ResearchTrip, TripAttachment
from supervision.models import (
    ComplianceRun,
    Inspection,
    PlausibilityFlag,
    Rectification,
    ReportFile,
    SpotCheck,
    SpotCheckItem,
)
from talks.models import Talk

CADRE, UNIT_ADMIN, ORG_DEPT, INSPECTOR, SYSADMIN, PETITIONS = (
    "cadre", "unit_admin", "org_dept", "inspector", "sysadmin", "petitions")
ALL = {CADRE, UNIT_ADMIN, ORG_DEPT, INSPECTOR, SYSADMIN, PETITIONS}
LIAISON = ALL - {PETITIONS}  # the contact-and-serve ledgers' roles (Role.LIAISON)
READERS = {UNIT_ADMIN, ORG_DEPT, INSPECTOR, SYSADMIN}
ROSTER = {UNIT_ADMIN, ORG_DEPT, SYSADMIN}
ORG = {ORG_DEPT, SYSADMIN}
LOGGERS = {CADRE, UNIT_ADMIN, ORG_DEPT, SYSADMIN}
HISTORY = {ORG_DEPT, INSPECTOR, SYSADMIN}
STANDARD_VIEWS = (ObjectListView, ObjectDetailView, ObjectEditView, ObjectDeleteView,
                  ObjectHistoryView)

# Pages that are not a model's standard pages: url name -> roles that may GET it.
ACCESS = {
    "home": ALL,
    "organization_tree": ALL,
    "cadre_logins": ORG,
    "import_index": ROSTER | {PETITIONS},  # every role with an import kind of its own
    "import_upload": ROSTER,
    "import_confirm": ROSTER,
    "import_cancel": ROSTER,
    "import_job": ROSTER,  # the user's own latest background import of the kind
    "import_template": ROSTER,
    "workbench": {CADRE, SYSADMIN},
    "notifications": ALL,
    "mfa_setup_continue": ALL,  # a redirect on to the user's own start page
    "coverage": READERS,
    # A household's personal data, revealed by its linked cadre (the walk's cadre is linked to
    # HH001) and the admin of its community (#15); never by 组织部, 纪检监察 or a sysadmin.
    "household_reveal": {CADRE, UNIT_ADMIN},
    "research:attachment_create": LOGGERS,
    "research:attachment_download": LIAISON,
    "research:attachment_delete": LOGGERS,
    "research:report_file": LIAISON,
    "research:report_review": ROSTER,
    "research:topic_review": ORG,
    "contactpoints:leader_visit_create": LOGGERS,
    "contactpoints:unit_visit_create": ROSTER,
    "contactpoints:household_visit_create": LOGGERS,
    "supervision:dashboard": READERS,
    # The walk opens the petitions page; each section's own roles are tested in its app.
    "supervision:section": READERS | {PETITIONS},
    "supervision:trends": READERS | {PETITIONS},
    "supervision:run_create": ORG,
    "supervision:run_detail": READERS,
    "supervision:lagging": READERS,
    "supervision:cadre_report": LIAISON,
    "supervision:cadre_pdf": LIAISON,
    "supervision:unit_pdf": READERS,
    # 述职素材: the walk's cadre holds no leading position, so nobody gets one for them;
    # tests/supervision/test_self_report.py walks every role with a leader.
    "supervision:self_report": set(),
    "supervision:bulletin": HISTORY,
    "supervision:official_bulletin": ORG,  # 组织部 gives the 红头 bulletin its 文号
    "supervision:report_detail": {ORG_DEPT},  # only the requester's own file (see tree)
    "supervision:quotas": HISTORY,
    "supervision:years": HISTORY,
    "supervision:inspection_publish": HISTORY,  # 组织部 and 纪检监察 keep inspections
    # A new item needs ?inspection=<pk> (tests/supervision/test_inspections.py).
    "supervision:rectification_create": set(),
    "supervision:rectification_report": {UNIT_ADMIN},  # the responsible unit's admins
    "supervision:rectification_review": HISTORY,
    "supervision:flag_run": HISTORY,  # 组织部 and 纪检监察 recompute the plausibility flags


    # 双随机抽查: 组织部 and 纪检监察 (supervision.scopes.INSPECTORS) redraw a spot check; the
    # call-back is its drawn verifier's only, and the walk's item has none
    # (tests/supervision/test_spot_checks.py); untrue records are referred to 纪检监察.
    "supervision:spotcheck_redraw": HISTORY,
    "supervision:spotitem_verify": set(),
    "supervision:spot_referrals": {INSPECTOR, SYSADMIN},
    "supervision:spot_unverifiable": HISTORY,
    "talks:talk_opinion_forward": {CADRE, ORG_DEPT, SYSADMIN},
    # Only a cadre who took part in the talk; the walk's talk has none (tests/talks has it).
    "talks:talk_confirm": set(),
    # The office's steps; the walk's case is XF-IN, whose responsible person is the cadre
    # (the decision step, the first open, is the office's).
    "petitions:petition_step": {PETITIONS, SYSADMIN},
    # Only once answered: the walk's case is not.
    "petitions:petition_letter": set(),
    "petitions:reception_calendar": ALL,
    "petitions:petition_opinion_forward": {PETITIONS, SYSADMIN},
    "petitions:reception_feed_link": {CADRE},  # a cadre's own; a sysadmin is no cadre
    "petitions:reception_feed": ALL,
    "talks:secretary_list": READERS,
    "talks:secretary_detail": READERS,
    "talks:team_list": READERS,
    "talks:team_matrix": READERS,
    "opinions:opinion_publish": ROSTER,
    "opinions:opinion_answer": ROSTER,
    "opinions:analysis": READERS,
    "opinions:poster": ROSTER,
    "opinions:public_form": ALL,
    "opinions:public_feedback": ALL,
    "opinions:public_feedback_unit": ALL,
    "opinions:questionnaire_close": ROSTER,
    "opinions:questionnaire_results": READERS,
    "opinions:questionnaire_poster": ROSTER,
    "opinions:questionnaire_public": ALL,
    "opinions:answer_opinion": ROSTER,
    "pledges:pledge_progress": LOGGERS,
    "pledges:pledge_amend": LOGGERS,
    # Evidence of progress notes: added and deleted by who changes the pledge, downloaded by
    # who reads it; the public board's photos by their key (no login).
    "pledges:evidence_create": LOGGERS,
    "pledges:evidence_download": LIAISON,
    "pledges:evidence_delete": LOGGERS,
    "pledges:public_evidence": ALL,
    "pledges:poster": ROSTER,
    "pledges:board": ALL,
    "pledges:public_review": ALL,
    "pledges:pledge_review": {CADRE, UNIT_ADMIN, ORG_DEPT, SYSADMIN},
    "pledges:review_codes": ROSTER,
    "pledges:pledge_submit": LOGGERS,
    "pledges:pledge_publish": LOGGERS,
    # A Party secretary (a cadre: the walk's cadre leads no organization) or the unit admin.
    "pledges:pledge_vet": {UNIT_ADMIN, SYSADMIN},
    "pledges:vetting": {CADRE, UNIT_ADMIN, SYSADMIN},
    "pledges:grade_sheet": READERS,
    # A registered member signs up (the walk's cadre is registered with 东城一社区).
    "pledges:activity_signup": {CADRE, SYSADMIN},
    "pledges:activity_hours": ROSTER,
    "pledges:registration_letter": READERS,
}
# Pages open without a login (the public's side of the opinions and pledges systems).
PUBLIC = {"opinions:public_form", "opinions:public_feedback", "opinions:public_feedback_unit",
          "opinions:questionnaire_public",
          "pledges:board", "pledges:public_review", "pledges:public_evidence",
          "petitions:reception_feed"}
ROLE_NAMES = {Role.CADRE: CADRE, Role.UNIT_ADMIN: UNIT_ADMIN, Role.ORG_DEPT: ORG_DEPT,
              Role.INSPECTOR: INSPECTOR, Role.SYSADMIN: SYSADMIN, Role.PETITIONS: PETITIONS}


def policy_roles(pattern) -> set[str] | None:
    """The roles the model's policy allows on one of its standard pages, else None."""
    view = pattern.callback.view_class
    if not issubclass(view, STANDARD_VIEWS) or view.allowed_roles is not None:
        return None
    kwargs = {"pk": 1} if "<int:pk>" in str(pattern.pattern) else {}
    roles = view.roles_allowed(pattern.callback.view_initkwargs, kwargs)
    return {ROLE_NAMES[r] for r in roles} | {SYSADMIN}


def allowed(pattern) -> set[str]:
    if pattern.name in ACCESS:
        return ACCESS[pattern.name]
    roles = policy_roles(pattern)
    assert roles is not None, f"{pattern.name}: no policy and not listed in ACCESS"
    return roles


POST_ONLY = {"import_confirm", "import_cancel", "supervision:run_create", "supervision:bulletin",
             "household_reveal", "talks:talk_opinion_forward", "talks:talk_confirm",
             "petitions:petition_opinion_forward", "opinions:questionnaire_close",
             "opinions:answer_opinion", "pledges:pledge_submit",
             "pledges:pledge_publish", "pledges:activity_signup", "pledges:activity_hours",
             "supervision:inspection_publish", "supervision:rectification_report",
             "supervision:rectification_review", "supervision:flag_run"}
# Pages whose objects carry no scoped data: a run's progress shows no figures.
UNSCOPED = {"supervision:run_detail",
            # The reception rota is the district's, published to every role.
            "petitions:reception_detail", "petitions:reception_history"}
# Prefixes that belong to Django's admin and allauth, tested on their own.
FOREIGN_PREFIXES = ("admin/", "accounts/")


def platform_patterns(resolver=None, prefix="", namespace=""):
    """Every pattern, named as reverse() wants it ("research:trip_list" in an app namespace)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(FOREIGN_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from platform_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            if namespace:
                entry = copy.copy(entry)
                entry.name = namespace + entry.name
            yield entry


def model_of(pattern):
    return pattern.callback.view_initkwargs.get(
        "model", getattr(pattern.callback.view_class, "model", None))


def url_for(pattern, objects):
    kwargs = {}
    if "<int:pk>" in str(pattern.pattern):
        kwargs["pk"] = objects[model_of(pattern)].pk
    if "<int:number>" in str(pattern.pattern):
        kwargs["number"] = 1
    if "<str:kind>" in str(pattern.pattern):
        kwargs["kind"] = "households"
    if "<str:token>" in str(pattern.pattern):
        from petitions.calendars import feed_token

        kwargs["token"] = feed_token(objects[Cadre].pk)
    if "<str:step>" in str(pattern.pattern):
        kwargs["step"] = "decide"
    if "<slug:name>" in str(pattern.pattern):
        kwargs["name"] = "petitions"
    if "<str:code>" in str(pattern.pattern):  # a unit's public pages and poster
        kwargs["code"] = objects[Organization].code
    if "<slug:key>" in str(pattern.pattern):  # a questionnaire's public page
        kwargs["key"] = objects[Questionnaire].key
    if "<uuid:key>" in str(pattern.pattern):  # a photo on a pledge board
        kwargs["key"] = objects[ProgressEvidence].key
    return reverse(pattern.name, kwargs=kwargs)


def objects_in(tree):
    return {Organization: tree.community_in, Cadre: tree.cadre_in, Position: tree.position_in,
            Household: tree.household_in, ContactAssignment: tree.assignment_in,
            ResearchTrip: tree.trip_in, TripAttachment: tree.attachment_in,
            ResearchReport: tree.report_in, ResearchTopic: tree.topic_in, Visit: tree.visit_in,
            ComplianceRun: tree.run_in, ReportFile: tree.reportfile_in,
            Inspection: tree.inspection_in, Rectification: tree.rectification_in,
            SpotCheck: tree.spotcheck_in, SpotCheckItem: tree.spotitem_in,
            Petition: tree.petition_in, ReceptionDay: tree.reception_in, Talk: tree.talk_in,
            Opinion: tree.opinion_in, OpinionAnalysis: tree.analysis_in,
            Questionnaire: tree.questionnaire_in, Answer: tree.answer_in,
            Pledge: tree.pledge_in, Registration: tree.registration_in,
            PledgePost: tree.post_in, ServiceActivity: tree.activity_in,
            PledgeProgress: tree.progress_in, ProgressEvidence: tree.evidence_in,
            PlausibilityFlag: tree.flag_in}


def objects_out(tree):
    return {Organization: tree.community_out, Cadre: tree.cadre_out,
            Position: tree.position_out, Household: tree.household_out,
            ContactAssignment: tree.assignment_out, ResearchTrip: tree.trip_out,
            TripAttachment: tree.attachment_out, ResearchReport: tree.report_out,
            ResearchTopic: tree.topic_out, Visit: tree.visit_out,
            ComplianceRun: tree.run_in, ReportFile: tree.reportfile_out,
            Inspection: tree.inspection_out, Rectification: tree.rectification_out,
            SpotCheck: tree.spotcheck_out, SpotCheckItem: tree.spotitem_out,
            Petition: tree.petition_out, ReceptionDay: tree.reception_out,
            Talk: tree.talk_out, Opinion: tree.opinion_out, OpinionAnalysis: tree.analysis_out,
            Questionnaire: tree.questionnaire_out, Answer: tree.answer_out,
            Pledge: tree.pledge_out, Registration: tree.registration_out,
            PledgePost: tree.post_out, ServiceActivity: tree.activity_out,
            PledgeProgress: tree.progress_out, ProgressEvidence: tree.evidence_out,
            PlausibilityFlag: tree.flag_out}


PATTERNS = list(platform_patterns())


def test_every_url_states_who_may_use_it():
    names = {p.name for p in PATTERNS}
    assert set(ACCESS) <= names, f"stale: {set(ACCESS) - names}"
    unstated = [p.name for p in PATTERNS if p.name not in ACCESS and policy_roles(p) is None]
    assert not unstated, f"neither a policy nor listed in ACCESS: {unstated}"


def test_the_walk_covers_every_page_of_the_platform():
    # 73 pages before the policies: none may drop out of the walk.
    assert len(PATTERNS) >= 73


# The policies of the core's and apps' models, as the design says (a change here is a
# change of who may do what: review it as such).
EXPECTED_POLICIES = {
    Organization: (ALL, ORG, HISTORY, {SYSADMIN}),
    Cadre: (LIAISON, ROSTER, HISTORY, {SYSADMIN}),
    Position: (LIAISON, ROSTER, HISTORY, {SYSADMIN}),
    # Masked for everyone (reveal_only); the unit admin of the community and the linked
    # cadres (personal_rows) may reveal. SYSADMIN is listed by names() for every policy, but a
    # reveal_only policy gives system administrators nothing (tests/liaison/test_household_privacy.py).
    Household: (LIAISON, ROSTER, HISTORY, {UNIT_ADMIN, SYSADMIN}),
    ContactAssignment: (LIAISON, ORG, HISTORY, {SYSADMIN}),
    ResearchTrip: (LIAISON, LOGGERS, HISTORY, {SYSADMIN}),
    ResearchReport: (LIAISON, LOGGERS, HISTORY, {SYSADMIN}),
    ResearchTopic: (LIAISON, ROSTER, HISTORY, {SYSADMIN}),
    Visit: (LIAISON, LOGGERS, HISTORY, {SYSADMIN}),
    Petition: ({CADRE, UNIT_ADMIN, ORG_DEPT, INSPECTOR, PETITIONS, SYSADMIN},
               {PETITIONS, SYSADMIN}, {PETITIONS, INSPECTOR, SYSADMIN}, {PETITIONS, SYSADMIN}),
    ReceptionDay: (ALL, {PETITIONS, SYSADMIN}, HISTORY, {SYSADMIN}),
    PersonalDataAccess: ({INSPECTOR, SYSADMIN}, {SYSADMIN}, {SYSADMIN}, {SYSADMIN}),
    # A talk's content is its "personal data": 组织部, 纪检监察 and the people in the talk.
    Talk: (LIAISON, LOGGERS, HISTORY, {ORG_DEPT, INSPECTOR, SYSADMIN}),
    Opinion: (READERS, ROSTER, HISTORY, ROSTER),
    OpinionAnalysis: (READERS, ROSTER, HISTORY, {SYSADMIN}),
    # 征求意见表 and their parts follow the collecting unit; answers are anonymous.
    Questionnaire: (READERS, ROSTER, HISTORY, {SYSADMIN}),
    Question: (READERS, ROSTER, HISTORY, {SYSADMIN}),
    Option: (READERS, ROSTER, HISTORY, {SYSADMIN}),
    QuestionnaireResponse: (READERS, ROSTER, HISTORY, {SYSADMIN}),
    Answer: (READERS, ROSTER, HISTORY, {SYSADMIN}),
    Pledge: (LIAISON, LOGGERS, HISTORY, {SYSADMIN}),
    Registration: (LIAISON, LOGGERS, HISTORY, {SYSADMIN}),
    # 设岗定责 is the unit's: its admins and 组织部 keep the posts.
    PledgePost: (LIAISON, ROSTER, HISTORY, {SYSADMIN}),
    # A community's needs list and volunteer activities are its keepers'.
    ServiceActivity: (LIAISON, ROSTER, HISTORY, {SYSADMIN}),
    # 组织部 and 纪检监察 keep inspections; the inspected units' admins read theirs.
    Inspection: (READERS, HISTORY, HISTORY, {SYSADMIN}),
    Rectification: (READERS, HISTORY, HISTORY, {SYSADMIN}),
    # Plausibility flags are computed, never edited, and read by 组织部 and 纪检监察 only.
    PlausibilityFlag: (HISTORY, {SYSADMIN}, {SYSADMIN}, {SYSADMIN}),


    # 双随机抽查 are the inspectors' own: never the inspected units'.
    SpotCheck: (HISTORY, HISTORY, HISTORY, {SYSADMIN}),
    SpotCheckItem: (HISTORY, HISTORY, HISTORY, {SYSADMIN}),
}


@pytest.mark.parametrize("model", EXPECTED_POLICIES, ids=lambda m: m.__name__)
def test_each_models_policy_is_as_designed(model):
    policy = policy_of(model)

    def names(action):
        return {ROLE_NAMES[r] for r in policy.roles_for(action)} | {SYSADMIN}

    assert (names(P.VIEW), names(P.CHANGE), names(P.HISTORY), names(P.PERSONAL_DATA)) == \
        EXPECTED_POLICIES[model]
    assert names(P.LIST) == (READERS if model is Cadre else EXPECTED_POLICIES[model][0])


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if p.name not in PUBLIC],
                         ids=lambda p: p.name)
def test_anonymous_users_are_sent_to_login(client, tree, pattern):
    response = client.get(url_for(pattern, objects_in(tree)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_the_public_pages_open_without_a_login(client, tree, name):
    pattern = next(p for p in PATTERNS if p.name == name)
    assert client.get(url_for(pattern, objects_in(tree))).status_code == 200


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_each_role_gets_exactly_its_pages(client, users, tree, role, pattern):
    client.force_login(getattr(users, role))
    url = url_for(pattern, objects_in(tree))
    response = client.post(url) if pattern.name in POST_ONLY else client.get(url)
    if role in allowed(pattern):
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/"), response["Location"]
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("role", sorted(ALL - {SYSADMIN}))
@pytest.mark.parametrize(
    "pattern", [p for p in PATTERNS if "<int:pk>" in str(p.pattern) and p.name not in UNSCOPED],
    ids=lambda p: p.name,
)
def test_objects_outside_the_scope_are_never_shown(client, users, tree, role, pattern):
    client.force_login(getattr(users, role))
    url = url_for(pattern, objects_out(tree))
    response = client.post(url) if pattern.name in POST_ONLY else client.get(url)
    assert response.status_code in (403, 404)


# 纪检监察 "runs spot checks ... never edits records" (DESIGN.md §1): the ledgers and the
# roster. Inspections and their rectification items are the inspectors' own work.
INSPECTORS_OWN = ("supervision:inspection_", "supervision:rectification_",
                  "supervision:spotcheck_")


@pytest.mark.parametrize(
    "pattern",
    [p for p in PATTERNS if p.name.endswith(("_edit", "_delete", "_create"))
     and not p.name.startswith(INSPECTORS_OWN)],
    ids=lambda p: p.name,
)
def test_inspectors_cannot_change_anything(client, users, tree, pattern):
    client.force_login(users.inspector)
    before = {m: list(m.objects.order_by("pk").values()) for m in objects_in(tree)}
    response = client.post(url_for(pattern, objects_in(tree)), {"code": "X", "name": "X"})
    assert response.status_code in (403, 404)
    assert before == {m: list(m.objects.order_by("pk").values()) for m in objects_in(tree)}
