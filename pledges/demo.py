"""Demo pledges for this year (most published) and last year's (evaluated), and in-service
members registered with communities."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from liaison.demo import register_demo
from liaison.models import Organization, Position
from pledges.models import (
    Pledge,
    PledgePost,
    Registration,
    ServiceActivity,
    ServiceSignup,
)
from pledges.sectors import BY_CODE

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
            sector = SECTOR_OF_TYPE.get(position.organization.type, "government")
            pledge = Pledge(cadre_id=position.cadre_id, year=year,
                            organization=position.organization, sector=sector,
                            items="\n".join(rng.sample(
                                BY_CODE[sector].suggestions + tuple(ITEMS), rng.randint(2, 4))))
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
    _posts(rng, communities, positions)
    _community_service(rng, today, communities)


SECTOR_OF_TYPE = {Organization.Type.COMMUNITY: "community"}
POSTS = [("便民服务窗口", PledgePost.Kind.VANGUARD, "代办低保、医保、养老认证等事项，一次性告知"),
         ("第一网格", PledgePost.Kind.DUTY_AREA, "网格内入户走访、矛盾纠纷排查、安全隐患上报"),
         ("邻里调解", PledgePost.Kind.MODEL, "调解邻里纠纷，每月开展一次法律宣传")]
NEEDS = ["为独居老人代购生活用品", "楼道小广告清理", "小区停车秩序劝导", "四点半课堂辅导"]


def _posts(rng, communities, positions) -> None:
    """设岗定责 in a few communities, with members serving there."""
    staff: dict[int, list[int]] = {}
    for position in positions:
        staff.setdefault(position.organization_id, []).append(position.cadre_id)
    for community in communities[:12]:
        members = staff.get(community.pk, [])
        for name, kind, duties in POSTS[:rng.randint(1, 3)]:
            post, _ = PledgePost.objects.get_or_create(
                name=name, organization=community,
                defaults={"kind": kind, "responsibilities": duties})
            post.members.set(rng.sample(members, min(len(members), 2)))
            Pledge.objects.filter(cadre__in=post.members.all(), organization=community,
                                  post__isnull=True).update(post=post)


def _community_service(rng, today: dt.date, communities) -> None:
    """Needs and activities in a few communities, signed up by members registered there, with
    hours for those already held."""
    signups = []
    for community in communities[:12]:
        registered = list(Registration.objects.filter(community=community)
                          .values_list("cadre_id", flat=True))
        for n, title in enumerate(rng.sample(NEEDS, 3)):
            activity = ServiceActivity.objects.create(
                community=community, kind=rng.choice(list(ServiceActivity.Kind.values)),
                title=title, date=today - dt.timedelta(days=30 * n - 10),
                capacity=rng.choice([None, 5, 10]))
            for cadre_id in rng.sample(registered, min(len(registered), 3)):
                hours = rng.choice([1, 1.5, 2, 3]) if activity.date <= today else None
                signups.append(ServiceSignup(activity=activity, cadre_id=cadre_id, hours=hours))
    ServiceSignup.objects.bulk_create(signups)


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
