"""Roles, scope and the one place that decides which rows a user may see or change.

Every model with scoped rows registers, in its app's scopes.py, a scope function and the
model's policy:

    @scope_for(Visit, policy=Policy(view=Role.ALL, change=Role.LEDGER_WRITERS))
    def visit_scope(user, action): ...

The policy says which roles may view, create, change, read the history of and see the
personal data of the model's rows; the scope function says which rows. The generic views read
the policy (no role lists per view class) and every list, detail, export, import and admin
page reads rows through `Model.objects.restrict(user, action)` (NetBox's pattern).
Deny by default: a model without a scope function is visible to nobody but superusers, and a
model without a policy is open to no role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"
# Actions a policy answers besides VIEW and CHANGE (scope functions know only those two).
LIST = "list"
CREATE = "create"
HISTORY = "history"
PERSONAL_DATA = "personal_data"


class Role:
    CADRE = "干部"
    UNIT_ADMIN = "单位管理员"
    ORG_DEPT = "组织部"
    INSPECTOR = "纪检监察"
    SYSADMIN = "系统管理员"
    # The petitions office (信访): keeps the reception rota and the case ledger, sees
    # petitioners' identities (spec/petitions.md §6); granted district-wide.
    PETITIONS = "信访"

    ALL = (CADRE, UNIT_ADMIN, ORG_DEPT, INSPECTOR, SYSADMIN, PETITIONS)
    # The roles of the contact-and-serve ledgers (research, contact points, roster): the
    # petitions office works its own ledger and reads these only where a page says so.
    LIAISON = (CADRE, UNIT_ADMIN, ORG_DEPT, INSPECTOR, SYSADMIN)
    # Roles that must use TOTP (DESIGN.md §5), and whoever sees petitioners' identities.
    MFA_REQUIRED = frozenset({ORG_DEPT, INSPECTOR, SYSADMIN, PETITIONS})
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


def holds_every_row(grants, model: type[models.Model], path_lookup: str) -> bool:
    """Whether the grants' subtrees hold every row of `model`: one grant is on the tree's only
    root (the district) and every row has an organization (the foreign keys of `path_lookup`
    are required). A scope then leaves its subtree filter out, which spares a LIKE on every
    row and the ORs across joins that PostgreSQL plans badly on large ledgers."""
    roots = {g.org_path for g in grants if g.org_path.count("/") == 2}  # "/<id>/"
    if not roots:
        return False
    *relations, _ = path_lookup.split("__")
    for name in relations:
        field = model._meta.get_field(name)
        if field.null:
            return False
        model = field.related_model
    # `model` is now the organization tree's model (reached, not imported: it imports this).
    tops = list(model._default_manager.filter(parent__isnull=True)
                .values_list("path", flat=True)[:2])
    return len(tops) == 1 and tops[0] in roots


def is_unrestricted(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.SYSADMIN)


@dataclass(frozen=True)
class Policy:
    """Which roles may do what with a model's rows (the scope function says which rows).

    `list` and `create` default to `view` and `change`. `personal_data` roles see names,
    phones, addresses and ID numbers of the rows under their own grants (`org_path` is the
    lookup of a row's organization path); `personal_rows(user)` may add rows whose personal
    data a user sees for another reason (a household's linked cadre).

    With `reveal_only`, personal data is masked for every role by default (system
    administrators included): those the rule above allows reveal one row with a logged click,
    or export with a reason (households, #15). `personal_fields` names the model's fields
    holding personal data and how each is masked (liaison.personal.MASKS)."""

    view: tuple[str, ...] = ()
    change: tuple[str, ...] = ()
    list: tuple[str, ...] | None = None
    create: tuple[str, ...] | None = None
    history: tuple[str, ...] = (Role.ORG_DEPT, Role.INSPECTOR)
    personal_data: tuple[str, ...] = ()
    org_path: str = ""
    personal_rows: Callable[[object], Q] | None = None
    reveal_only: bool = False
    personal_fields: tuple[tuple[str, str], ...] = ()

    def roles_for(self, action: str) -> tuple[str, ...]:
        if action == LIST:
            return self.view if self.list is None else self.list
        if action == CREATE:
            return self.change if self.create is None else self.create
        return {VIEW: self.view, CHANGE: self.change, HISTORY: self.history,
                PERSONAL_DATA: self.personal_data}[action]

    def allows(self, user, action: str) -> bool:
        roles = user_roles(user)
        return Role.SYSADMIN in roles or bool(roles & set(self.roles_for(action)))


DENY_ALL = Policy()

ScopeFunction = Callable[[object, str], Q]
_SCOPES: dict[type[models.Model], ScopeFunction] = {}
_POLICIES: dict[type[models.Model], Policy] = {}


def scope_for(model: type[models.Model], policy: Policy | None = None):
    """Register the function returning the Q of rows `user` may `action` for `model`, and
    the model's policy."""

    def register(func: ScopeFunction) -> ScopeFunction:
        _SCOPES[model] = func
        if policy is not None:
            _POLICIES[model] = policy
        return func

    return register


def policy_of(model: type[models.Model] | None) -> Policy:
    return _POLICIES.get(model, DENY_ALL)


def policies() -> dict[type[models.Model], Policy]:
    return dict(_POLICIES)


def personal_data_q(model: type[models.Model], user) -> Q:
    """Rows of `model` whose personal data `user` may see in full (or, for a `reveal_only`
    policy, reveal): under a grant of one of the policy's personal-data roles, or the policy's
    own rows for the user. Everybody else sees them masked (liaison.personal)."""
    policy = policy_of(model)
    if is_unrestricted(user) and not policy.reveal_only:
        return Q()
    q = Q(pk__in=[])
    grants = grants_with(user, *policy.personal_data)
    if grants and policy.org_path:
        if holds_every_row(grants, model, policy.org_path):
            return Q()
        q |= subtree_q(grants, policy.org_path)
    if policy.personal_rows is not None and getattr(user, "is_authenticated", False):
        q |= policy.personal_rows(user)
    return q


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
