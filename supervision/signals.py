"""Fresh figures (#14): a write recomputes the current year's figures in the background, once
it commits; the dashboard keeps showing the last finished run meanwhile. A write of one record
recomputes only the parts it touched (#16): the units its stored version touched before the
write and the units it touches once committed."""

from django.db import transaction
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from liaison.services import records_changed


@receiver(records_changed, dispatch_uid="supervision-fresh-figures")
def recompute_after_a_write(sender, pk=None, units_before=None, **kwargs):
    """The writes of one transaction (a form saving several visits, a cadre with their
    position) are recomputed together, once it commits."""
    connection = transaction.get_connection()
    writes = getattr(connection, "_fresh_figures_writes", None)
    if writes is not None and connection.in_atomic_block and any(
            func is writes.callback for _, func, _ in connection.run_on_commit):
        writes.add(sender, pk, units_before)
        return
    writes = Writes()
    writes.add(sender, pk, units_before)
    connection._fresh_figures_writes = writes
    # robust: a failed recomputation is logged, never turned into the writer's error
    transaction.on_commit(writes.callback, robust=True)


@receiver(records_changed, dispatch_uid="supervision-section-figures")
@receiver(post_create_historical_record, dispatch_uid="supervision-section-figures-history")
def section_figures_outdated(sender, instance=None, **kwargs):
    """The systems pages' kept figures are older than a committed write (#16): any record
    saved or deleted through the ORM (every model keeps history; a talk's confirmation or a
    pledge's progress note too), and every import (records_changed)."""
    from django.contrib.auth import get_user_model

    from supervision.section_figures import advance_generation

    if isinstance(instance, get_user_model()):
        return  # a login stamps the user; no figure counts users
    transaction.on_commit(advance_generation, robust=True)


class Writes:
    """The records one transaction wrote: (model, id, units before the write)."""

    def __init__(self):
        self.records: list[tuple] = []
        self.callback = self.request  # one bound method, found again in run_on_commit

    def add(self, model, pk, units_before) -> None:
        self.records.append((model, pk, units_before))

    def request(self) -> None:
        from supervision.services import fresh_figures_request

        units = frozenset()
        for model, pk, units_before in self.records:
            touched = _units_touched(model, pk, units_before)
            if touched is None:
                units = None
                break
            units |= touched
        fresh_figures_request(units=units)


def _units_touched(model, pk, units_before):
    """None (every part) unless both the stored version before the write and the committed
    one (none after a delete) name their units."""
    from liaison.compliance.parts import stored_touched_units

    if pk is None or units_before is None:
        return None
    units_after = stored_touched_units(model, pk)
    return None if units_after is None else units_before | units_after
