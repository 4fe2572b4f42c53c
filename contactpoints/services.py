from django.core.exceptions import ValidationError
from django.db import transaction

from contactpoints.models import Visit
from liaison.models import ContactAssignment, Organization, active_on_q
from liaison.services import activity_dates_check, record_save, rules_for

# The contact assignment a visit of each kind needs (入户走访 needs none).
ASSIGNMENT_KIND = {
    Visit.Kind.LEADER_POINT: ContactAssignment.Kind.LEADER_POINT,
    Visit.Kind.UNIT_COMMUNITY: ContactAssignment.Kind.UNIT_COMMUNITY,
}


@rules_for(Visit)
def visit_dates(visit: Visit) -> None:
    activity_dates_check(visit.start_date, visit.end_date)


@rules_for(Visit)
def visit_parties(visit: Visit) -> None:
    Kind, Type = Visit.Kind, Organization.Type
    errors = {}
    if visit.kind in (Kind.LEADER_POINT, Kind.HOUSEHOLD) and not visit.cadre_id:
        errors["cadre"] = "请填写走访干部"
    if visit.kind == Kind.UNIT_COMMUNITY:
        if not visit.unit_id or visit.unit.type != Type.DEPARTMENT:
            errors["unit"] = "单位联系社区的联系人应为区直单位"
        if not visit.target_org_id or visit.target_org.type != Type.COMMUNITY:
            errors["target_org"] = "单位联系社区的走访对象应为社区"
    if visit.kind == Kind.LEADER_POINT and not visit.target_org_id:
        errors["target_org"] = "请填写联系点"
    if visit.kind == Kind.HOUSEHOLD and not visit.target_household_id:
        errors["target_household"] = "请填写走访的住户"
    if errors:
        raise ValidationError(errors)


@rules_for(Visit)
def visit_has_active_assignment(visit: Visit) -> None:
    kind = ASSIGNMENT_KIND.get(visit.kind)
    if kind is None:
        return
    assignments = ContactAssignment.objects.filter(
        active_on_q(visit.start_date), kind=kind, target_org_id=visit.target_org_id,
        cadre_id=visit.cadre_id, unit_id=visit.unit_id,
    )
    if not assignments.exists():
        raise ValidationError({"target_org": "该日期无有效联系关系"})


@rules_for(Visit)
def visit_does_not_overlap(visit: Visit) -> None:
    overlapping = Visit.objects.filter(
        kind=visit.kind, cadre_id=visit.cadre_id, unit_id=visit.unit_id,
        target_org_id=visit.target_org_id, target_household_id=visit.target_household_id,
        start_date__lte=visit.end_date, end_date__gte=visit.start_date,
    ).exclude(pk=visit.pk).order_by("start_date").first()
    if overlapping:
        raise ValidationError({"start_date": (
            f"与已登记的走访（{overlapping.start_date:%Y-%m-%d} 至 "
            f"{overlapping.end_date:%Y-%m-%d}）日期重叠")})


@transaction.atomic
def visit_save(*, visit: Visit, acting_user, participants=None) -> Visit:
    if visit.end_date is None:
        visit.end_date = visit.start_date
    record_save(instance=visit, acting_user=acting_user)
    if participants is not None:
        visit.participants.set(participants)
    return visit


@transaction.atomic
def household_visits_create(*, cadre, households, start_date, end_date=None, acting_user,
                            **details) -> list[Visit]:
    """One entry, several households on the same day(s): one visit per household."""
    if not households:
        raise ValidationError({"target_household": "请至少选择一户"})
    visits, errors = [], []
    for household in households:
        visit = Visit(kind=Visit.Kind.HOUSEHOLD, cadre=cadre, target_household=household,
                      start_date=start_date, end_date=end_date or start_date, **details)
        try:
            visits.append(visit_save(visit=visit, acting_user=acting_user))
        except ValidationError as exc:
            errors.extend(f"{household.code}：{m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    return visits
