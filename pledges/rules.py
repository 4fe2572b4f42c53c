"""Rules of pledges and registrations, shared by the forms and the imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from liaison.models import Organization
from liaison.services import activity_dates_check, rules_for
from pledges.models import MAX_ITEMS, MIN_ITEMS, Pledge, Registration, pledge_items

EXCELLENT = Pledge.Rating.EXCELLENT
CAP_MESSAGE = "同一党组织同一年度评定为「优秀」的不得超过已评定人数的三分之一"


def excellent_cap_ok(excellent: int, rated: int) -> bool:
    return 3 * excellent <= rated


def excellent_cap_error(pledge: Pledge) -> str:
    """The one-third cap over the pledge's organization and year as they would stand after
    this save (a rating raised, lowered or cleared); the group is locked while it is read, so
    that two grades given at the same moment cannot both pass."""
    group = Pledge.objects.filter(organization_id=pledge.organization_id, year=pledge.year) \
        .exclude(pk=pledge.pk)
    if transaction.get_connection().in_atomic_block:
        list(group.select_for_update().values_list("pk", flat=True))
    others = group.exclude(rating="").aggregate(
        rated=Count("pk"), excellent=Count("pk", filter=Q(rating=EXCELLENT)))
    rated = others["rated"] + (1 if pledge.rating else 0)
    excellent = others["excellent"] + (1 if pledge.rating == EXCELLENT else 0)
    if excellent_cap_ok(excellent, rated):
        return ""
    return f"{CAP_MESSAGE}（已评定 {rated} 人，其中优秀将为 {excellent} 人）"


@rules_for(Pledge)
def pledge_rules(pledge: Pledge) -> None:
    errors: dict[str, str] = {}
    next_year = timezone.localdate().year + 1
    if pledge.year and not 2000 <= pledge.year <= next_year:
        errors["year"] = f"年度应在 2000 至 {next_year} 之间"
    count = len(pledge_items(pledge.items))
    if not MIN_ITEMS <= count <= MAX_ITEMS:
        errors["items"] = f"承诺事项应为 {MIN_ITEMS} 至 {MAX_ITEMS} 项（现为 {count} 项）"
    if pledge.rating and not pledge.published_on:
        errors["rating"] = "承诺公开后才能评定等次"
    if pledge.rating and not pledge.rated_on:
        errors["rated_on"] = "评定等次须填写评定日期"
    if pledge.rated_on and not pledge.rating:
        errors["rating"] = "填写评定日期须同时填写评定等次"
    if pledge.published_on and pledge.rated_on and pledge.rated_on < pledge.published_on:
        errors["rated_on"] = "评定日期不能早于公开日期"
    for field in ("published_on", "rated_on"):
        try:
            activity_dates_check(getattr(pledge, field), None, start_field=field)
        except ValidationError as exc:
            errors.setdefault(field, exc.message_dict[field][0])
    stored = Pledge.objects.filter(pk=pledge.pk).values(
        "items", "published_on", "cadre_id", "year", "organization_id").first() \
        if pledge.pk else None
    if stored and stored["published_on"]:
        # Publication freezes the pledge: whose, which year and board, the wording and the
        # date (a change of wording is an amendment, shown with its date).
        if stored["published_on"] != pledge.published_on:
            errors["published_on"] = (f"承诺已于 {stored['published_on']:%Y-%m-%d} 公开，"
                                      "公开日期不能修改")
        if pledge_items(stored["items"]) != pledge_items(pledge.items) \
                and not getattr(pledge, "_amendment", False):
            errors["items"] = ("承诺已公开，内容不能直接修改；请用「修改承诺」登记修改原因，"
                               "修改记录将在公开栏显示")
        for field, label in (("cadre_id", "干部"), ("year", "年度"),
                             ("organization_id", "所在党组织")):
            if stored[field] != getattr(pledge, field):
                errors[field.removesuffix("_id")] = f"承诺已公开，{label}不能修改"
    if not getattr(pledge, "_cap_checked", False) and (pledge.rating or stored):
        cap_error = excellent_cap_error(pledge)
        if cap_error:
            errors["rating"] = cap_error
    if errors:
        raise ValidationError(errors)


@rules_for(Registration)
def registration_rules(registration: Registration) -> None:
    activity_dates_check(registration.start_date, None)
    if registration.end_date and registration.start_date \
            and registration.end_date < registration.start_date:
        raise ValidationError({"end_date": "结束日期不能早于报到日期"})
    if registration.community_id and \
            registration.community.type != Organization.Type.COMMUNITY:
        raise ValidationError({"community": "报到单位应为社区"})
