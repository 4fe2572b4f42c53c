"""Which pledges and registrations a user may see or change (liaison.permissions): both are
kept for a cadre, like the other cadre records."""

from django.db.models import Q

from liaison.permissions import Policy, Role, scope_for
from liaison.scopes import cadre_records_scope
from pledges.models import Pledge, Registration


@scope_for(Pledge, policy=Policy(view=Role.LIAISON, change=Role.LEDGER_WRITERS))
def pledge_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action)


@scope_for(Registration, policy=Policy(view=Role.LIAISON, change=Role.LEDGER_WRITERS))
def registration_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action)
