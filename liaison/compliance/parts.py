"""Splitting a year's recomputation into parts that workers run in parallel (#16).

Every subject belongs to exactly one part, by the top-level unit (a child of the district
root: a sub-district, a cluster, a department) it is shown under in the results table: a
cadre by the unit of the position that places them (`cadre_places`, the rule the results
table uses), a household by its community, an organization by itself. Parts 1.. group the
top units, balanced by subject count; part 0 holds everything else (the district root's own
rows, subjects under no top unit, cadres placed nowhere) and, with one part, everything.

The engine computes a part's rows with `Context.subjects` set (`part_subjects`): exactly the
rows the single computation gives for those subjects, so the parts' rows together are the
run's rows.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from liaison.compliance.engine import Subjects, Window, any_of_ids
from liaison.models import (
    Cadre,
    Category,
    ContactAssignment,
    Household,
    Organization,
    Position,
    active_on_q,
)

log = logging.getLogger(__name__)
CATEGORY_RANK = {code: rank for rank, code in enumerate(Category.values)}


def top_unit(path: str) -> int | None:
    """The top-level unit of an organization path "/root/top/...": the child of the root, or
    the root itself for the root's own path."""
    parts = path.strip("/").split("/")
    return int(parts[1]) if len(parts) > 1 else (int(parts[0]) if parts[0] else None)


def cadre_places(window: Window, cadres: list[int] | None = None) -> dict[int, tuple[int, str]]:
    """{cadre id: (organization id, category)}: where a cadre's rows are shown (these
    `cadres`' only, when given). A position held at the as-of date, else one held during the
    window, else the latest; the highest category first (the category is empty when the
    position ended before the window). A cadre is never left without a unit (their rows would
    be hidden from every scoped reader): one with no position has the community of a
    household in their care."""
    places: dict[int, tuple] = {}
    positions = Position.objects.filter(start_date__lte=window.as_of)
    assignments = ContactAssignment.objects.filter(kind=ContactAssignment.Kind.HOUSEHOLD)
    if cadres is not None:
        positions = positions.filter(cadre_id__any_of=any_of_ids(cadres))
        assignments = assignments.filter(cadre_id__any_of=any_of_ids(cadres))
    active_ids = set(positions.filter(active_on_q(window.as_of)).values_list("pk", flat=True))
    for pk, cadre_id, org_id, category, end in positions.values_list(
            "pk", "cadre_id", "organization_id", "category", "end_date"):
        in_window = end is None or end >= window.start
        key = (pk in active_ids, in_window, -CATEGORY_RANK[category], end or window.as_of)
        current = places.get(cadre_id)
        if current is None or key > current[2]:
            places[cadre_id] = (org_id, category if in_window else "", key)
    for cadre_id, community_id in assignments.order_by("pk").values_list(
            "cadre_id", "target_household__community_id"):
        places.setdefault(cadre_id, (community_id, "", None))
    return {cadre_id: (org_id, category) for cadre_id, (org_id, category, _) in places.items()}


@dataclass(frozen=True)
class Part:
    """One part of a run: part 0 is the rest (`top_units` empty), the others their top units
    and the cadres placed under them when the run was planned."""

    number: int
    top_units: tuple[int, ...] = ()
    cadres: tuple[int, ...] = ()


def plan_parts(window: Window, max_parts: int,
               touched: frozenset[int] | None = None) -> list[Part]:
    """At most `max_parts` parts: part 0, then the top units spread over max_parts - 1 parts,
    the unit with most subjects first onto the lightest part. The cadres are fixed here, so
    that a position written while the parts work cannot move a cadre into a second part.

    With the `touched` units of an incremental run, each of those parts is cut in two, its
    touched units and the others, so that the run computes only the touched units (and part
    0) and copies the rest."""
    roots = set(Organization.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    paths = dict(Organization.objects.values_list("pk", "path"))
    tops = {pk for pk, path in paths.items() if pk not in roots and top_unit(path) == pk}
    if max_parts <= 1 or not tops:
        return [Part(0)]
    top_of = {pk: top_unit(path) for pk, path in paths.items()}
    cadres_of: dict[int, list[int]] = {top: [] for top in tops}
    for cadre_id, (org_id, _) in cadre_places(window).items():
        top = top_of.get(org_id)
        if top in cadres_of:
            cadres_of[top].append(cadre_id)
    weight = Counter({top: len(cadres) for top, cadres in cadres_of.items()})
    weight.update(top_of[pk] for pk in paths if top_of[pk] in tops)
    for community, households in Household.objects.order_by().values_list("community_id") \
            .annotate(n=Count("pk")):
        if top_of.get(community) in tops:
            weight[top_of[community]] += households
    bins: list[list[int]] = [[] for _ in range(min(max_parts - 1, len(tops)))]
    loads = [0] * len(bins)
    for top in sorted(tops, key=lambda t: (-weight[t], t)):
        lightest = loads.index(min(loads))
        bins[lightest].append(top)
        loads[lightest] += weight[top]
    if touched is not None:
        bins = [piece for units in bins
                for piece in ([u for u in units if u in touched],
                              [u for u in units if u not in touched]) if piece]
    return [Part(0)] + [
        Part(number, tuple(sorted(units)), tuple(sorted(c for u in units for c in cadres_of[u])))
        for number, units in enumerate(bins, start=1)]


def part_subjects(part: Part, others: list[Part]) -> Subjects:
    """The subjects of `part`, given the run's other parts: its own top units and cadres, or
    for part 0 everything the others do not hold."""
    paths = dict(Organization.objects.values_list("pk", "path"))
    if part.number == 0:
        units = {u for other in others if other.number != 0 for u in other.top_units}
        taken = {c for other in others if other.number != 0 for c in other.cadres}
        orgs = frozenset(pk for pk, path in paths.items() if top_unit(path) not in units)
        cadres = frozenset(set(Cadre.objects.values_list("pk", flat=True)) - taken)
    else:
        units = set(part.top_units)
        orgs = frozenset(pk for pk, path in paths.items() if top_unit(path) in units)
        cadres = frozenset(part.cadres)
    return Subjects(cadres=cadres, organizations=orgs)


# --- the parts a write touches (incremental recomputation) -----------------------------------

ROSTER_MODELS = (Organization, Cadre, Position, Household, ContactAssignment)
SUBJECT_MODELS = (Organization, Cadre, Household)


def touched_units(instance, depth: int = 2) -> frozenset[int] | None:
    """The top-level units whose parts hold every row a write of `instance` can change, as it
    is stored now (call it before and after the write): the units of the organizations,
    households and cadres it refers to, directly or through a record it belongs to (a stage
    through its case), by foreign key or many-to-many. A cadre counts under every unit they
    hold or held a position in (one with none begun by today: every community of a
    household in their care; one with neither: the district root), a superset of where
    their rows are shown in today's figures.
    None (every part) for a roster write, which moves subjects between parts, and for a
    record that refers to no subject (a quota, a calendar day): it may change anything."""
    if isinstance(instance, ROSTER_MODELS):
        return None
    refs = _subject_refs(instance, depth)
    if not any(refs.values()):
        return None
    orgs = set(refs[Organization])
    orgs |= set(Household.objects.filter(pk__in=refs[Household])
                .values_list("community_id", flat=True))
    if refs[Cadre]:
        held = list(Position.objects.filter(cadre_id__in=refs[Cadre])
                    .values_list("organization_id", "cadre_id", "start_date"))
        orgs |= {org for org, _, _ in held}
        # cadre_places places by a position begun by the as-of date (today's figures)
        today = timezone.localdate()
        unplaced = refs[Cadre] - {cadre for _, cadre, start in held if start <= today}
        cared_for = list(ContactAssignment.objects.filter(  # where cadre_places puts them
            cadre_id__in=unplaced, kind=ContactAssignment.Kind.HOUSEHOLD)
            .values_list("target_household__community_id", "cadre_id"))
        orgs |= {community for community, _ in cared_for}
        if unplaced - {cadre for _, cadre in cared_for}:  # placed nowhere: part 0's
            orgs |= set(Organization.objects.filter(parent__isnull=True)
                        .values_list("pk", flat=True))
    paths = Organization.objects.filter(pk__in=orgs).values_list("path", flat=True)
    return frozenset(unit for unit in map(top_unit, paths) if unit is not None)


def stored_touched_units(model, pk) -> frozenset[int] | None:
    """touched_units of the row of `model` as it is stored now: none when it is not (a new
    record, or a deleted one); None (every part) when it cannot be read, which is logged and
    never turned into the writer's error."""
    if pk is None:
        return frozenset()
    try:
        with transaction.atomic():  # a savepoint: a failed read leaves a write usable
            stored = model._default_manager.filter(pk=pk).first()
            return touched_units(stored) if stored is not None else frozenset()
    except Exception:
        log.exception("Units touched by %s %s: recomputing every part", model.__name__, pk)
        return None


def _subject_refs(instance, depth: int) -> dict[type, set[int]]:
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    refs: dict[type, set[int]] = {model: set() for model in SUBJECT_MODELS}
    if instance.pk is None:
        return refs
    not_records = {ContentType._meta.label, Group._meta.label, settings.AUTH_USER_MODEL}
    for field in instance._meta.get_fields():
        related = field.related_model
        if related is None or not field.concrete or related._meta.label in not_records:
            continue
        if field.many_to_many:
            ids = set(getattr(instance, field.name).values_list("pk", flat=True))
            targets = getattr(instance, field.name).all() if depth > 1 else []
        elif field.many_to_one or field.one_to_one:
            pk = getattr(instance, field.attname)
            ids = {pk} if pk is not None else set()
            targets = [getattr(instance, field.name)] if ids and depth > 1 else []
        else:
            continue
        if related in SUBJECT_MODELS:
            refs[related] |= ids
            continue
        for target in targets:  # a record it belongs to
            for model, more in _subject_refs(target, depth - 1).items():
                refs[model] |= more
    return refs
