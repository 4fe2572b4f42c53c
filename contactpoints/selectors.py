from django.db.models import Q

from contactpoints.models import Visit
from liaison.permissions import scope_for
from liaison.scopes import cadre_records_scope, unit_records_scope


@scope_for(Visit)
def visit_scope(user, action: str) -> Q:
    return cadre_records_scope(user, action) | unit_records_scope(user, action)
