"""Plausibility flags (可信度提示, issue #13): signals that a record may not be what it says,
for inspectors to look into. A flag is never a verdict (提示不等于结论).

Rules are registered, each with its plain-words description built from the thresholds:

    register_flag_rule(FlagRule("busy_day", "单日入户走访过多", describe, find))

`find(scan)` returns the flagged records as `Finding`s, computed by the database (annotate,
subqueries, grouping; never a loop over activity rows). The generic rules over every
`LedgerRecord` subclass live here (1 补录, 2 集中录入); app-specific ones in each app's
`plausibility.py` plug-in module (liaison.apps.PLUGIN_MODULES). Two more registries let a
rule span apps without one importing another:

- dated places: "where cadre X was on which dates" (research trips and their places);
- dated targets: "which organization a cadre's record reached on which dates" (visits,
  talks with households); the core's rule 4 compares the two;
- attachment sources: the files attached to records with their SHA-256 (rule 5).

Thresholds are `settings.PLAUSIBILITY` (a dict, any key missing takes its default below),
read at run time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate

DEFAULTS = {
    "BACKDATING_DAYS": 30,  # 1: entered more than this many days after the record's date
    "BURST_RECORDS": 20,  # 2: this many records or more entered by one person ...
    "BURST_HOURS": 24,  # ... within this many hours ...
    "BURST_SPREAD_DAYS": 60,  # ... for dates spread over more than this many days
    "HOUSEHOLD_VISITS_PER_DAY": 8,  # 3: more household visits than this by a cadre in a day
    "UNCONFIRMED_AFTER_DAYS": 7,  # 6: a talk still unconfirmed this many days after entry
    "WINDOW_DAYS": 730,  # records dated within this many days before today are checked
}


def thresholds() -> dict:
    """The thresholds in force: settings.PLAUSIBILITY over the defaults."""
    configured = getattr(settings, "PLAUSIBILITY", {}) or {}
    unknown = set(configured) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"PLAUSIBILITY: unknown thresholds {sorted(unknown)}")
    values = {**DEFAULTS, **configured}
    for key, value in values.items():
        if not isinstance(value, int) or value < 0:
            raise ValueError(f"PLAUSIBILITY[{key!r}] must be a non-negative integer")
    return values


@dataclass(frozen=True)
class Scan:
    """What a run checks: records dated from `start` to `end`, with the thresholds `t`, as
    of the moment `now`."""

    start: dt.date
    end: dt.date
    now: dt.datetime
    t: dict

    @classmethod
    def today(cls, now: dt.datetime | None = None) -> Scan:
        from django.utils import timezone

        now = now or timezone.now()
        values = thresholds()
        end = timezone.localdate(now)
        return cls(end - dt.timedelta(days=values["WINDOW_DAYS"]), end, now, values)


@dataclass(frozen=True)
class Finding:
    """A flagged record: its model and id, the cadre it is about (or None), the path of the
    unit it belongs to when it is a unit's record, its date and what was found."""

    model: type
    object_id: int
    cadre_id: int | None
    date: dt.date | None
    detail: str
    unit_path: str = ""


@dataclass(frozen=True)
class FlagRule:
    code: str
    title: str
    describe: Callable[[dict], str]  # plain Chinese words, from the thresholds
    find: Callable[[Scan], Iterable[Finding]]
    order: int = 100


RULES: dict[str, FlagRule] = {}


def register_flag_rule(rule: FlagRule) -> FlagRule:
    RULES[rule.code] = rule  # by code: registering again replaces
    return rule


def flag_rules() -> list[FlagRule]:
    return sorted(RULES.values(), key=lambda r: (r.order, r.code))


def rule_descriptions() -> list[tuple[str, str, str]]:
    """(code, title, plain words) of every rule with the thresholds in force."""
    values = thresholds()
    return [(rule.code, rule.title, rule.describe(values)) for rule in flag_rules()]


def run_rules(scan: Scan) -> list[tuple[str, Finding]]:
    return [(rule.code, finding) for rule in flag_rules() for finding in rule.find(scan)]


# --- the registries rules 4 and 5 read ------------------------------------------------------


@dataclass(frozen=True)
class DatedPlaces:
    """Where cadres were: `rows()` is a queryset annotated with place_cadre (cadre id),
    place_start and place_end (dates), place_path (an organization's path) and place_label
    (what the place was, e.g. a research trip's title and place name)."""

    label: str
    rows: Callable[[], QuerySet]


@dataclass(frozen=True)
class DatedTargets:
    """Which organization a cadre's record reached: `rows()` is a queryset annotated with
    record_id (a `model` id), target_cadre, target_start, target_end (dates), target_path
    and target_label (the organization's name)."""

    model: type
    rows: Callable[[], QuerySet]


@dataclass(frozen=True)
class AttachmentSource:
    """Files attached to records of `record_model`: `model`'s `file_field` holds the file and
    `hash_field` its SHA-256 (filled on upload; `manage.py attachment_hashes` fills older
    rows). `rows()` is a queryset of `model` annotated with file_hash, record_id,
    record_cadre and record_date."""

    model: type
    record_model: type
    rows: Callable[[], QuerySet]
    file_field: str = "file"
    hash_field: str = "sha256"


PLACES: list[DatedPlaces] = []
TARGETS: list[DatedTargets] = []
ATTACHMENTS: list[AttachmentSource] = []


def _register(registry: list, item, key) -> None:
    registry[:] = [x for x in registry if key(x) != key(item)] + [item]


def register_dated_places(source: DatedPlaces) -> DatedPlaces:
    _register(PLACES, source, lambda s: s.label)
    return source


def register_dated_targets(source: DatedTargets) -> DatedTargets:
    _register(TARGETS, source, lambda s: s.model)
    return source


def register_attachment_source(source: AttachmentSource) -> AttachmentSource:
    _register(ATTACHMENTS, source, lambda s: s.model)
    return source


# --- the ledger's models ----------------------------------------------------------------------


def ledger_models() -> list[type]:
    """Every concrete LedgerRecord subclass with a date (ledger_date_fields)."""
    from liaison.models import LedgerRecord

    return [model for model in apps.get_models()
            if issubclass(model, LedgerRecord) and model.ledger_date_fields]


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def cadre_field(model) -> str:
    """The field naming the cadre a record is about: `ledger_cadre_field`, else "cadre"."""
    name = getattr(model, "ledger_cadre_field", "") or "cadre"
    return name if _has_field(model, name) else ""


def unit_field(model) -> str:
    """The field naming the unit a record belongs to: `ledger_unit_field`, else "unit"."""
    name = getattr(model, "ledger_unit_field", "") or "unit"
    return name if _has_field(model, name) else ""


def date_field(model) -> str:
    return model.ledger_date_fields[0]


def record_values(queryset, *extra: str) -> list[dict]:
    """The rows of a ledger queryset as dicts with pk, cadre_id, unit_path and day."""
    model = queryset.model
    cadre, unit = cadre_field(model), unit_field(model)
    annotations = {"day": F(date_field(model)),
                   "cadre_ref": F(f"{cadre}_id") if cadre else Value(None, IntegerField()),
                   "unit_path": F(f"{unit}__path") if unit else Value("")}
    return list(queryset.annotate(**annotations).values("pk", "day", "cadre_ref", "unit_path",
                                                        *extra))


def _finding(model, row: dict, detail: str) -> Finding:
    return Finding(model, row["pk"], row["cadre_ref"], row["day"], detail,
                   row["unit_path"] or "")


def _in_window(model, scan: Scan):
    name = date_field(model)
    return model._default_manager.filter(**{f"{name}__gte": scan.start,
                                            f"{name}__lte": scan.end})


# --- rule 1: 补录 (backdating) ------------------------------------------------------------------


def backdated(scan: Scan) -> Iterable[Finding]:
    days = scan.t["BACKDATING_DAYS"]
    for model in ledger_models():
        name = date_field(model)
        label = model._meta.get_field(name).verbose_name
        rows = _in_window(model, scan).annotate(
            entered_on=TruncDate("created_at"),
            late=ExpressionWrapper(F("entered_on") - F(name), output_field=DurationField()),
        ).filter(late__gt=dt.timedelta(days=days))
        for row in record_values(rows, "entered_on", "late"):
            yield _finding(model, row, f"{label} {row['day']:%Y-%m-%d}，录入于 "
                                       f"{row['entered_on']:%Y-%m-%d}，晚 {row['late'].days} 天")


# --- rule 2: 集中录入 (a burst of entries for dates far apart) ------------------------------


def _window_rows(model, day_field: str):
    """`model`'s records entered by the outer row's person within the outer row's window."""
    return model._default_manager.filter(
        entered_by=OuterRef("entered_by"), created_at__gte=OuterRef("created_at"),
        created_at__lt=OuterRef("window_end"), **{f"{day_field}__isnull": False}
    ).order_by().values("entered_by")


def _busy_entry_days(scan: Scan, models: list) -> Q:
    """The entries that could open a burst: those of a person on a day when they, that day
    and the days a window reaches into, entered BURST_RECORDS records or more. Counted per
    (person, day) by the database, so that the window query below runs on few rows."""
    from django.db.models import Count

    t = scan.t
    since = scan.now - dt.timedelta(days=t["WINDOW_DAYS"])
    per_day: dict[tuple[int, dt.date], int] = {}
    for model in models:
        for row in (model._default_manager.filter(
                entered_by__isnull=False, created_at__gte=since,
                **{f"{date_field(model)}__isnull": False})
                .annotate(entered_on=TruncDate("created_at")).order_by()
                .values("entered_by", "entered_on").annotate(n=Count("pk"))):
            key = (row["entered_by"], row["entered_on"])
            per_day[key] = per_day.get(key, 0) + row["n"]
    reach = -(-t["BURST_HOURS"] // 24)  # a window from a day reaches this many days on
    days: dict[int, list[dt.date]] = {}
    for (person, day) in per_day:
        if sum(per_day.get((person, day + dt.timedelta(days=k)), 0)
               for k in range(reach + 1)) >= t["BURST_RECORDS"]:
            days.setdefault(person, []).append(day)
    q = Q(pk__in=[])
    for person, person_days in days.items():
        q |= Q(entered_by=person, entered_on__in=person_days)
    return q if days else None


def burst_anchors(scan: Scan) -> list[dict]:
    """Entries opening a window of BURST_HOURS in which their person entered BURST_RECORDS
    records or more (of every kind) whose dates spread over more than BURST_SPREAD_DAYS:
    [{"entered_by", "created_at", "window_end", "n", "spread"}]."""
    from django.db.models import Count

    t = scan.t
    models = ledger_models()
    candidates = _busy_entry_days(scan, models)
    if candidates is None:
        return []
    counts, lows, highs = [], [], []
    for model in models:
        day = date_field(model)
        rows = _window_rows(model, day)
        counts.append(Coalesce(Subquery(rows.annotate(c=Count("pk")).values("c")), 0))
        lows.append(Coalesce(Subquery(rows.annotate(m=Min(day)).values("m")),
                             Value(dt.date.max), output_field=DateField()))
        highs.append(Coalesce(Subquery(rows.annotate(m=Max(day)).values("m")),
                              Value(dt.date.min), output_field=DateField()))
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    anchors = []
    for model in models:
        rows = (model._default_manager.filter(**{f"{date_field(model)}__isnull": False})
                .annotate(entered_on=TruncDate("created_at")).filter(candidates)
                .annotate(window_end=ExpressionWrapper(
                    F("created_at") + dt.timedelta(hours=t["BURST_HOURS"]),
                    output_field=DateTimeField()))
                .annotate(n=ExpressionWrapper(total, output_field=IntegerField()),
                          lo=Least(*lows, output_field=DateField()) if len(lows) > 1
                          else lows[0],
                          hi=Greatest(*highs, output_field=DateField()) if len(highs) > 1
                          else highs[0])
                .annotate(spread=ExpressionWrapper(F("hi") - F("lo"),
                                                   output_field=DurationField()))
                .filter(n__gte=t["BURST_RECORDS"],
                        spread__gt=dt.timedelta(days=t["BURST_SPREAD_DAYS"])))
        anchors += rows.values("entered_by", "created_at", "window_end", "n", "spread")
    return anchors


def _merged(anchors: list[dict]) -> list[dict]:
    """Overlapping windows of one person merged into one (the first anchor's figures)."""
    merged: list[dict] = []
    for anchor in sorted(anchors, key=lambda a: (a["entered_by"], a["created_at"])):
        last = merged[-1] if merged else None
        if last and last["entered_by"] == anchor["entered_by"] and \
                anchor["created_at"] < last["window_end"]:
            last["window_end"] = max(last["window_end"], anchor["window_end"])
        else:
            merged.append(dict(anchor))
    return merged


def burst(scan: Scan) -> Iterable[Finding]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    windows = _merged(burst_anchors(scan))
    if not windows:
        return
    names = dict(get_user_model().objects.filter(
        pk__in={w["entered_by"] for w in windows}).values_list("pk", "username"))
    for model in ledger_models():
        for window in windows:
            rows = model._default_manager.filter(
                entered_by=window["entered_by"], created_at__gte=window["created_at"],
                created_at__lt=window["window_end"],
                **{f"{date_field(model)}__isnull": False})
            start = timezone.localtime(window["created_at"])
            for row in record_values(rows):
                yield _finding(model, row, (
                    f"录入人 {names.get(window['entered_by'], '')} 自 {start:%Y-%m-%d %H:%M} 起"
                    f" {scan.t['BURST_HOURS']} 小时内录入 {window['n']} 条记录，"
                    f"记录日期跨度 {window['spread'].days} 天"))


# --- rule 4: 调研期间异地记录 (a record elsewhere during a research trip) -----------------


def _places_during(places: DatedPlaces):
    """The outer target row's cadre's places on dates overlapping the target's dates."""
    return places.rows().filter(place_cadre=OuterRef("target_cadre"),
                                place_start__lte=OuterRef("target_end"),
                                place_end__gte=OuterRef("target_start"))


def near_q() -> Q:
    """A place and a target in one area: either organization lies in the other's subtree
    (the place is the target, contains it, or lies inside it)."""
    return Q(place_path__startswith=OuterRef("target_path")) | Q(
        outer_path__startswith=F("place_path"))


def away_on_trip(scan: Scan) -> Iterable[Finding]:
    if not PLACES:
        return
    labels = [f"trip_{n}" for n in range(len(PLACES))]
    for targets in TARGETS:
        rows = targets.rows().filter(target_start__lte=scan.end, target_end__gte=scan.start,
                                     target_cadre__isnull=False)
        # Away: on a trip on those dates, and no place of any trip of those dates is in the
        # target's area (near_q).
        on_trip, near = Q(pk__in=[]), Q(pk__in=[])
        for name, places in zip(labels, PLACES, strict=True):
            during = _places_during(places)
            on_trip |= Q(Exists(during))
            outer_path = ExpressionWrapper(OuterRef("target_path"), output_field=CharField())
            near |= Q(Exists(during.annotate(outer_path=outer_path).filter(near_q())))
            rows = rows.annotate(**{name: Subquery(during.values("place_label")[:1])})
        for row in rows.filter(on_trip & ~near).values(
                "record_id", "target_cadre", "target_start", "target_label", *labels
        ).order_by("record_id").distinct():
            trip = next((row[name] for name in labels if row[name]), "")
            yield Finding(targets.model, row["record_id"], row["target_cadre"],
                          row["target_start"], f"联系对象「{row['target_label']}」不在同期调研"
                                               f"（{trip}）的地点范围内")


# --- rule 5: 同一附件 (one file on different records) --------------------------------------------


def same_file(scan: Scan) -> Iterable[Finding]:
    for source in ATTACHMENTS:
        rows = source.rows().exclude(file_hash="")
        elsewhere = Q()
        for other in ATTACHMENTS:
            others = other.rows().filter(file_hash=OuterRef("file_hash"))
            if other.record_model is source.record_model:
                others = others.exclude(record_id=OuterRef("record_id"))
            elsewhere |= Q(Exists(others))
        label = source.model._meta.verbose_name
        seen = set()
        for row in rows.filter(elsewhere).filter(
                record_date__gte=scan.start, record_date__lte=scan.end).values(
                "record_id", "record_cadre", "record_date", "file_hash").order_by(
                "record_id", "file_hash"):
            key = (row["record_id"], row["file_hash"])
            if key in seen:
                continue
            seen.add(key)
            yield Finding(source.record_model, row["record_id"], row["record_cadre"],
                          row["record_date"], f"{label}（SHA-256 {row['file_hash'][:12]}…）"
                                              f"与其他记录的文件完全相同")


register_flag_rule(FlagRule(
    "backdated", "事后补录",
    lambda t: f"记录在其日期之后超过 {t['BACKDATING_DAYS']} 天才录入系统（按录入时间与记录日期"
              f"相差的天数计算）。", backdated, order=10))
register_flag_rule(FlagRule(
    "burst", "集中录入",
    lambda t: f"同一录入人在 {t['BURST_HOURS']} 小时内录入 {t['BURST_RECORDS']} 条或更多记录，"
              f"且这些记录的日期最早与最晚相差超过 {t['BURST_SPREAD_DAYS']} 天（如年底集中补录）。",
    burst, order=20))
register_flag_rule(FlagRule(
    "away_on_trip", "调研期间异地记录",
    lambda t: "干部在外出调研的日期内，又有走访或谈心记录，而联系对象所在单位（住户按其所在社区）"
              "既不是当天任何调研地点本身，也不在其下级范围内，调研地点也不在联系对象的下级范围内。",
    away_on_trip, order=40))
register_flag_rule(FlagRule(
    "same_file", "重复使用附件",
    lambda t: "内容完全相同的附件文件（按文件内容的 SHA-256 指纹比对）出现在两条或更多不同记录上。",
    same_file, order=50))
