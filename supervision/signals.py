"""Fresh figures (#14): a write recomputes the current year's figures in the background, once
it commits; the dashboard keeps showing the last finished run meanwhile. A write of one record
recomputes only the parts it touched (#16): the units its stored version touched before the
write and the units it touches once committed."""

from django.db import transaction
from django.dispatch import receiver

from liaison.services import records_changed


@receiver(records_changed, dispatch_uid="supervision-fresh-figures")
def recompute_after_a_write(sender, pk=None, units_before=None, **kwargs):
    from supervision.services import fresh_figures_request

    def request():
        fresh_figures_request(units=_units_touched(sender, pk, units_before))

    # robust: a failed recomputation is logged, never turned into the writer's error
    transaction.on_commit(request, robust=True)


def _units_touched(model, pk, units_before):
    """None (every part) unless both the stored version before the write and the committed
    one (none after a delete) name their units."""
    from liaison.compliance.parts import touched_units

    if pk is None or units_before is None:
        return None
    stored = model._default_manager.filter(pk=pk).first()
    units_after = touched_units(stored) if stored is not None else frozenset()
    if units_after is None:
        return None
    return units_before | units_after
