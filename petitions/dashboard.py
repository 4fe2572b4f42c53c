"""The petitions page of the supervision dashboard and its chapter of the bulletin
(liaison.sections): on-time rates of each clock by the handling units' sub-unit of the
district (spec/petitions.md §7),
满意率 and 参评率, the cases overdue at the as-of date, collective and repeat cases.

Every figure reads through the petitions scope, so a case hidden from a user by the
confidentiality rule (§6) is in none of their counts. No petitioner's identity is shown.
"""

from __future__ import annotations

import datetime as dt

import tablib
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.fields import CharField, DateField

from liaison.compliance.engine import Context, Window
from liaison.compliance.queries import clock_totals
from liaison.models import Organization
from liaison.permissions import VIEW, Role
from liaison.sections import (
    DASHBOARD_READERS,
    Section,
    Trend,
    rate,
    register_section,
    register_trend,
    roll_up,
    unit_rows,
)
from petitions.models import Petition
from petitions.selectors import handling_due_at, repeat_q

D, S = Petition.Decision, Petition.Satisfaction
CLOCKS = (("decision", "按期受理"), ("handling", "按期答复"), ("review", "按期复查"),
          ("re_review", "按期复核"))
OVERDUE_SHOWN = 50
COUNTS = ("cases", "collective", "repeat", "replied", "evaluated", "satisfied", "overdue")


def not_done_by(field: str, as_of: dt.date) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": as_of})


def with_overdue(cases, as_of: dt.date):
    """Annotate `late_clock` and `late_due`: the clock running at A past its due date, if any
    (only events dated on or before A have happened, as in petitions.clocks.state_at)."""
    late = (
        (Q(re_review_requested_on__lte=as_of, re_review_due__lt=as_of)
         & not_done_by("re_review_decided_on", as_of), "复核", F("re_review_due")),
        (Q(review_requested_on__lte=as_of, review_due__lt=as_of)
         & not_done_by("review_decided_on", as_of), "复查", F("review_due")),
        (Q(decision=D.ACCEPTED, decided_on__lte=as_of, due_at_a__lt=as_of)
         & not_done_by("replied_on", as_of), "办理答复", F("due_at_a")),
        (Q(decision_due__lt=as_of) & not_done_by("decided_on", as_of), "受理",
         F("decision_due")),
    )
    return cases.annotate(due_at_a=handling_due_at(as_of)).annotate(
        late_clock=Case(*(When(q, then=Value(label)) for q, label, _ in late),
                        default=Value(""), output_field=CharField()),
        late_due=Case(*(When(q, then=due) for q, _, due in late), default=None,
                      output_field=DateField()))


def petitions_figures(user, window: Window, unit: Organization | None) -> dict:
    start, as_of = window.start, window.as_of
    # The scope as a semi-join of ids: folded into each figure's filters, its ORs across the
    # joined unit and cadres made PostgreSQL misjudge the rows and loop (seconds at N=10).
    cases = Petition.objects.filter(pk__in=Petition.objects.restrict(user, VIEW).values("pk"))
    if unit is not None:
        cases = cases.filter(handling_unit__path__startswith=unit.path)
    ctx = Context(window)
    accepted = cases.filter(decision=D.ACCEPTED, decided_on__lte=as_of) \
        .annotate(handling_due_at=handling_due_at(as_of))
    clocks = {
        "decision": clock_totals(ctx, cases, "handling_unit_id", "decision_due", "decided_on",
                                 "received_on"),
        "handling": clock_totals(ctx, accepted, "handling_unit_id", "handling_due_at",
                                 "replied_on", "received_on"),
        "review": clock_totals(ctx, cases.filter(review_requested_on__lte=as_of),
                               "handling_unit_id", "review_due", "review_decided_on",
                               "received_on"),
        "re_review": clock_totals(ctx, cases.filter(re_review_requested_on__lte=as_of),
                                  "handling_unit_id", "re_review_due", "re_review_decided_on",
                                  "received_on"),
    }
    received = {row["handling_unit_id"]: row for row in cases.filter(
        received_on__range=(start, as_of)).order_by().values("handling_unit_id").annotate(
        cases=Count("pk"),
        collective=Count("pk", filter=Q(people__gte=Petition.COLLECTIVE_SIZE)),
        repeat=Count("pk", filter=repeat_q()))}
    evaluated_q = Q(satisfaction__gt="", satisfaction_on__lte=as_of)
    replies = {row["handling_unit_id"]: row for row in cases.filter(
        decision=D.ACCEPTED, replied_on__range=(start, as_of)).order_by()
        .values("handling_unit_id").annotate(
        replied=Count("pk"), evaluated=Count("pk", filter=evaluated_q),
        satisfied=Count("pk", filter=evaluated_q & Q(
            satisfaction__in=(S.SATISFIED, S.BASICALLY))))}
    overdue = with_overdue(cases.filter(received_on__lte=as_of), as_of).exclude(late_clock="")
    overdue_counts = dict(overdue.order_by().values_list("handling_unit_id")
                          .annotate(n=Count("pk")))
    # Counted per handling unit by the database, then rolled up to the district's sub-units
    # (or the drilled-into unit's) like every chapter: a row per community would make the
    # bulletin's table run to hundreds of rows.
    counts: dict[int, dict[str, int]] = {}
    for unit_id, got in received.items():
        counts.setdefault(unit_id, {}).update(got)
    for unit_id, answered in replies.items():
        counts.setdefault(unit_id, {}).update(answered)
    for unit_id, n in overdue_counts.items():
        counts.setdefault(unit_id, {})["overdue"] = n
    for name, _ in CLOCKS:
        for unit_id, (counted, on_time) in clocks[name].items():
            counts.setdefault(unit_id, {}).update(
                {f"{name}_counted": counted, f"{name}_on_time": on_time})
    measures = [*COUNTS, *(f"{name}_{part}" for name, _ in CLOCKS
                           for part in ("counted", "on_time"))]
    units = unit_rows(user, unit)
    table = roll_up(counts, units, measures)
    rows = [with_clocks({"unit": u, "own_level": i == 0, **table[u.pk]})
            for i, u in enumerate(units) if i > 0 or any(table[u.pk].values())]
    total = with_clocks({name: sum(row.get(name, 0) for row in counts.values())
                         for name in measures})
    overdue = overdue.select_related("handling_unit", "responsible").order_by("late_due", "code")
    return {"rows": rows, "total": total, "clocks": CLOCKS, "as_of": as_of,
            "overdue": days_late(overdue[:OVERDUE_SHOWN], as_of), "overdue_all": overdue,
            "overdue_shown": OVERDUE_SHOWN}


def with_clocks(row: dict) -> dict:
    """A row of counts given each clock's figures ({counted, on_time, rate}) and the rates."""
    for name, _ in CLOCKS:
        counted, on_time = row.pop(f"{name}_counted"), row.pop(f"{name}_on_time")
        row[name] = {"counted": counted, "on_time": on_time, "rate": rate(on_time, counted)}
    return with_rates(row)


def with_rates(row: dict) -> dict:
    row["satisfaction_rate"] = rate(row["satisfied"], row["evaluated"])
    row["participation_rate"] = rate(row["evaluated"], row["replied"])
    row["clock_stats"] = [{"label": label, **row[name]} for name, label in CLOCKS]
    return row


def days_late(cases, as_of: dt.date) -> list[Petition]:
    cases = list(cases)
    for case in cases:
        case.days_late = (as_of - case.late_due).days
    return cases


def percent(value) -> str:
    return "—" if value is None else f"{value}%"


def petitions_sheets(figures: dict) -> list[tuple[str, tablib.Dataset]]:
    units = tablib.Dataset(headers=[
        "承办单位", "登记件数", "集体访", "重复访",
        *(f"{label}（按期/应计）" for _, label in CLOCKS), *(f"{label}率" for _, label in CLOCKS),
        "已答复", "已评价", "满意（含基本满意）", "满意率", "参评率", "逾期在办"])
    for r in [*figures["rows"], {**figures["total"], "unit": None, "own_level": False}]:
        name = "合计" if r["unit"] is None else \
            f"{r['unit'].name}{'本级' if r['own_level'] else ''}"
        units.append([
            name, r["cases"], r["collective"], r["repeat"],
            *(f"{r[name]['on_time']}/{r[name]['counted']}" for name, _ in CLOCKS),
            *(percent(r[name]["rate"]) for name, _ in CLOCKS),
            r["replied"], r["evaluated"], r["satisfied"], percent(r["satisfaction_rate"]),
            percent(r["participation_rate"]), r["overdue"]])
    overdue = tablib.Dataset(headers=["信访编号", "登记日期", "承办单位", "责任人", "逾期环节",
                                      "期限", "逾期天数"])
    for case in days_late(figures["overdue_all"], figures["as_of"]):
        overdue.append([case.code, case.received_on, case.handling_unit.name,
                        case.responsible.name, case.late_clock, case.late_due, case.days_late])
    return [("各承办单位", units), ("逾期案件", overdue)]


register_section(Section(
    "petitions", "信访接待", "petitions/_dashboard.html", petitions_figures,
    sheets=petitions_sheets, bulletin_template="petitions/_bulletin.html",
    roles=(*DASHBOARD_READERS, Role.PETITIONS), order=30))


def cases_of(user, unit):
    """The cases the user may see (an accused user never counts the case), as a semi-join of
    ids like the figures above."""
    cases = Petition.objects.filter(pk__in=Petition.objects.restrict(user, VIEW).values("pk"))
    return cases if unit is None else cases.filter(handling_unit__path__startswith=unit.path)


register_trend(Trend("petitions", "信访案件", cases_of, "received_on", unit="件",
                     roles=(*DASHBOARD_READERS, Role.PETITIONS), order=30))
