"""Reads of opinions beyond a plain get: the period analysis (分析研判)."""

from __future__ import annotations

import re
from collections import Counter

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from liaison.personal import redact_personal
from opinions.models import Answer, Opinion, Option, Question, Questionnaire

# Words that say nothing about what people asked for.
STOP_WORDS = frozenset("""
希望 建议 要求 反映 问题 情况 能够 能否 可以 是否 进行 一下 一些 这个 那个 我们 你们 他们 大家
没有 不能 已经 现在 目前 还是 非常 比较 存在 需要 一个 相关 有关 及时 尽快 解决 增加 加强 群众
居民 小区 社区 政府 部门 工作 方面 时候 什么 怎么 因为 所以 但是 而且 以及 或者 还有 就是
""".split())
WORD = re.compile(r"^[\u4e00-\u9fa5]{2,}$")
TEXTS_READ = 5000  # the words of the period's latest 5,000 opinions at most


def breakdown(opinions) -> dict:
    """Counts by month, channel, category and handling unit, and the answer rates, each
    grouped by the database."""
    R = Opinion.Result
    channels = dict(Opinion.Channel.choices)
    totals = opinions.aggregate(
        received=Count("pk"), answered=Count("pk", filter=~Q(result="")),
        adopted=Count("pk", filter=Q(result__in=[R.ADOPTED, R.PARTLY])),
        on_time=Count("pk", filter=Q(feedback_on__lte=F("feedback_due"))))
    plain = opinions.order_by()
    return {
        "totals": totals,
        "months": [(f"{row['month']:%Y-%m}", row["n"]) for row in plain.annotate(
            month=TruncMonth("received_on")).values("month").annotate(n=Count("pk"))
            .order_by("month")],
        "channels": [(channels.get(row["channel"], row["channel"]), row["n"]) for row in
                     plain.values("channel").annotate(n=Count("pk")).order_by("-n", "channel")],
        "categories": [(row["category"] or "未分类", row["n"]) for row in
                       plain.values("category").annotate(n=Count("pk"))
                       .order_by("-n", "category")[:15]],
        "units": [(row["handling_unit__name"], row["n"]) for row in
                  plain.values("handling_unit__name").annotate(n=Count("pk"))
                  .order_by("-n", "handling_unit__name")[:15]],
    }


def top_words(opinions, n: int = 20) -> list[tuple[str, int]]:
    """The most frequent words of the opinions' contents (jieba segmentation, stop words and
    single characters left out)."""
    import jieba

    jieba.setLogLevel(60)  # no start-up chatter in the server log
    texts = opinions.order_by("-received_on").values_list("content", flat=True)[:TEXTS_READ]
    counts = Counter(word for text in texts for word in jieba.cut(text)
                     if WORD.match(word) and word not in STOP_WORDS)
    return counts.most_common(n)


# --- 征求意见表 ---------------------------------------------------------------------------


def questionnaires_listed(questionnaires):
    """The list's rows with their number of answers (one GROUP BY)."""
    return (questionnaires.annotate(answers_count=Count("responses")).select_related("unit")
            .order_by("-starts_on", "-pk"))  # Meta.ordering is not kept by a GROUP BY


def questionnaire_results(questionnaire: Questionnaire) -> dict:
    """Per question, how many answered it and, for choice questions, how often each option
    was chosen and its share of those who answered; counted by the database."""
    responses = questionnaire.responses.count()
    answered = dict(Answer.objects.filter(question__questionnaire=questionnaire)
                    .order_by().values("question_id")
                    .annotate(n=Count("response_id", distinct=True))
                    .values_list("question_id", "n"))
    chosen: dict[int, list[tuple[str, int]]] = {}
    for option in (Option.objects.filter(question__questionnaire=questionnaire)
                   .annotate(n=Count("answers")).order_by("question_id", "position")
                   .values("question_id", "text", "n")):
        chosen.setdefault(option["question_id"], []).append((option["text"], option["n"]))
    questions = []
    for question in questionnaire.questions.all():
        base = answered.get(question.pk, 0)
        options = [(text, n, round(100 * n / base, 1) if base else 0.0)
                   for text, n in chosen.get(question.pk, [])]
        questions.append({"question": question, "answered": base, "options": options})
    return {"responses": responses, "questions": questions}


def text_answers(question: Question):
    """A text question's answers, the latest first."""
    return (Answer.objects.filter(question=question).exclude(text="")
            .select_related("response").order_by("-response__submitted_at", "-pk"))


def questionnaire_table(questionnaire: Questionnaire) -> tuple[list[str], list[list]]:
    """Every response as one row (its number, when, then one cell per question: the options
    chosen, joined, or the text without personal data), read in one ordered pass over the
    answers."""
    questions = list(questionnaire.questions.all())
    column = {q.pk: n for n, q in enumerate(questions)}
    headers = ["答卷序号", "提交时间", *(f"{q.position}. {q.text}" for q in questions)]
    rows: dict[int, list] = {}
    for response_id, submitted_at in questionnaire.responses.order_by(
            "submitted_at", "pk").values_list("pk", "submitted_at"):
        rows[response_id] = [len(rows) + 1, f"{timezone.localtime(submitted_at):%Y-%m-%d %H:%M}",
                             *("" for _ in questions)]
    for response_id, question_id, option, text in (
            Answer.objects.filter(response__questionnaire=questionnaire)
            .order_by("response_id", "question__position", "option__position")
            .values_list("response_id", "question_id", "option__text", "text").iterator()):
        cells = rows[response_id]
        value = option if option is not None else redact_personal(text)
        index = 2 + column[question_id]
        cells[index] = f"{cells[index]}；{value}" if cells[index] else value
    return headers, list(rows.values())
