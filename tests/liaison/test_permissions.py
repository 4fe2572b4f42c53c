"""Walks every URL pattern of the platform with every role, in scope and out of scope.

Anonymous users are sent to the login page; a role not listed for a URL gets 403 or 404;
an object outside the user's scope is 403 or 404, never data. A URL missing from ACCESS
fails the walk, so every new page must state who may use it.
"""

import copy

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contactpoints.models import Visit
from liaison.models import Cadre, ContactAssignment, Household, Organization, Position
from research.models import ResearchReport, ResearchTopic, ResearchTrip, TripAttachment
from supervision.models import ComplianceRun, ReportFile

CADRE, UNIT_ADMIN, ORG_DEPT, INSPECTOR, SYSADMIN = (
    "cadre", "unit_admin", "org_dept", "inspector", "sysadmin")
ALL = {CADRE, UNIT_ADMIN, ORG_DEPT, INSPECTOR, SYSADMIN}
READERS = {UNIT_ADMIN, ORG_DEPT, INSPECTOR, SYSADMIN}
ROSTER = {UNIT_ADMIN, ORG_DEPT, SYSADMIN}
ORG = {ORG_DEPT, SYSADMIN}
LOGGERS = {CADRE, UNIT_ADMIN, ORG_DEPT, SYSADMIN}
HISTORY = {ORG_DEPT, INSPECTOR, SYSADMIN}

# url name -> roles that may GET it (with an object in their scope)
ACCESS = {
    "home": ALL,
    "organization_tree": ALL,
    "organization_list": ALL,
    "organization_create": ORG,
    "organization_detail": ALL,
    "organization_edit": ORG,
    "organization_delete": ORG,
    "organization_history": {ORG_DEPT, INSPECTOR, SYSADMIN},
    "cadre_list": READERS,
    "cadre_create": ROSTER,
    "cadre_logins": ORG,
    "cadre_detail": ALL,
    "cadre_edit": ROSTER,
    "cadre_delete": ROSTER,
    "cadre_history": {ORG_DEPT, INSPECTOR, SYSADMIN},
    "position_create": ROSTER,
    "position_edit": ROSTER,
    "position_delete": ROSTER,
    "household_list": ALL,
    "household_create": ROSTER,
    "household_detail": ALL,
    "household_edit": ROSTER,
    "household_delete": ROSTER,
    "household_history": {ORG_DEPT, INSPECTOR, SYSADMIN},
    "assignment_list": ALL,
    "coverage": READERS,
    "assignment_create": ORG,
    "assignment_detail": ALL,
    "assignment_edit": ORG,
    "assignment_delete": ORG,
    "contactassignment_history": {ORG_DEPT, INSPECTOR, SYSADMIN},
    "import_index": ROSTER,
    "import_upload": ROSTER,
    "import_confirm": ROSTER,
    "import_template": ROSTER,
    "workbench": {CADRE, SYSADMIN},
    "research:trip_list": ALL,
    "research:trip_create": LOGGERS,
    "research:trip_detail": ALL,
    "research:trip_edit": LOGGERS,
    "research:trip_delete": LOGGERS,
    "research:trip_history": HISTORY,
    "research:attachment_create": LOGGERS,
    "research:attachment_download": ALL,
    "research:attachment_delete": LOGGERS,
    "research:report_list": ALL,
    "research:report_create": LOGGERS,
    "research:report_detail": ALL,
    "research:report_edit": LOGGERS,
    "research:report_delete": LOGGERS,
    "research:report_history": HISTORY,
    "research:report_file": ALL,
    "research:report_review": ROSTER,
    "research:topic_list": ALL,
    "research:topic_create": ROSTER,
    "research:topic_detail": ALL,
    "research:topic_edit": ROSTER,
    "research:topic_delete": ROSTER,
    "research:topic_history": HISTORY,
    "research:topic_review": ORG,
    "contactpoints:visit_list": ALL,
    "contactpoints:leader_visit_create": LOGGERS,
    "contactpoints:unit_visit_create": ROSTER,
    "contactpoints:household_visit_create": LOGGERS,
    "contactpoints:visit_detail": ALL,
    "contactpoints:visit_edit": LOGGERS,
    "contactpoints:visit_delete": LOGGERS,
    "contactpoints:visit_history": HISTORY,
    "supervision:dashboard": READERS,
    "supervision:run_create": ORG,
    "supervision:run_detail": READERS,
    "supervision:lagging": READERS,
    "supervision:cadre_report": ALL,
    "supervision:cadre_pdf": ALL,
    "supervision:unit_pdf": READERS,
    "supervision:bulletin": HISTORY,
    "supervision:report_detail": {ORG_DEPT},  # only the requester's own file (see tree)
    "supervision:quotas": HISTORY,
    "supervision:years": HISTORY,
}
POST_ONLY = {"import_confirm", "supervision:run_create", "supervision:bulletin"}
# Pages whose objects carry no scoped data: a run's progress shows no figures.
UNSCOPED = {"supervision:run_detail"}
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
    return getattr(pattern.callback.view_class, "model", None)


def url_for(pattern, objects):
    kwargs = {}
    if "<int:pk>" in str(pattern.pattern):
        kwargs["pk"] = objects[model_of(pattern)].pk
    if "<str:kind>" in str(pattern.pattern):
        kwargs["kind"] = "households"
    return reverse(pattern.name, kwargs=kwargs)


def objects_in(tree):
    return {Organization: tree.community_in, Cadre: tree.cadre_in, Position: tree.position_in,
            Household: tree.household_in, ContactAssignment: tree.assignment_in,
            ResearchTrip: tree.trip_in, TripAttachment: tree.attachment_in,
            ResearchReport: tree.report_in, ResearchTopic: tree.topic_in, Visit: tree.visit_in,
            ComplianceRun: tree.run_in, ReportFile: tree.reportfile_in}


def objects_out(tree):
    return {Organization: tree.community_out, Cadre: tree.cadre_out,
            Position: tree.position_out, Household: tree.household_out,
            ContactAssignment: tree.assignment_out, ResearchTrip: tree.trip_out,
            TripAttachment: tree.attachment_out, ResearchReport: tree.report_out,
            ResearchTopic: tree.topic_out, Visit: tree.visit_out,
            ComplianceRun: tree.run_in, ReportFile: tree.reportfile_out}


PATTERNS = list(platform_patterns())


def test_every_url_states_who_may_use_it():
    names = {p.name for p in PATTERNS}
    assert names == set(ACCESS), f"missing: {names - set(ACCESS)}, stale: {set(ACCESS) - names}"


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_anonymous_users_are_sent_to_login(client, tree, pattern):
    response = client.get(url_for(pattern, objects_in(tree)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_each_role_gets_exactly_its_pages(client, users, tree, role, pattern):
    client.force_login(getattr(users, role))
    url = url_for(pattern, objects_in(tree))
    response = client.post(url) if pattern.name in POST_ONLY else client.get(url)
    if role in ACCESS[pattern.name]:
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
    response = client.get(url_for(pattern, objects_out(tree)))
    assert response.status_code in (403, 404)


@pytest.mark.parametrize(
    "pattern",
    [p for p in PATTERNS if p.name.endswith(("_edit", "_delete", "_create"))],
    ids=lambda p: p.name,
)
def test_inspectors_cannot_change_anything(client, users, tree, pattern):
    client.force_login(users.inspector)
    before = {m: list(m.objects.order_by("pk").values()) for m in objects_in(tree)}
    response = client.post(url_for(pattern, objects_in(tree)), {"code": "X", "name": "X"})
    assert response.status_code in (403, 404)
    assert before == {m: list(m.objects.order_by("pk").values()) for m in objects_in(tree)}
