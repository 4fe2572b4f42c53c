from liaison.permissions import Policy, Role, scope_for
from liaison.scopes import cadre_records_scope
from tests.plugin_app.models import Errand


@scope_for(Errand, policy=Policy(view=Role.LIAISON, change=Role.LEDGER_WRITERS))
def errand_scope(user, action):
    return cadre_records_scope(user, action)
