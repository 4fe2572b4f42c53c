"""Reads of opinions beyond a plain get: the period analysis (分析研判)."""

from __future__ import annotations

import re
from collections import Counter

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from opinions.models import Opinion

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
