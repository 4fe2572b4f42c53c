"""Demo inspections: a phased open inspection of some sub-districts with items in every state,
and a covert visit whose findings are not yet published."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liaison.demo import register_demo
from liaison.models import Organization
from supervision.models import Inspection, Rectification

PROBLEMS = ["走访记录不全，部分住户只有姓名无情况", "联系点公示牌信息未更新",
            "接访登记缺少答复日期", "承诺公开栏内容过期", "谈心谈话记录过于简单"]


@register_demo
def inspections_demo(rng, today: dt.date) -> None:
    district = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    units = list(Organization.objects.filter(parent=district).order_by("code")[:4])
    if district is None or not units:
        return
    phased = Inspection.objects.create(
        title=f"{today.year}年联系服务群众工作阶段性督查", regularity="phased", timing="scheduled",
        manner="open", organizer=district, start_date=today - dt.timedelta(days=60),
        end_date=today - dt.timedelta(days=55), inspectors="区委组织部督查组",
        findings="；".join(PROBLEMS[:3]))
    phased.units.set(units)
    states = [("in_progress", -10), ("in_progress", 20), ("reported", 5), ("accepted", -20)]
    for unit, (status, days) in zip(units, states, strict=False):
        item = Rectification(inspection=phased, unit=unit, problem=rng.choice(PROBLEMS),
                             requirement="限期整改并报送整改情况",
                             deadline=today + dt.timedelta(days=days), status=status)
        if status in ("reported", "accepted"):
            item.report, item.reported_on = "已按要求整改", today - dt.timedelta(days=3)
        if status == "accepted":
            item.accepted_on = today - dt.timedelta(days=1)
        item.save()
    covert = Inspection.objects.create(
        title="接访日暗访", regularity="regular", timing="random", manner="covert",
        organizer=district, start_date=today - dt.timedelta(days=7),
        end_date=today - dt.timedelta(days=7), inspectors="区纪委监委暗访组",
        findings="接访日未按时开门接待")
    covert.units.set(units[:1])


@register_demo
def spot_checks_demo(rng, today: dt.date) -> None:
    """A 双随机抽查 of three communities' records of the year so far, with a call-back of
    each result: 属实, 无法核实 and 不属实 (which then counts in no figure, spec §10)."""
    from django.core.exceptions import ValidationError

    from liaison.compliance.registry import CHECKABLE
    from liaison.models import User
    from liaison.services import record_verification_save
    from supervision import services
    from supervision.models import SpotCheck, SpotCheckItem

    district = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    units = list(Organization.objects.filter(type=Organization.Type.COMMUNITY)
                 .order_by("code")[:3])
    if district is None or not units:
        return
    organizer = User.objects.filter(role_grants__group__name="纪检监察").order_by("pk").first()
    spot = SpotCheck(title=f"{today.year}年联系服务群众记录双随机抽查", organizer=district,
                     kinds=list(CHECKABLE), period_start=dt.date(today.year, 1, 1),
                     period_end=today, sample_size=2)
    try:
        services.spot_check_create(spot_check=spot, units=units, acting_user=organizer,
                                   seed=f"{rng.getrandbits(64):016x}")
    except ValidationError:
        return  # no records, or nobody to verify them: no demo spot check
    results = [SpotCheckItem.Result.TRUE, SpotCheckItem.Result.UNVERIFIABLE,
               SpotCheckItem.Result.UNTRUE]
    statements = ["电话回访，对方确认干部当天到访，情况属实", "多次拨打电话无人接听",
                  "对方表示当天未见到该干部，记录与实际不符"]
    # The figures are computed after the demo is built: written directly, not recomputed here.
    for item, result, statement in zip(spot.items.order_by("position"), results, statements,
                                       strict=False):
        record = services.spot_record(item)
        item.callee, item.statement, item.result = "被走访群众", statement, result
        item.called_at = item.verified_at = timezone.now()
        item.save()
        record_verification_save(record=record, result=result, acting_user=item.verifier,
                                 source=f"双随机抽查#{spot.pk}第{item.position}条")


LATE_SHARE = 0.01  # of the demo's records entered more than a month after their date


def entered_on_their_day(rng, now) -> None:
    """The demo builds a year of records in one go: dated over the year, all entered now,
    every one of them would look backdated (补录). Give them the entry time of a clerk who
    enters a record within two days, and about one in a hundred 35 to 60 days late, so that
    the backdating rule shows a few cases rather than every record."""
    from liaison.plausibility import date_field, ledger_models

    for model in ledger_models():
        name = date_field(model)
        records = list(model._default_manager.filter(**{f"{name}__isnull": False})
                       .order_by("pk").only("pk", name, "created_at"))
        for record in records:
            day = getattr(record, name)
            day = day.date() if isinstance(day, dt.datetime) else day
            late = rng.randint(35, 60) if rng.random() < LATE_SHARE else rng.randint(0, 2)
            entered = timezone.make_aware(dt.datetime.combine(
                day + dt.timedelta(days=late), dt.time(9 + rng.randint(0, 9), rng.randint(0, 59))))
            record.created_at = min(entered, now)
        model._default_manager.bulk_update(records, ["created_at"], batch_size=1000)


@register_demo
def plausibility_demo(rng, today: dt.date) -> None:
    """The plausibility flags (可信度提示) computed once, by the service the nightly run calls,
    so that the inspectors' page is not empty before the first night. Registered last of the
    last app: every other app's demo records exist by then."""
    from supervision import jobs

    entered_on_their_day(rng, timezone.now())
    jobs.flag_run_execute(jobs.flag_run_create().pk)
