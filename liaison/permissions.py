"""Roles, scope and the one place that decides which rows a user may see or change.

Every model with scoped rows registers a scope function with `@scope_for(Model)`; its
QuerySet's `restrict(user, action)` applies it. Views, exports, imports and the admin all
call `restrict`, so permissions are decided once per model (DESIGN.md §1, NetBox's pattern).
Deny by default: a model without a scope function is visible to nobody but superusers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"


class Role:
    CADRE = "干部"
    UNIT_ADMIN = "单位管理员"
    ORG_DEPT = "组织部"
    INSPECTOR = "纪检监察"
    SYSADMIN = "系统管理员"

    ALL = (CADRE, UNIT_ADMIN, ORG_DEPT, INSPECTOR, SYSADMIN)
    # Roles that must use TOTP (DESIGN.md §5).
    MFA_REQUIRED = frozenset({ORG_DEPT, INSPECTOR, SYSADMIN})
    # Who enters ledger records: a cadre their own, unit admins and 组织部 their scope's.
    LEDGER_WRITERS = (CADRE, UNIT_ADMIN, ORG_DEPT)


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int
    org_path: str


def user_grants(user) -> tuple[Grant, ...]:
    """The user's role grants, loaded once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_liaison_grants", None)
    if cached is None:
        # Through the user's reverse relation: this module stays below liaison.models.
        cached = tuple(
            Grant(role, org_id, path)
            for role, org_id, path in user.role_grants.values_list(
                "group__name", "organization_id", "organization__path"
            )
        )
        user._liaison_grants = cached
    return cached


def user_roles(user) -> frozenset[str]:
    roles = {g.role for g in user_grants(user)}
    if getattr(user, "is_superuser", False):
        roles.add(Role.SYSADMIN)
    return frozenset(roles)


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def grants_with(user, *roles: str) -> list[Grant]:
    return [g for g in user_grants(user) if g.role in roles]


def subtree_q(grants, path_lookup: str) -> Q:
    """OR of 'row lies under one of these grants' organizations'."""
    q = Q(pk__in=[])
    for grant in grants:
        q |= Q(**{f"{path_lookup}__startswith": grant.org_path})
    return q


def is_unrestricted(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.SYSADMIN)


ScopeFunction = Callable[[object, str], Q]
_SCOPES: dict[type[models.Model], ScopeFunction] = {}


def scope_for(model: type[models.Model]):
    """Register the function returning the Q of rows `user` may `action` for `model`."""

    def register(func: ScopeFunction) -> ScopeFunction:
        _SCOPES[model] = func
        return func

    return register


def scope_q(model: type[models.Model], user, action: str) -> Q:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Q(pk__in=[])
    if is_unrestricted(user):
        return Q()
    func = _SCOPES.get(model)
    if func is None:
        return Q(pk__in=[])
    return func(user, action)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        return self.filter(scope_q(self.model, user, action))


def can(user, action: str, obj: models.Model) -> bool:
    """Whether `user` may `action` this one object (same rule as the lists)."""
    return type(obj)._default_manager.filter(pk=obj.pk).restrict(user, action).exists()
