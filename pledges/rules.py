"""Rules of pledges and registrations, shared by the forms and the imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from liaison.models import Organization, Position, active_on_q
from liaison.services import activity_dates_check, rules_for, today
from pledges.models import (
    MAX_ITEMS,
    MIN_ITEMS,
    Pledge,
    PledgePost,
    Registration,
    ServiceActivity,
    pledge_items,
)

EXCELLENT = Pledge.Rating.EXCELLENT
Status = Pledge.Status
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


LOCKED_MESSAGE = {
    Status.SUBMITTED: "承诺已提交党组织审核，审核期间内容不能修改",
    Status.APPROVED: "承诺已审核通过，内容不能修改；如需修改，请党组织退回后重新提交",
}


def pledge_submit_check(pledge: Pledge) -> None:
    """A draft or a returned pledge goes to the Party organization for vetting (审核)."""
    if pledge.published_on:
        raise ValidationError("承诺已公开，不需要再提交审核")
    if pledge.status not in (Status.DRAFT, Status.RETURNED):
        raise ValidationError(f"承诺当前为「{Status(pledge.status).label}」，不能提交审核")
    count = len(pledge_items(pledge.items))
    if not MIN_ITEMS <= count <= MAX_ITEMS:
        raise ValidationError({"items": f"承诺事项应为 {MIN_ITEMS} 至 {MAX_ITEMS} 项"
                                        f"（现为 {count} 项）"})


def pledge_vet_check(pledge: Pledge, *, approve: bool, reason: str) -> None:
    """The organization approves a submitted pledge, or returns it with a reason (a
    submitted one, or an approved one not yet published)."""
    if pledge.published_on:
        raise ValidationError("承诺已公开，不能再审核；内容如需更正，请用「修改承诺」登记")
    allowed = (Status.SUBMITTED,) if approve else (Status.SUBMITTED, Status.APPROVED)
    if pledge.status not in allowed:
        action = "审核通过" if approve else "退回"
        raise ValidationError(f"承诺当前为「{Status(pledge.status).label}」，不能{action}")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "退回时请填写退回原因，以便党员修改"})


def pledge_publish_check(pledge: Pledge) -> None:
    if pledge.published_on:
        raise ValidationError(f"承诺已于 {pledge.published_on:%Y-%m-%d} 公开")
    if pledge.status != Status.APPROVED:
        raise ValidationError(f"承诺须经党组织审核通过后才能公开"
                              f"（当前：{Status(pledge.status).label}）")


STORED_FIELDS = ("items", "published_on", "cadre_id", "year", "organization_id", "status")


def pledge_stored(pledge: Pledge) -> dict | None:
    """What the rules compare a change with: the pledge as stored (an import hands it over
    as `_stored`, read with its chunk), None for a new one."""
    if not pledge.pk:
        return None
    if hasattr(pledge, "_stored"):
        return pledge._stored
    return Pledge.objects.filter(pk=pledge.pk).values(*STORED_FIELDS).first()


@rules_for(Pledge)
def pledge_rules(pledge: Pledge) -> None:
    errors: dict[str, str] = {}
    next_year = today().year + 1
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
    stored = pledge_stored(pledge)
    if pledge.published_on and not (stored and stored["published_on"]) \
            and pledge.status != Status.APPROVED:
        errors["published_on"] = (f"承诺须经党组织审核通过后才能公开"
                                  f"（当前：{Status(pledge.status).label}）")
    if stored and not stored["published_on"] \
            and stored["status"] in (Status.SUBMITTED, Status.APPROVED) \
            and pledge_items(stored["items"]) != pledge_items(pledge.items):
        errors["items"] = LOCKED_MESSAGE[stored["status"]]
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
    if pledge.post_id and pledge.cadre_id and not pledge.post.members.filter(
            pk=pledge.cadre_id).exists():
        errors["post"] = f"「{pledge.post}」未安排该党员，请先在岗位中安排"
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


@rules_for(PledgePost)
def pledge_post_rules(post: PledgePost) -> None:
    if post.organization_id and post.organization.type == Organization.Type.DISTRICT:
        raise ValidationError({"organization": "请选择具体的设岗单位"})


def post_members_error(post: PledgePost, members) -> str:
    """设岗定责 assigns the unit's own members: each must hold a position, now, in the post's
    organization or below it."""
    today = timezone.localdate()
    serving = set(Position.objects.filter(
        active_on_q(today), organization__path__startswith=post.organization.path,
        cadre__in=members).values_list("cadre_id", flat=True))
    strangers = [m.name for m in members if m.pk not in serving]
    if strangers:
        return f"{'、'.join(strangers)}不在{post.organization.name}任职，不能安排到该岗位"
    return ""


@rules_for(ServiceActivity)
def service_activity_rules(activity: ServiceActivity) -> None:
    if activity.community_id and activity.community.type != Organization.Type.COMMUNITY:
        raise ValidationError({"community": "发布单位应为社区"})


MAX_HOURS = 24


def service_signup_error(activity: ServiceActivity, cadre, day) -> str:
    """A member signs up with a community they are registered with (在职党员到社区报到),
    once, while places are left."""
    if not Registration.objects.filter(active_on_q(day), cadre=cadre,
                                       community=activity.community_id).exists():
        return f"请先到{activity.community.name}报到，再报名参加"
    if activity.signups.filter(cadre=cadre).exists():
        return "您已报名"
    if activity.capacity and activity.signups.count() >= activity.capacity:
        return f"名额已满（需要 {activity.capacity} 人）"
    return ""


def service_hours_error(activity: ServiceActivity, hours, day) -> str:
    if activity.date > day:
        return "活动尚未开展，不能记录服务时长"
    if hours is not None and not 0 < hours <= MAX_HOURS:
        return f"服务时长应在 0 至 {MAX_HOURS} 小时之间"
    return ""
