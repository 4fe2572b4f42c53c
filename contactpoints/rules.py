"""Cross-row rules of visits, shared by the forms and the visits import (bulk lookups)."""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db.models import Q

from contactpoints.models import Visit
from liaison.models import ContactAssignment, Organization, active_on_q
from liaison.services import activity_dates_check, rules_for

# The contact assignment a visit of each kind needs (入户走访 needs none).
ASSIGNMENT_KIND = {
    Visit.Kind.LEADER_POINT: ContactAssignment.Kind.LEADER_POINT,
    Visit.Kind.UNIT_COMMUNITY: ContactAssignment.Kind.UNIT_COMMUNITY,
}


@rules_for(Visit)
def visit_dates(visit: Visit) -> None:
    activity_dates_check(visit.start_date, visit.end_date)


@rules_for(Visit)
def visit_parties(visit: Visit) -> None:
    Kind, Type = Visit.Kind, Organization.Type
    errors = {}
    if visit.kind in (Kind.LEADER_POINT, Kind.HOUSEHOLD) and not visit.cadre_id:
        errors["cadre"] = "请填写走访干部"
    if visit.kind == Kind.UNIT_COMMUNITY:
        if not visit.unit_id or visit.unit.type != Type.DEPARTMENT:
            errors["unit"] = "单位联系社区的联系人应为区直单位"
        if not visit.target_org_id or visit.target_org.type != Type.COMMUNITY:
            errors["target_org"] = "单位联系社区的走访对象应为社区"
    if visit.kind == Kind.LEADER_POINT and not visit.target_org_id:
        errors["target_org"] = "请填写联系点"
    if visit.kind == Kind.HOUSEHOLD and not visit.target_household_id:
        errors["target_household"] = "请填写走访的住户"
    if errors:
        raise ValidationError(errors)


def visit_key(visit: Visit) -> tuple:
    """Type, contact and target: visits of one key must not overlap in time."""
    return (visit.kind, visit.cadre_id, visit.unit_id, visit.target_org_id,
            visit.target_household_id)


def parties_key(ids: dict) -> tuple:
    """visit_key of a visit given as {"kind": kind, party: id}, e.g. an import row's natural
    key (no instance needed)."""
    return (ids["kind"], ids.get("cadre"), ids.get("unit"), ids.get("target_org"),
            ids.get("target_household"))


class VisitLookups:
    """The questions the visit rules ask the database, one query each."""

    def assignment_active(self, visit: Visit, kind: str) -> bool:
        return ContactAssignment.objects.filter(
            active_on_q(visit.start_date), kind=kind, target_org_id=visit.target_org_id,
            cadre_id=visit.cadre_id, unit_id=visit.unit_id).exists()

    def overlapping(self, visit: Visit):
        """(start, end) of a visit of the same key overlapping this one, if any."""
        return Visit.objects.filter(
            kind=visit.kind, cadre_id=visit.cadre_id, unit_id=visit.unit_id,
            target_org_id=visit.target_org_id, target_household_id=visit.target_household_id,
            start_date__lte=visit.end_date, end_date__gte=visit.start_date,
        ).exclude(pk=visit.pk).order_by("start_date").values_list(
            "start_date", "end_date").first()

    def accepted(self, visit: Visit) -> None:
        """A visit passed the rules (it is saved, or will be with its import's batch)."""


class PreloadedVisitLookups(VisitLookups):
    """The same answers from memory for a large import: the visits and assignments of the
    contacts of each chunk of the file, over the chunk's dates, are read at once; each row
    accepted is remembered, so a later row of the same file overlapping it is caught as if
    it had been saved."""

    def __init__(self, keys: set[tuple], first_day=None, last_day=None):
        self.periods: dict[tuple, dict] = defaultdict(dict)  # key -> {pk: (start, end)}
        self.assignments: dict[tuple, dict] = defaultdict(dict)  # key -> {pk: (start, end)}
        self.fresh = 0
        self.add(keys, first_day, last_day)

    def add(self, keys: set[tuple], first_day=None, last_day=None) -> None:
        """Read the visits and assignments of the contacts of `keys` that may answer for rows
        from `first_day` to `last_day` (every date when not given): those overlapping them.
        Read again for the next chunk, a row already read stays one (kept by its id)."""
        cadres = sorted({k[1] for k in keys if k[1]})
        units = sorted({k[2] for k in keys if k[2]})
        orgs = sorted({k[3] for k in keys if k[3]})
        households = sorted({k[4] for k in keys if k[4]})
        if not cadres and not units:
            return
        window = Q()
        if first_day is not None and last_day is not None:
            window = Q(start_date__lte=last_day) & (
                Q(end_date__isnull=True) | Q(end_date__gte=first_day))
        # Contacts and targets both among the chunk's: a department's visits to every
        # community, or a cadre's to every household, are not read for one pair of them.
        # any_of: one array each on PostgreSQL (liaison.compliance.engine.AnyOf)
        contacts = Q(cadre_id__any_of=cadres) | Q(unit_id__any_of=units)
        targets = Q(target_org_id__any_of=orgs) | Q(target_household_id__any_of=households)
        for pk, *key, start, end in Visit.objects.filter(contacts, targets, window).values_list(
                "pk", "kind", "cadre_id", "unit_id", "target_org_id", "target_household_id",
                "start_date", "end_date"):
            self.periods[tuple(key)][pk] = (start, end)
        if orgs:
            for pk, *key, start, end in ContactAssignment.objects.filter(
                    contacts, window, target_org_id__any_of=orgs,
                    kind__in=list(ASSIGNMENT_KIND.values())).values_list(
                    "pk", "kind", "cadre_id", "unit_id", "target_org_id", "start_date",
                    "end_date"):
                self.assignments[tuple(key)][pk] = (start, end)

    def assignment_active(self, visit: Visit, kind: str) -> bool:
        day = visit.start_date
        return any(start <= day and (end is None or end >= day) for start, end in
                   self.assignments[(kind, visit.cadre_id, visit.unit_id,
                                     visit.target_org_id)].values())

    def overlapping(self, visit: Visit):
        found = [(start, end) for pk, (start, end) in self.periods[visit_key(visit)].items()
                 if pk != visit.pk and start <= visit.end_date and end >= visit.start_date]
        return min(found) if found else None

    def accepted(self, visit: Visit) -> None:
        self.fresh += 1
        pk = visit.pk or ("new", self.fresh)
        self.periods[visit_key(visit)][pk] = (visit.start_date, visit.end_date)


_DATABASE_LOOKUPS = VisitLookups()
_preloaded: ContextVar[PreloadedVisitLookups | None] = ContextVar("visit_lookups", default=None)


def _lookups() -> VisitLookups:
    return _preloaded.get() or _DATABASE_LOOKUPS


@contextmanager
def visit_lookups_preloaded(keys: set[tuple]):
    lookups = PreloadedVisitLookups(keys)
    token = _preloaded.set(lookups)
    try:
        yield lookups
    finally:
        _preloaded.reset(token)


@rules_for(Visit)
def visit_has_active_assignment(visit: Visit) -> None:
    kind = ASSIGNMENT_KIND.get(visit.kind)
    if kind is not None and not _lookups().assignment_active(visit, kind):
        raise ValidationError({"target_org": "该日期无有效联系关系"})


@rules_for(Visit)
def visit_does_not_overlap(visit: Visit) -> None:
    overlapping = _lookups().overlapping(visit)
    if overlapping:
        raise ValidationError({"start_date": (
            f"与已登记的走访（{overlapping[0]:%Y-%m-%d} 至 "
            f"{overlapping[1]:%Y-%m-%d}）日期重叠")})


def visit_accepted(visit: Visit) -> None:
    """Tell the lookups a visit passed every rule (an import's row waiting for its batch)."""
    _lookups().accepted(visit)
