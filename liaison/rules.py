"""Cross-row rules of the core models, shared by the forms and the imports (record_validate)."""

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
        if a.cadre_id and a.start_date and not Position.objects.filter(
            active_on_q(a.start_date), cadre_id=a.cadre_id, category__in=LEADER_POINT_CATEGORIES
        ).exists():
            errors["cadre"] = (
                f"「{a.cadre.code}」在开始日期 {a.start_date:%Y-%m-%d} 未担任区级领导、"
                "办事处主要负责人或班子成员职务，不能建立领导联系点"
            )
    if a.kind == Kind.HOUSEHOLD and not a.target_household_id:
        errors["target_household"] = "党员联户的联系对象应为住户编码"
    if errors:
        raise ValidationError(errors)


@rules_for(ContactAssignment)
def assignment_natural_key_unique(a: ContactAssignment) -> None:
    duplicate = ContactAssignment.objects.filter(
        kind=a.kind, cadre_id=a.cadre_id, unit_id=a.unit_id, target_org_id=a.target_org_id,
        target_household_id=a.target_household_id, start_date=a.start_date,
    ).exclude(pk=a.pk)
    if duplicate.exists():
        raise ValidationError("同一联系类型、联系人、联系对象和开始日期的联系关系已存在")
