"""Demo opinions from every channel, most answered (a few late), the units' quarterly
analyses with some quarters missing, and two 征求意见表 with answers (one ended, one open)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from liaison.demo import register_demo
from liaison.models import Organization
from liaison.workdays import WorkingCalendar
from opinions.models import (
    FEEDBACK_DAYS,
    Answer,
    Opinion,
    OpinionAnalysis,
    Question,
    Questionnaire,
    QuestionnaireResponse,
)
from opinions.rules import ANALYSING_UNITS
from opinions.services import QuestionSpec, questionnaire_save

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


QUESTIONNAIRES = [
    # (title, days from today to the start and to the end, responses, questions)
    ("老旧小区改造意见征集", -60, -30, 36, [
        QuestionSpec(kind="single", text="您所在小区是否需要加装电梯？",
                     options=("非常需要", "需要", "无所谓", "不需要")),
        QuestionSpec(kind="multiple", text="您最希望改造哪些方面？",
                     options=("屋面防水", "管网更新", "停车位", "绿化", "安防监控")),
        QuestionSpec(kind="text", text="其他意见和建议", required=False)]),
    ("社区服务满意度调查", -7, 14, 12, [
        QuestionSpec(kind="single", text="您对社区服务总体是否满意？",
                     options=("满意", "基本满意", "不满意")),
        QuestionSpec(kind="multiple", text="您最常使用的服务有哪些？", required=False,
                     options=("社区食堂", "日间照料", "党群服务中心", "便民维修")),
        QuestionSpec(kind="text", text="您希望社区增加哪些服务？", required=False)]),
]
TEXT_ANSWERS = ["希望尽快安排施工时间表", "施工期间注意噪音，别影响老人休息",
                "楼道灯经常坏，请一并维修", "我是3号楼住户，电话13812345678，愿意当志愿者",
                "希望增加老年助餐点", "周末也开放党群服务中心"]


@register_demo
def questionnaires_demo(rng, today: dt.date) -> None:
    # A generator of its own: the demo records of the apps built after these stay as they were.
    rng = random.Random(2026)
    units = list(Organization.objects.filter(type=Organization.Type.SUBDISTRICT)
                 .order_by("code")[:2])
    if not units:
        return
    for (title, start, end, count, questions), unit in zip(
            QUESTIONNAIRES, units * 2, strict=False):
        questionnaire = questionnaire_save(questionnaire=Questionnaire(
            unit=unit, title=title, starts_on=today + dt.timedelta(days=start),
            ends_on=today + dt.timedelta(days=end),
            description="请根据实际情况填写，匿名提交。"), questions=questions, acting_user=None)
        stored = list(questionnaire.questions.prefetch_related("options"))
        first = timezone.make_aware(dt.datetime.combine(questionnaire.starts_on, dt.time(9)))
        days = max(min(end, 0) - start, 1)
        responses = QuestionnaireResponse.objects.bulk_create(
            QuestionnaireResponse(questionnaire=questionnaire, submitted_at=first + dt.timedelta(
                days=rng.randrange(days), minutes=rng.randrange(600)))
            for _ in range(count))
        answers = []
        for response in responses:
            for question in stored:
                options = list(question.options.all())
                if question.kind == Question.Kind.SINGLE:
                    # Earlier options more often, as real answers lean.
                    chosen = [rng.choices(options, weights=range(len(options), 0, -1))[0]]
                elif question.kind == Question.Kind.MULTIPLE:
                    chosen = rng.sample(options, rng.randint(0 if not question.required else 1,
                                                             3))
                else:
                    if rng.random() < 0.4:
                        answers.append(Answer(response=response, question=question,
                                              text=rng.choice(TEXT_ANSWERS)))
                    continue
                answers.extend(Answer(response=response, question=question, option=option)
                               for option in chosen)
        Answer.objects.bulk_create(answers)
