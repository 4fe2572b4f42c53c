"""Which pledges and registrations a user may see or change (liaison.permissions): both are
kept for a cadre, like the other cadre records."""

from django.db.models import Q
from django.utils import timezone

from liaison.models import Position, active_on_q
from liaison.permissions import CHANGE, Policy, Role, grants_with, scope_for
from liaison.scopes import cadre_records_scope, unit_records_scope
from pledges.models import Pledge, PledgePost, Registration, ServiceActivity


@scope_for(Pledge, policy=Policy(view=Role.LIAISON, change=Role.LEDGER_WRITERS))
def pledge_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action)


@scope_for(Registration, policy=Policy(view=Role.LIAISON, change=Role.LEDGER_WRITERS))
def registration_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action)


@scope_for(PledgePost, policy=Policy(view=Role.LIAISON, change=(Role.UNIT_ADMIN, Role.ORG_DEPT)))
def pledge_post_scope(user, action: str) -> Q:
    """设岗定责 is the unit's: its admins and 组织部 keep the posts of their subtree (纪检监察
    reads them); a cadre reads the posts of the units they serve in and those they hold."""
    q = unit_records_scope(user, action, "organization")
    if action != CHANGE and grants_with(user, Role.CADRE):
        serving = Position.objects.active_on(timezone.localdate()).filter(cadre__user=user)
        q |= Q(organization__in=serving.values("organization")) \
            | Q(pk__in=PledgePost.objects.filter(members__user=user).values("pk"))
    return q


@scope_for(ServiceActivity,
           policy=Policy(view=Role.LIAISON, change=(Role.UNIT_ADMIN, Role.ORG_DEPT)))
def service_activity_scope(user, action: str) -> Q:
    """A community's needs and activities are kept by its admins and 组织部 (纪检监察 reads
    them); a cadre reads those of the communities they are registered with or serve in."""
    q = unit_records_scope(user, action, "community")
    if action != CHANGE and grants_with(user, Role.CADRE):
        today = timezone.localdate()
        registered = Registration.objects.filter(active_on_q(today), cadre__user=user)
        serving = Position.objects.active_on(today).filter(cadre__user=user)
        q |= Q(community__in=registered.values("community")) \
            | Q(community__in=serving.values("organization"))
    return q
