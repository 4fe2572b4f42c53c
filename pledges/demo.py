"""Demo pledges for this year (most published) and last year's (evaluated), and in-service
members registered with communities."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from liaison.demo import register_demo
from liaison.models import Organization, Position
from pledges.models import Pledge, Registration

ITEMS = ["每月入户走访一次", "结对帮扶一户困难家庭", "参加社区志愿服务不少于 20 小时",
         "窗口服务限时办结", "组织一次邻里活动", "完成一篇调研报告", "解决一件群众急难愁盼问题"]


@register_demo
def pledges_demo(rng, today: dt.date) -> None:
    communities = list(Organization.objects.filter(type=Organization.Type.COMMUNITY))
    positions = list(Position.objects.filter(end_date__isnull=True)
                     .select_related("organization").order_by("cadre_id"))
    pledges, registrations, seen = [], [], set()
    for position in positions:
        if position.cadre_id in seen:
            continue
        seen.add(position.cadre_id)
        for year in (today.year - 1, today.year):
            if rng.random() < 0.15:
                continue
            published = dt.date(year, rng.randint(1, 4), rng.randint(1, 28))
            pledge = Pledge(cadre_id=position.cadre_id, year=year,
                            organization=position.organization,
                            items="\n".join(rng.sample(ITEMS, rng.randint(2, 4))))
            if published <= today and rng.random() < 0.9:
                pledge.published_on, pledge.status = published, Pledge.Status.APPROVED
                if year < today.year:
                    pledge.rating = rng.choice(["excellent"] * 3 + ["good"] * 6 + ["basic"])
                    pledge.rated_on = min(dt.date(year + 1, 1, 15), today)
            else:  # drafts and pledges waiting for their organization's vetting
                pledge.status = rng.choice([Pledge.Status.DRAFT, Pledge.Status.SUBMITTED])
            pledges.append(pledge)
        if position.organization.type != Organization.Type.COMMUNITY and rng.random() < 0.7:
            registrations.append(Registration(
                cadre_id=position.cadre_id, community=rng.choice(communities),
                start_date=dt.date(today.year - 1, rng.randint(1, 12), rng.randint(1, 28))))
    _cap_excellent(pledges)
    Pledge.objects.bulk_create(pledges)
    Registration.objects.bulk_create(registrations)


def _cap_excellent(pledges) -> None:
    """The one-third cap on 优秀 per organization and year (pledges.rules), kept by the demo."""
    rated = Counter((p.organization_id, p.year) for p in pledges if p.rating)
    allowed = {key: n // 3 for key, n in rated.items()}
    for pledge in pledges:
        if pledge.rating == "excellent":
            key = (pledge.organization_id, pledge.year)
            if allowed[key] > 0:
                allowed[key] -= 1
            else:
                pledge.rating = "good"
