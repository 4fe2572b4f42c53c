"""Cross-row rules of the core models, shared by the forms and the imports (record_validate)."""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError

from liaison.models import (
    LEADER_POINT_CATEGORIES,
    Cadre,
    ContactAssignment,
    Household,
    Organization,
    Position,
    active_on_q,
)
from liaison.services import rules_for


class PositionsPreloaded:
    """The positions of a set of cadres read at once, for an import's chunk: the rules asking
    whether a cadre holds a position on a day answer from memory for them."""

    def __init__(self):
        self.cadres: set = set()
        self.periods: dict = defaultdict(list)  # cadre id -> [(category, start, end)]

    def add(self, cadre_ids) -> None:
        new = sorted(set(cadre_ids) - self.cadres - {None})
        self.cadres.update(new)
        for i in range(0, len(new), 500):
            for cadre_id, *period in Position.objects.filter(
                    cadre_id__in=new[i:i + 500]).values_list(
                    "cadre_id", "category", "start_date", "end_date"):
                self.periods[cadre_id].append(tuple(period))


_positions: ContextVar[PositionsPreloaded | None] = ContextVar("positions", default=None)


@contextmanager
def positions_preloaded():
    preloaded = PositionsPreloaded()
    token = _positions.set(preloaded)
    try:
        yield preloaded
    finally:
        _positions.reset(token)


def position_held(cadre_id, day, categories) -> bool:
    """The cadre holds a position of one of `categories` on `day` (as active_on_q says)."""
    preloaded = _positions.get()
    if preloaded is not None and cadre_id in preloaded.cadres:
        return any(category in categories and start <= day and (end is None or end >= day)
                   for category, start, end in preloaded.periods[cadre_id])
    return Position.objects.filter(active_on_q(day), cadre_id=cadre_id,
                                   category__in=list(categories)).exists()


@rules_for(Organization)
def organization_single_root(org: Organization) -> None:
    if org.type != Organization.Type.DISTRICT:
        return
    other = Organization.objects.filter(type=Organization.Type.DISTRICT).exclude(pk=org.pk).first()
    if other:
        raise ValidationError({"type": f"已存在「区」根单位「{other.code}」，只能有一个「区」"})


@rules_for(Cadre)
def cadre_user_unique(cadre: Cadre) -> None:
    if cadre.user_id and Cadre.objects.filter(user_id=cadre.user_id).exclude(pk=cadre.pk).exists():
        raise ValidationError({"user": "该登录账号已关联其他干部"})


@rules_for(Household)
def household_community_is_community(household: Household) -> None:
    household.clean()


@rules_for(ContactAssignment)
def assignment_parties(a: ContactAssignment) -> None:
    Kind, Type = ContactAssignment.Kind, Organization.Type
    errors: dict[str, str] = {}
    if a.kind in (Kind.LEADER_POINT, Kind.HOUSEHOLD) and not a.cadre_id:
        errors["cadre"] = "联系人应为干部编码"
    if a.kind == Kind.UNIT_COMMUNITY:
        if not a.unit_id or a.unit.type != Type.DEPARTMENT:
            errors["unit"] = "单位联系社区的联系人应为区直单位编码"
        if not a.target_org_id or a.target_org.type != Type.COMMUNITY:
            errors["target_org"] = "单位联系社区的联系对象应为社区编码"
    if a.kind == Kind.LEADER_POINT:
        if not a.target_org_id or a.target_org.type not in (
            Type.SUBDISTRICT, Type.CLUSTER, Type.COMMUNITY
        ):
            errors["target_org"] = "领导联系点的联系对象应为办事处、集聚区或社区编码"
        if a.cadre_id and a.start_date and not position_held(
                a.cadre_id, a.start_date, LEADER_POINT_CATEGORIES):
            errors["cadre"] = (
                f"「{a.cadre.code}」在开始日期 {a.start_date:%Y-%m-%d} 未担任区级领导、"
                "办事处主要负责人或班子成员职务，不能建立领导联系点"
            )
    if a.kind == Kind.HOUSEHOLD and not a.target_household_id:
        errors["target_household"] = "党员联户的联系对象应为住户编码"
    if errors:
        raise ValidationError(errors)


_ATTNAMES = {"cadre": "cadre_id", "unit": "unit_id", "target_org": "target_org_id",
             "target_household": "target_household_id"}


@rules_for(ContactAssignment)
def assignment_natural_key_unique(a: ContactAssignment) -> None:
    key = frozenset(name for name in ("kind", *_ATTNAMES, "start_date")
                    if getattr(a, _ATTNAMES.get(name, name)) is not None)
    if key in getattr(a, "_unique_known", ()):
        return  # an import read its chunk's stored keys at once (liaison.imports)
    duplicate = ContactAssignment.objects.filter(
        kind=a.kind, cadre_id=a.cadre_id, unit_id=a.unit_id, target_org_id=a.target_org_id,
        target_household_id=a.target_household_id, start_date=a.start_date,
    ).exclude(pk=a.pk)
    if duplicate.exists():
        raise ValidationError("同一联系类型、联系人、联系对象和开始日期的联系关系已存在")
