from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from liaison.models import Category, Position
from liaison.permissions import CHANGE, Role, grants_with, is_unrestricted
from research.models import ResearchReport

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
