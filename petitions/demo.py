"""Demo reception days (a year of them) and a few hundred cases in every stage."""

from __future__ import annotations

import datetime as dt

from liaison.demo import register_demo
from liaison.models import DISTRICT_LEVEL, Category, Organization, Position
from liaison.workdays import WorkingCalendar
from petitions.clocks import refresh_dues
from petitions.models import Petition, ReceptionDay

SUMMARIES = [("小区供暖不热", "城建"), ("拖欠工资", "劳动保障"), ("低保资格", "社会保障"),
             ("噪音扰民", "环境"), ("物业纠纷", "城建"), ("学校收费", "教育"),
             ("医保报销", "社会保障"), ("道路破损", "城建"), ("征地补偿", "征地拆迁")]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"


@register_demo
def petitions_demo(rng, today: dt.date) -> None:
    calendar = WorkingCalendar.load()
    leaders = list(Position.objects.filter(category__in=list(DISTRICT_LEVEL),
                                           end_date__isnull=True)
                   .values_list("cadre_id", "category"))
    principals = [c for c, category in leaders if category == Category.DISTRICT_PRINCIPAL]
    others = [c for c, category in leaders if category != Category.DISTRICT_PRINCIPAL]
    days = []
    for months_back in range(12, -1, -1):
        first = (today.replace(day=1) - dt.timedelta(days=31 * months_back)).replace(day=15)
        if first > today:
            continue
        for host in principals:
            substitute = rng.choice(others) if others else None
            received = substitute if substitute and rng.random() < 0.2 else host
            days.append(ReceptionDay(date=first, host_id=host, substitute_id=substitute,
                                     received_by_id=received, mode=rng.choice(
                                         ReceptionDay.Mode.values), place="区信访局接待大厅"))
    ReceptionDay.objects.bulk_create(days)

    units = list(Organization.objects.filter(type__in=["subdistrict", "department"]))
    staff = {}
    for cadre_id, org_id in Position.objects.filter(end_date__isnull=True).values_list(
            "cadre_id", "organization__path"):
        for unit in units:
            if org_id.startswith(unit.path):
                staff.setdefault(unit.pk, []).append(cadre_id)
    units = [u for u in units if staff.get(u.pk)]
    cases = []
    for number in range(1, 301):
        unit = rng.choice(units)
        received = today - dt.timedelta(days=rng.randint(0, 360))
        summary, category = rng.choice(SUMMARIES)
        case = Petition(
            code=f"XF{received:%Y}{number:04d}", received_on=received,
            channel=rng.choice(Petition.Channel.values), people=rng.choice((1, 1, 1, 2, 6)),
            petitioner_name=rng.choice(SURNAMES) + "某", summary=summary, category=category,
            petitioner_phone=f"13{rng.randint(0, 999999999):09d}",
            handling_unit=unit, responsible_id=rng.choice(staff[unit.pk]))
        _advance(case, rng, today, calendar)
        refresh_dues(case, calendar)
        cases.append(case)
    Petition.objects.bulk_create(cases)


def _advance(case: Petition, rng, today: dt.date, calendar: WorkingCalendar) -> None:
    """Walk the case some way along its steps, each on a day no later than today."""
    def later(day, most):
        step = day + dt.timedelta(days=rng.randint(1, most))
        return step if step <= today else None

    decided = later(case.received_on, 20)
    if decided is None or rng.random() < 0.1:
        return
    case.decision = rng.choice(["accepted"] * 8 + ["not_accepted", "transferred"])
    case.decided_on = decided
    if case.decision != "accepted":
        case.decision_note = ("不属于本机关职责范围" if case.decision == "not_accepted"
                              else "转区人力资源和社会保障局")
        return
    replied = later(decided, 75)
    if replied is None or rng.random() < 0.15:
        return
    case.replied_on = replied
    case.satisfaction = rng.choice(Petition.Satisfaction.values)
    if rng.random() < 0.75:
        return
    review = later(replied, 25)
    if review is None or review > calendar.due(replied, 30):
        return
    case.review_requested_on = review
    decided_review = later(review, 35)
    if decided_review is None:
        return
    case.review_decided_on = decided_review
    re_review = later(decided_review, 25)
    if re_review is None or rng.random() < 0.4 or re_review > calendar.due(decided_review, 30):
        return
    case.re_review_requested_on = re_review
    case.re_review_decided_on = later(re_review, 35)
