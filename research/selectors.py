from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from liaison.models import Category, Position
from liaison.permissions import CHANGE, Role, grants_with, is_unrestricted, scope_for, subtree_q
from liaison.scopes import READERS, cadre_records_scope
from research.models import ResearchReport, ResearchTopic, ResearchTrip


@scope_for(ResearchTrip)
def trip_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action)


@scope_for(ResearchReport)
def report_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action)


@scope_for(ResearchTopic)
def topic_scope(user, action: str) -> Q:
    """Topics are read by everyone in the proposing unit's subtree; 组织部 reviews them."""
    if action == CHANGE:
        return subtree_q(grants_with(user, Role.ORG_DEPT, Role.UNIT_ADMIN), "organization__path")
    return subtree_q(grants_with(user, *READERS, Role.CADRE), "organization__path") | Q(
        kind=ResearchTopic.Kind.MAJOR, status=ResearchTopic.Status.APPROVED)


# A unit's leaders review its cadres' reports (policy 三(一)4), as do 组织部 and unit admins.
UNIT_LEADER_CATEGORIES = (Category.DEPARTMENT_HEAD, Category.SUBDISTRICT_HEAD)


def reviewable_reports(user):
    """Reports `user` may review: in their CHANGE scope as 组织部 or unit admin, or of cadres
    serving in a unit the user leads; never their own."""
    today = timezone.localdate()
    q = Q(pk__in=[])
    if grants_with(user, Role.ORG_DEPT, Role.UNIT_ADMIN) or is_unrestricted(user):
        q |= Q(pk__in=ResearchReport.objects.restrict(user, CHANGE).values("pk"))
    led = Position.objects.active_on(today).filter(
        cadre__user=user, category__in=UNIT_LEADER_CATEGORIES).values_list(
        "organization__path", flat=True)
    for path in led:
        q |= Q(Exists(Position.objects.active_on(today).filter(
            cadre=OuterRef("cadre"), organization__path__startswith=path)))
    return ResearchReport.objects.filter(q).exclude(cadre__user=user)
