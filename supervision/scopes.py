"""Which compliance results a user may read (liaison.permissions)."""

from django.db.models import Q

from liaison.permissions import CHANGE, Role, grants_with, scope_for, subtree_q
from liaison.scopes import READERS
from supervision.models import ComplianceResult


@scope_for(ComplianceResult)
def result_scope(user, action: str) -> Q:
    """Results are read-only; readers see their subtree, a cadre their own rows."""
    if action == CHANGE:
        return Q(pk__in=[])
    q = subtree_q(grants_with(user, *READERS), "org_path")
    cadre = getattr(user, "cadre", None) if grants_with(user, Role.CADRE) else None
    if cadre is not None:
        q |= Q(subject_type="cadre", subject_id=cadre.pk)
    return q
