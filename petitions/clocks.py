"""The four clocks and the stage of a case (spec/petitions.md §4 and §5).

`refresh_dues` stores a case's due dates on the working calendar; `state_at` reads a case as it
stood at an as-of date A: only events dated on or before A exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from liaison.workdays import WorkingCalendar
from petitions.models import Petition

D = Petition.Decision

STAGES = {
    "pending_decision": "待受理", "not_accepted": "不予受理", "transferred": "已转送",
    "handling": "办理中", "replied": "已答复", "reviewing": "复查中", "reviewed": "已复查",
    "re_reviewing": "复核中", "final": "已终结",
}
CLOCKS = ("decision", "handling", "review", "re_review")
ON_TIME, LATE = 1, 0


def refresh_dues(case: Petition, calendar: WorkingCalendar) -> None:
    """The due dates of every clock whose starting event is recorded (§4)."""
    case.decision_due = calendar.due(case.received_on, Petition.DECISION_DAYS)
    accepted = case.decision == D.ACCEPTED and case.decided_on is not None
    case.handling_due = (calendar.due(case.decided_on, Petition.HANDLING_DAYS)
                         if accepted else None)
    case.handling_due_extended = (
        calendar.due(case.decided_on, Petition.HANDLING_DAYS + case.extension_days)
        if accepted and case.extension_days else None)
    case.review_due = (calendar.due(case.review_requested_on, Petition.REVIEW_DAYS)
                       if case.review_requested_on else None)
    case.re_review_due = (calendar.due(case.re_review_requested_on, Petition.REVIEW_DAYS)
                          if case.re_review_requested_on else None)


def handling_due_at(case: Petition, as_of: dt.date) -> dt.date | None:
    """The extension counts once it was granted on or before A."""
    if case.handling_due_extended and case.extension_granted_on \
            and case.extension_granted_on <= as_of:
        return case.handling_due_extended
    return case.handling_due


def clock(due: dt.date, done: dt.date | None, as_of: dt.date) -> int | None:
    """1 on time, 0 late (done after the due date, or overdue at A), None open."""
    if done is not None:
        return ON_TIME if done <= due else LATE
    return LATE if due < as_of else None


@dataclass(frozen=True)
class CaseState:
    stage: str
    due_on: dt.date | None
    days_left: int | None
    clocks: dict[str, int | None]  # only the clocks that apply

    def row(self, code: str) -> dict:
        """The `petitions` command's row (§5)."""
        return {"case_code": code, "stage": self.stage,
                "due_on": self.due_on.isoformat() if self.due_on else None,
                "days_left": self.days_left,
                **{name: self.clocks.get(name) for name in CLOCKS}}


def state_at(case: Petition, as_of: dt.date) -> CaseState | None:
    """The case at A, or None when it was received after A."""
    if case.received_on > as_of:
        return None

    def on(day):
        return day if day is not None and day <= as_of else None

    decided = on(case.decided_on)
    decision = case.decision if decided else ""
    accepted = decision == D.ACCEPTED
    replied = on(case.replied_on) if accepted else None
    review_requested = on(case.review_requested_on) if replied else None
    review_decided = on(case.review_decided_on) if review_requested else None
    re_review_requested = on(case.re_review_requested_on) if review_decided else None
    re_review_decided = on(case.re_review_decided_on) if re_review_requested else None

    clocks = {"decision": clock(case.decision_due, decided, as_of)}
    handling_due = handling_due_at(case, as_of) if accepted else None
    if accepted:
        clocks["handling"] = clock(handling_due, replied, as_of)
    if review_requested:
        clocks["review"] = clock(case.review_due, review_decided, as_of)
    if re_review_requested:
        clocks["re_review"] = clock(case.re_review_due, re_review_decided, as_of)

    if re_review_decided:
        stage, due = "final", None
    elif re_review_requested:
        stage, due = "re_reviewing", case.re_review_due
    elif review_decided:
        stage, due = "reviewed", None
    elif review_requested:
        stage, due = "reviewing", case.review_due
    elif replied:
        stage, due = "replied", None
    elif accepted:
        stage, due = "handling", handling_due
    elif decision:
        stage, due = decision, None  # not_accepted or transferred
    else:
        stage, due = "pending_decision", case.decision_due
    return CaseState(stage, due, (due - as_of).days if due else None, clocks)
