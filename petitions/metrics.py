"""The petitions metrics of spec/compliance.md §9 (spec/petitions.md §2 and §7)."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Count, DateField, F, Value, When
from django.db.models.functions import TruncMonth

from liaison.compliance.engine import Context, Names, Row
from liaison.compliance.queries import (
    by_category,
    clock_counted_q,
    clock_on_time_q,
    clock_rows,
    clock_totals,
)
from liaison.compliance.registry import (
    CADRE,
    ORGANIZATION,
    CheckableKind,
    Metric,
    MetricInfo,
    RecordSource,
    RowSource,
    SummarySource,
    register_checkable,
    register_metric,
    register_records,
    register_row_source,
    register_summary,
)
from liaison.models import Category
from liaison.permissions import VIEW
from liaison.personal import mask_name
from liaison.selectors import served_organization
from petitions.clocks import STAGES, state_at
from petitions.models import Petition, ReceptionDay
from petitions.selectors import handling_due_at

D = Petition.Decision


def reception_months(ctx: Context) -> dict:
    """Distinct calendar months of the window with a reception day the cadre received on."""
    days = ctx.in_window(ctx.narrow(ReceptionDay.objects.filter(received_by__isnull=False),
                                    "received_by_id"), "date")
    return {(row["received_by_id"],): row["n"] for row in
            days.order_by().annotate(month=TruncMonth("date"))
            .values("received_by_id").annotate(n=Count("month", distinct=True))}


register_metric(Metric(
    "reception_months", "接访月数", CADRE, unit="个月", periods=by_category,
    actual=reception_months, default_quota={Category.DISTRICT_PRINCIPAL: 12}))


def petition_rows(ctx: Context, names: Names) -> list[Row]:
    as_of = ctx.window.as_of
    decisions = clock_totals(ctx, Petition.objects.all(), "handling_unit_id", "decision_due",
                             "decided_on", "received_on")
    # The handling clock: accepted by A; the extension counts once granted by A (§4).
    accepted = Petition.objects.filter(decision=D.ACCEPTED, decided_on__lte=as_of) \
        .annotate(handling_due_at=handling_due_at(as_of))
    replies = clock_totals(ctx, accepted, "handling_unit_id", "handling_due_at", "replied_on",
                           "received_on")
    return [*clock_rows(ctx, names, "petition_decisions", decisions),
            *clock_rows(ctx, names, "petition_replies", replies)]


register_row_source(RowSource("petitions", petition_rows, (
    MetricInfo("petition_decisions", "信访按期受理", ORGANIZATION, unit="件"),
    MetricInfo("petition_replies", "信访按期答复", ORGANIZATION, unit="件"),
)))


# --- the records behind reception_months and a leader's year-end table --------------------------
# Reception days only: never a petitioner's identity.

MODE_LABELS = dict(ReceptionDay.Mode.choices)


def reception_records(ctx: Context, cadre_id: int):
    return ctx.in_window(ReceptionDay.objects.filter(received_by_id=cadre_id), "date") \
        .values("pk", "date", "place", mode_=F("mode"))


def mode_labels(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["detail"] = MODE_LABELS.get(row.pop("mode_"), "")
    return rows


register_records(RecordSource("reception_months", reception_records, expand=mode_labels,
                              counts_records=False))


# --- the cases behind petition_decisions and petition_replies ------------------------------------
# Only the cases the reader may see (petitions.scopes: never one that accuses them), and the
# petitioner named masked, whoever reads: a report is no place to reveal an identity.


def clock_records(ctx: Context, unit_id: int, reader, cases, due: str, done: str):
    """The unit's cases whose clock the figure counts (clock_totals' filters), each with its
    due date and whether it was on time."""
    as_of = ctx.window.as_of
    visible = (Petition.objects.restrict(reader, VIEW) if reader is not None
               else Petition.objects.none())  # no reader: nothing (deny by default)
    cases = ctx.narrow(cases, "handling_unit_id", ORGANIZATION).filter(
        handling_unit_id=unit_id, received_on__lte=as_of).filter(
        clock_counted_q(ctx, due, done)).filter(pk__in=visible.values("pk"))
    return cases.values(
        "pk", date=F("received_on"), place=F("code"), name_=F("petitioner_name"),
        due_=F(due), done_=F(done), as_of_=Value(as_of, output_field=DateField()),
        on_time_=Case(When(clock_on_time_q(ctx, due, done), then=Value(True)),
                      default=Value(False), output_field=BooleanField()))


def decision_records(ctx: Context, unit_id: int, reader):
    return clock_records(ctx, unit_id, reader, Petition.objects.all(), "decision_due",
                         "decided_on")


def reply_records(ctx: Context, unit_id: int, reader):
    accepted = Petition.objects.filter(decision=D.ACCEPTED, decided_on__lte=ctx.window.as_of) \
        .annotate(handling_due_at=handling_due_at(ctx.window.as_of))
    return clock_records(ctx, unit_id, reader, accepted, "handling_due_at", "replied_on")


def case_states(rows: list[dict]) -> list[dict]:
    """Each case's stage at A (petitions.clocks.state_at, one more query for the listed
    cases), its due date and whether the clock was on time or late."""
    cases = Petition.objects.in_bulk([row["pk"] for row in rows])
    for row in rows:
        as_of, due, done = row.pop("as_of_"), row.pop("due_"), row.pop("done_")
        state = state_at(cases[row["pk"]], as_of)
        stage = STAGES.get(state.stage, state.stage) if state else ""
        timing = "按期" if row.pop("on_time_") else "逾期"
        finished = f"，{done:%Y-%m-%d}办结" if done and done <= as_of else "，未办结"
        row["place"] = f"{row['place']}（信访人 {mask_name(row.pop('name_'))}）"
        row["detail"] = f"{stage}；期限 {due:%Y-%m-%d}{finished}；{timing}"
    return rows


register_records(RecordSource("petition_decisions", decision_records, expand=case_states,
                              reader_scoped=True))
register_records(RecordSource("petition_replies", reply_records, expand=case_states,
                              reader_scoped=True))


def reception_summary(window, cadre_id: int):
    """Reception days the cadre received on in the year to date and the petitions registered
    there, by channel: counts only."""
    days = ReceptionDay.objects.filter(received_by_id=cadre_id,
                                       date__range=(window.start, window.as_of))
    n_days = days.count()
    if not n_days:
        return None
    petitions = Petition.objects.filter(reception__in=days)
    by_channel = dict(petitions.order_by().values_list("channel").annotate(n=Count("pk")))
    labels = dict(Petition.Channel.choices)
    rows = [("接访日（天）", n_days), ("接待登记信访件（件）", sum(by_channel.values()))]
    rows += [(f"其中：{labels.get(code, code)}（件）", n) for code, n in sorted(by_channel.items())]
    return ("项目", "数量"), rows


register_summary(SummarySource("receptions", "领导接访（仅统计数量）", reception_summary,
                               order=30))


def reception_unit():
    """A reception day's unit, for spot checks' per-unit sampling: the organization of the
    host's (A角's) position on that day."""
    return served_organization("host", "date")


def describe_reception(day: ReceptionDay) -> str:
    place = f"，地点：{day.place}" if day.place else ""
    return (f"{day.date:%Y-%m-%d} {day.received_by.name} {day.get_mode_display()}"
            f"（A角 {day.host.name}）{place}")


# spec/compliance.md §10: reception days held (someone received) may be sampled and verified.
register_checkable(CheckableKind(
    "reception_day", "接访日", ReceptionDay, cadre_field="received_by", date_field="date",
    unit=reception_unit, describe=describe_reception,
    filters={"received_by__isnull": False}))
