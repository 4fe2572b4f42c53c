"""Cross-row rules of reception days and cases (spec/petitions.md §2, §3, §6), shared by the
forms and the imports: each failure names its field."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from liaison.models import DISTRICT_LEVEL, Organization
from liaison.rules import position_held
from liaison.services import activity_dates_check, rules_for, today
from liaison.workdays import WorkingCalendar
from petitions.models import Petition, ReceptionDay

D = Petition.Decision

# The chain of §3: each date on or after the one before, and needing it.
CHAIN = (
    ("received_on", "登记日期"), ("decided_on", "受理日期"), ("replied_on", "答复日期"),
    ("review_requested_on", "复查申请日期"), ("review_decided_on", "复查意见日期"),
    ("re_review_requested_on", "复核申请日期"), ("re_review_decided_on", "复核意见日期"),
)


@rules_for(ReceptionDay)
def reception_rules(day: ReceptionDay) -> None:
    if day.received_by_id:
        # Days are planned months ahead; who actually received is recorded once it is past.
        try:
            activity_dates_check(day.date, None, start_field="date")
        except ValidationError:
            raise ValidationError({"received_by": "接访日尚未到来，不能登记实际接待人"}) from None
    holds = position_held(day.host_id, day.date, DISTRICT_LEVEL)
    errors = {}
    if not holds:
        errors["host"] = (f"「{day.host.code}」在 {day.date:%Y-%m-%d} 未担任区级领导职务，"
                          "不能作为接访领导（A角）")
    if day.received_by_id and day.received_by_id not in (day.host_id, day.substitute_id):
        errors["received_by"] = "实际接待人须为本接访日的A角或B角"
    if errors:
        raise ValidationError(errors)


@rules_for(Petition)
def petition_order(case: Petition) -> None:
    """§3: dates in order, none in the future, no step without the ones before it."""
    now = today()
    errors: dict[str, str] = {}
    previous = None
    for field, label in CHAIN:
        day = getattr(case, field)
        if day is None:
            continue
        if day > now:
            errors[field] = f"{label} {day:%Y-%m-%d} 在今天之后，不能登记未来的日期"
        elif previous and day < previous[1]:
            errors[field] = f"{label}不能早于{previous[0]}"
        previous = (label, day)
    requires = {
        "decided_on": ("decision", "填写受理日期须同时填写受理结果"),
        "replied_on": ("decided_on", "答复前须先受理"),
        "review_requested_on": ("replied_on", "申请复查前须先答复"),
        "review_decided_on": ("review_requested_on", "复查意见前须有复查申请"),
        "re_review_requested_on": ("review_decided_on", "申请复核前须有复查意见"),
        "re_review_decided_on": ("re_review_requested_on", "复核意见前须有复核申请"),
    }
    for field, (needed, message) in requires.items():
        if getattr(case, field) and not getattr(case, needed):
            errors.setdefault(field, message)
    if case.decision and not case.decided_on:
        errors.setdefault("decided_on", "填写受理结果须同时填写受理日期")
    if case.replied_on and case.decision and case.decision != D.ACCEPTED:
        errors.setdefault("replied_on", "只有已受理的事项才有答复")
    if case.satisfaction and not case.replied_on:
        errors.setdefault("satisfaction", "满意度须在答复之后填写")
    if case.extension_days:
        if case.decision != D.ACCEPTED:
            errors.setdefault("extension_days", "只有已受理的事项才能延期")
        if not (case.extension_approver_id and case.extension_granted_on):
            errors.setdefault("extension_days", "延期须填写批准人和延期日期")
    if not errors:
        # An import loads the calendar once for the file (petitions.resources) and hands it on.
        calendar = getattr(case, "_calendar", None) or WorkingCalendar.load()
        errors.update(_deadlines(case, calendar))
    if errors:
        raise ValidationError(errors)


def _deadlines(case: Petition, calendar: WorkingCalendar) -> dict[str, str]:
    errors = {}
    if case.extension_days and case.extension_granted_on and case.decided_on:
        last = calendar.due(case.decided_on, Petition.HANDLING_DAYS)
        if not case.decided_on <= case.extension_granted_on <= last:
            errors["extension_granted_on"] = (
                f"延期须在受理日期与原办理期限 {last:%Y-%m-%d} 之间批准")
    if case.review_requested_on and case.replied_on:
        last = calendar.due(case.replied_on, Petition.REVIEW_DAYS)
        if case.review_requested_on > last:
            errors["review_requested_on"] = f"复查申请须在答复后 30 日内（{last:%Y-%m-%d} 前）提出"
    if case.re_review_requested_on and case.review_decided_on:
        last = calendar.due(case.review_decided_on, Petition.REVIEW_DAYS)
        if case.re_review_requested_on > last:
            errors["re_review_requested_on"] = (
                f"复核申请须在复查意见后 30 日内（{last:%Y-%m-%d} 前）提出")
    return errors


@rules_for(Petition)
def petition_confidentiality(case: Petition) -> None:
    """§6: never handled by an accused unit or its subtree, nor by an accused cadre. The
    accused are read from `_accused_cadres` / `_accused_units` when the caller is about to set
    them (a new case, an import row), else from the stored case."""
    cadres = accused_cadre_ids(case)
    units = accused_unit_ids(case)
    errors = {}
    if units and case.handling_unit_id:
        # The units at hand (an import row's, resolved with its chunk) are not read again.
        at_hand = getattr(case, "_accused_units", None)
        paths = [unit.path for unit in at_hand] if at_hand is not None else \
            Organization.objects.filter(pk__in=units).values_list("path", flat=True)
        handling_path = case.handling_unit.path if Petition.handling_unit.is_cached(case) \
            else Organization.objects.values_list("path", flat=True).get(pk=case.handling_unit_id)
        if any(handling_path.startswith(path) for path in paths):
            errors["handling_unit"] = "承办单位不得为被反映单位或其下级单位"
    for field, role in (("responsible", "责任人"), ("leader", "包案领导"),
                        ("extension_approver", "延期批准人")):
        if getattr(case, f"{field}_id") in cadres:
            errors[field] = f"{role}不得为被反映人"
    if errors:
        raise ValidationError(errors)


def accused_cadre_ids(case: Petition) -> set[int]:
    if hasattr(case, "_accused_cadres"):
        return {c.pk for c in case._accused_cadres}
    return set(case.accused_cadres.values_list("pk", flat=True)) if case.pk else set()


def accused_unit_ids(case: Petition) -> set[int]:
    if hasattr(case, "_accused_units"):
        return {u.pk for u in case._accused_units}
    return set(case.accused_units.values_list("pk", flat=True)) if case.pk else set()
