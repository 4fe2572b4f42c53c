"""Scope functions and policies of the core models (see liaison/permissions.py)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from liaison.models import (
    Cadre,
    ContactAssignment,
    Household,
    Organization,
    PersonalDataAccess,
    Position,
)
from liaison.permissions import CHANGE, Policy, Role, grants_with, scope_for, subtree_q

READERS = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)
ROSTER_KEEPERS = (Role.ORG_DEPT, Role.UNIT_ADMIN)


def _roles_for(action: str, readers=READERS, writers=ROSTER_KEEPERS):
    return writers if action == CHANGE else readers


def _is_cadre(user) -> bool:
    return bool(grants_with(user, Role.CADRE))


@scope_for(Organization, policy=Policy(view=Role.ALL, change=(Role.ORG_DEPT,)))
def organization_scope(user, action: str) -> Q:
    if action == CHANGE:
        return subtree_q(grants_with(user, Role.ORG_DEPT), "path")
    return subtree_q(grants_with(user, *Role.ALL), "path")


def serving_under(grants, action: str, cadre_ref: str = "pk") -> Q:
    """Cadres with a position under the grants' subtrees: any position to read (records of
    former staff stay readable); to change, a position not yet ended, so that a unit loses
    its hold on a cadre (and their records) who moved to another unit."""
    if not grants:
        return Q(pk__in=[])
    positions = Position.objects.filter(cadre=OuterRef(cadre_ref)).filter(
        subtree_q(grants, "organization__path"))
    if action == CHANGE:
        positions = positions.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
    return Q(Exists(positions))


# The roster list is for those who keep or read it; a cadre opens their own page.
@scope_for(Cadre, policy=Policy(view=Role.LIAISON, list=READERS, change=ROSTER_KEEPERS))
def cadre_scope(user, action: str) -> Q:
    q = serving_under(grants_with(user, *_roles_for(action)), action)
    if action != CHANGE and _is_cadre(user):
        q |= Q(user=user)
    return q


@scope_for(Position, policy=Policy(view=Role.LIAISON, change=ROSTER_KEEPERS))
def position_scope(user, action: str) -> Q:
    q = subtree_q(grants_with(user, *_roles_for(action)), "organization__path")
    if action != CHANGE and _is_cadre(user):
        q |= Q(cadre__user=user)
    return q


def linked_households(user) -> Q:
    """The households a cadre is linked to today (党员联户): they may reveal their names,
    addresses and phones. A link that ended gives nothing any more."""
    linked = ContactAssignment.objects.active_on(timezone.localdate()).filter(
        kind=ContactAssignment.Kind.HOUSEHOLD, cadre__user=user)
    return Q(pk__in=linked.values("target_household"))


# Households' personal data is masked for every role (#15). Who may reveal it, one logged
# click at a time or in an export with a reason: the cadres linked to the household today, and
# the unit admin whose grant covers its community (the community's own admin, or the
# sub-district office that keeps its communities' households). 组织部, 纪检监察 and system
# administrators see households masked and cannot reveal them.
@scope_for(Household, policy=Policy(
    view=Role.LIAISON, change=ROSTER_KEEPERS, personal_data=(Role.UNIT_ADMIN,),
    org_path="community__path", personal_rows=linked_households, reveal_only=True,
    personal_fields=(("head_name", "name"), ("address", "address"), ("phone", "phone"))))
def household_scope(user, action: str) -> Q:
    q = subtree_q(grants_with(user, *_roles_for(action)), "community__path")
    if action != CHANGE and _is_cadre(user):
        today = timezone.localdate()
        # A cadre sees the households assigned to them and those of communities they serve in.
        assigned = ContactAssignment.objects.filter(
            target_household=OuterRef("pk"), cadre__user=user
        )
        own_community = Position.objects.active_on(today).filter(
            cadre__user=user, organization=OuterRef("community")
        )
        q |= Q(Exists(assigned)) | Q(Exists(own_community))
    return q


@scope_for(ContactAssignment, policy=Policy(view=Role.LIAISON, change=(Role.ORG_DEPT,)))
def assignment_scope(user, action: str) -> Q:
    grants = grants_with(user, *_roles_for(action, writers=(Role.ORG_DEPT,)))
    q = (
        subtree_q(grants, "target_org__path")
        | subtree_q(grants, "target_household__community__path")
        | subtree_q(grants, "unit__path")
    )
    if action != CHANGE and _is_cadre(user):
        q |= Q(cadre__user=user)
    return q


LEDGER_EDITORS = (Role.ORG_DEPT, Role.UNIT_ADMIN)


def cadre_records_scope(user, action: str, cadre_field: str = "cadre") -> Q:
    """Records kept for a cadre (trips, reports, visits): a cadre reads and writes their own;
    unit admins and 组织部 those of cadres in their subtree; 纪检监察 reads them."""
    grants = grants_with(user, *(LEDGER_EDITORS if action == CHANGE else READERS))
    q = serving_under(grants, action, cadre_field)
    if _is_cadre(user):
        q |= Q(**{f"{cadre_field}__user": user})
    return q


def unit_records_scope(user, action: str, unit_field: str = "unit") -> Q:
    """Records kept for a unit (unit visits): its subtree's admins, 组织部 and 纪检监察."""
    grants = grants_with(user, *(LEDGER_EDITORS if action == CHANGE else READERS))
    return subtree_q(grants, f"{unit_field}__path")


@scope_for(PersonalDataAccess, policy=Policy(view=(Role.INSPECTOR,), history=()))
def personal_data_access_scope(user, action: str) -> Q:
    """The access log is read by 纪检监察 and written by the platform only."""
    if action == CHANGE or not grants_with(user, Role.INSPECTOR):
        return Q(pk__in=[])
    return Q()
