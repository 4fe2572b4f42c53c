"""The records behind a subject's figures and a leader's year-end tables, read through the
registry (liaison.compliance.registry RECORD_SOURCES and SUMMARY_SOURCES) so that supervision
lists them without importing the apps. Household heads are named masked, as everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field

from liaison.compliance.engine import Context, Window
from liaison.compliance.registry import (
    METRIC_LABELS,
    RECORD_SOURCES,
    SUMMARY_SOURCES,
    RecordList,
)
from liaison.personal import mask_name


@dataclass
class Records:
    metric: str
    label: str
    total: int
    rows: list[dict] = field(default_factory=list)
    counts_records: bool = True
    # Members of the figure's set that no record reached (三走遍's places not yet walked,
    # an uncovered household), listed after the records.
    missing: list[dict] = field(default_factory=list)
    missing_label: str = ""

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def truncated(self) -> bool:
        return self.shown < self.total


def record_context(window: Window) -> Context:
    return Context(window)


def records_behind(ctx: Context, metric: str, subject_id: int,
                   limit: int | None = None, reader=None) -> Records | None:
    """The records a subject's figure of `metric` counts, oldest first (the first `limit`
    of them, with the total), or None when no app lists records for that metric. `reader`
    is the user they are shown to, for the sources whose records not everyone may see."""
    source = RECORD_SOURCES.get(metric)
    if source is None:
        return None
    found = (source.rows(ctx, subject_id, reader) if source.reader_scoped
             else source.rows(ctx, subject_id))
    missing, missing_label = [], ""
    if isinstance(found, RecordList):
        total, rows = len(found.rows), found.rows[:limit] if limit is not None else found.rows
        missing, missing_label = found.missing, found.missing_label
    else:
        queryset = found.order_by("date", "pk")
        total = queryset.count()
        rows = list(queryset[:limit] if limit is not None else queryset)
    if source.expand is not None and rows:
        rows = source.expand(rows)
    for row in rows:
        row["household_name"] = mask_name(row.get("household_name") or "")
        row.setdefault("household_code", "")
    return Records(metric, METRIC_LABELS.get(metric, metric), total, rows,
                   source.counts_records, missing, missing_label)


def has_records(metric: str) -> bool:
    return metric in RECORD_SOURCES


@dataclass
class Summary:
    title: str
    headers: list[str]
    rows: list[list]


def summaries(window: Window, cadre_id: int) -> list[Summary]:
    """The apps' extra tables of a leader's year-end material, in their order."""
    out = []
    for source in sorted(SUMMARY_SOURCES.values(), key=lambda s: (s.order, s.name)):
        table = source.table(window, cadre_id)
        if table is not None:
            headers, rows = table
            out.append(Summary(source.title, list(headers), [list(r) for r in rows]))
    return out
