"""Which research records a user may see or change (liaison.permissions)."""

from django.db.models import Q

from liaison.permissions import CHANGE, Policy, Role, grants_with, scope_for, subtree_q
from liaison.scopes import READERS, cadre_records_scope
from research.models import ResearchReport, ResearchTopic, ResearchTrip

LEDGER = Policy(view=Role.LIAISON, change=Role.LEDGER_WRITERS)


@scope_for(ResearchTrip, policy=LEDGER)
def trip_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action)


@scope_for(ResearchReport, policy=LEDGER)
def report_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action)


@scope_for(ResearchTopic, policy=Policy(view=Role.LIAISON, change=(Role.UNIT_ADMIN, Role.ORG_DEPT)))
def topic_scope(user, action: str) -> Q:
    """Topics are read by everyone in the proposing unit's subtree; 组织部 reviews them."""
    if action == CHANGE:
        return subtree_q(grants_with(user, Role.ORG_DEPT, Role.UNIT_ADMIN), "organization__path")
    return subtree_q(grants_with(user, *READERS, Role.CADRE), "organization__path") | Q(
        kind=ResearchTopic.Kind.MAJOR, status=ResearchTopic.Status.APPROVED)
