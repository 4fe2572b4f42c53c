"""Which visits a user may see or change (liaison.permissions)."""

from django.db.models import Q

from contactpoints.models import Visit
from liaison.permissions import Policy, Role, scope_for
from liaison.scopes import cadre_records_scope, unit_records_scope


@scope_for(Visit, policy=Policy(view=Role.LIAISON, change=Role.LEDGER_WRITERS))
def visit_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action) | unit_records_scope(user, action)
