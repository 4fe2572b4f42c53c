"""Which compliance results, inspections, rectification items and spot checks a user may read
or keep (liaison.permissions)."""

from django.db.models import Exists, OuterRef, Q

from liaison.permissions import (
    CHANGE,
    VIEW,
    Policy,
    Role,
    grants_with,
    is_unrestricted,
    scope_for,
    subtree_q,
)
from liaison.scopes import READERS, serving_under
from supervision.models import (
    ComplianceResult,
    Inspection,
    PlausibilityFlag,
    Rectification,
    SpotCheck,
    SpotCheckItem,
)

# 组织部 and 纪检监察 run inspections; the inspected units' admins read theirs and report.
INSPECTORS = (Role.ORG_DEPT, Role.INSPECTOR)
INSPECTED = (Role.UNIT_ADMIN,)


@scope_for(ComplianceResult)
def result_scope(user, action: str) -> Q:
    """Results are read-only; readers see their subtree, a cadre their own rows."""
    if action == CHANGE:
        return Q(pk__in=[])
    grants, cadre = _result_readers(user)
    q = subtree_q(grants, "org_path")
    if cadre is not None:
        q |= Q(subject_type="cadre", subject_id=cadre.pk)
    return q


def _result_readers(user):
    """What a user's result scope depends on: their readers' grants and their own cadre."""
    cadre = getattr(user, "cadre", None) if grants_with(user, Role.CADRE) else None
    return grants_with(user, *READERS), cadre


def result_scope_key(user) -> str:
    """Equal for two users exactly when they see the same result rows (result_scope, and
    liaison.permissions.scope_q's unrestricted users): a key for figures cached per scope."""
    if is_unrestricted(user):
        return "all"
    grants, cadre = _result_readers(user)
    paths = ",".join(sorted({grant.org_path for grant in grants}))
    return f"{paths}|{cadre.pk if cadre is not None else ''}"


def inspected_units_q(grants) -> Q:
    """Inspections with a target unit under one of the grants."""
    targets = Inspection.units.through.objects.filter(inspection_id=OuterRef("pk"))
    q = Q(pk__in=[])
    for grant in grants:
        q |= Q(Exists(targets.filter(organization__path__startswith=grant.org_path)))
    return q


@scope_for(Inspection, policy=Policy(view=(*INSPECTORS, *INSPECTED), change=INSPECTORS,
                                     history=INSPECTORS))
def inspection_scope(user, action: str) -> Q:
    """The organizing unit's inspectors keep an inspection; they and those over a target unit
    read it. An inspected unit's admins read it unless it is covert and not yet published."""
    keepers = grants_with(user, *INSPECTORS)
    q = subtree_q(keepers, "organizer__path")
    if action == CHANGE:
        return q
    q |= inspected_units_q(keepers)
    inspected = inspected_units_q(grants_with(user, *INSPECTED))
    return q | (inspected & ~Q(manner=Inspection.Manner.COVERT, published_on__isnull=True))


@scope_for(Rectification, policy=Policy(view=(*INSPECTORS, *INSPECTED), change=INSPECTORS,
                                        history=INSPECTORS))
def rectification_scope(user, action: str) -> Q:
    """Kept with the inspection; read by who reads it, and by the responsible unit's admins
    once the inspection is visible to them."""
    keepers = grants_with(user, *INSPECTORS)
    q = subtree_q(keepers, "inspection__organizer__path")
    if action == CHANGE:
        return q
    q |= subtree_q(keepers, "unit__path")
    visible = ~Q(inspection__manner=Inspection.Manner.COVERT,
                 inspection__published_on__isnull=True)
    return q | (subtree_q(grants_with(user, *INSPECTED), "unit__path") & visible)


@scope_for(PlausibilityFlag, policy=Policy(view=INSPECTORS, change=(), history=()))
def flag_scope(user, action: str) -> Q:
    """Flags are computed, never edited; 组织部 and 纪检监察 read those of the cadres serving
    (or having served) under their grants, and of the units' records there."""
    if action == CHANGE:
        return Q(pk__in=[])
    grants = grants_with(user, *INSPECTORS)
    if not grants:
        return Q(pk__in=[])
    return serving_under(grants, VIEW, "cadre") | subtree_q(grants, "org_path")


@scope_for(SpotCheck, policy=Policy(view=INSPECTORS, change=INSPECTORS, history=INSPECTORS))
def spot_check_scope(user, action: str) -> Q:
    """双随机抽查 are the inspectors' own: the organizing unit's inspectors keep one; they, the
    inspectors over a sampled unit and its drawn verifiers read it. Never the inspected units."""
    keepers = grants_with(user, *INSPECTORS)
    q = subtree_q(keepers, "organizer__path")
    if action == CHANGE:
        return q
    targets = SpotCheck.units.through.objects.filter(spotcheck_id=OuterRef("pk"))
    for grant in keepers:
        q |= Q(Exists(targets.filter(organization__path__startswith=grant.org_path)))
    if keepers:
        q |= Q(Exists(SpotCheckItem.objects.filter(spot_check_id=OuterRef("pk"),
                                                   verifier_id=user.pk)))
    return q


@scope_for(SpotCheckItem, policy=Policy(view=INSPECTORS, change=INSPECTORS,
                                        history=INSPECTORS))
def spot_item_scope(user, action: str) -> Q:
    """A sampled record is read by who reads its spot check's unit: the organizers, the
    inspectors over the sampled unit, and its verifier; only its verifier records the
    call-back (supervision.services.spot_item_verify)."""
    keepers = grants_with(user, *INSPECTORS)
    if not keepers:
        return Q(pk__in=[])
    if action == CHANGE:
        return Q(verifier_id=user.pk)
    return subtree_q(keepers, "spot_check__organizer__path") | subtree_q(
        keepers, "unit__path") | Q(verifier_id=user.pk)
