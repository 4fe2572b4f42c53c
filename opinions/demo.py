"""Demo opinions from every channel, most answered (a few late), and the units' quarterly
analyses with some quarters missing."""

from __future__ import annotations

import datetime as dt

from liaison.demo import register_demo
from liaison.models import Organization
from liaison.workdays import WorkingCalendar
from opinions.models import FEEDBACK_DAYS, Opinion, OpinionAnalysis
from opinions.rules import ANALYSING_UNITS

CONTENTS = [("希望增设健身器材", "公共设施"), ("办事窗口排队时间长", "政务服务"),
            ("老旧小区加装电梯", "城建"), ("课后服务时间调整", "教育"), ("停车位不足", "城建"),
            ("社区食堂价格偏高", "民生"), ("垃圾分类点位太远", "环境"), ("夜间施工噪音", "环境")]
EXPLANATIONS = {"adopted": "已列入年度民生实事", "partly": "部分采纳，分步实施",
                "rejected": "不符合规划要求，已向提出人解释", "resolved": "已协调解决"}


@register_demo
def opinions_demo(rng, today: dt.date) -> None:
    calendar = WorkingCalendar.load()
    communities = list(Organization.objects.filter(type=Organization.Type.COMMUNITY)
                       .select_related("parent"))
    units = list(Organization.objects.filter(type__in=ANALYSING_UNITS))
    opinions = []
    for number in range(1, 241):
        received = today - dt.timedelta(days=rng.randint(0, 360))
        if rng.random() < 0.6:
            collecting = rng.choice(communities)
            handling = collecting.parent
        else:
            collecting = handling = rng.choice(units)
        content, category = rng.choice(CONTENTS)
        due = calendar.due(received, FEEDBACK_DAYS)
        opinion = Opinion(code=f"YJ{received:%Y}{number:04d}", received_on=received,
                          channel=rng.choice(Opinion.Channel.values),
                          collecting_unit=collecting, handling_unit=handling, content=content,
                          category=category, feedback_due=due)
        answered = received + dt.timedelta(days=rng.randint(3, 40))
        if answered <= today and rng.random() < 0.85:
            opinion.result = rng.choice(Opinion.Result.values)
            opinion.explanation = EXPLANATIONS[opinion.result]
            opinion.feedback_on = answered
            opinion.published = rng.random() < 0.6
        opinions.append(opinion)
    Opinion.objects.bulk_create(opinions)

    analyses = []
    for unit in units:
        for quarter in range(4):
            day = dt.date(today.year, 3 * quarter + 3, 25)
            if day <= today and rng.random() < 0.75:
                analyses.append(OpinionAnalysis(unit=unit, date=day,
                                                title=f"第{quarter + 1}季度群众意见分析研判"))
    OpinionAnalysis.objects.bulk_create(analyses)
