"""Fresh figures (#14): a write recomputes the current year's figures in the background, once
it commits; the dashboard keeps showing the last finished run meanwhile."""

from django.db import transaction
from django.dispatch import receiver

from liaison.services import records_changed


@receiver(records_changed, dispatch_uid="supervision-fresh-figures")
def recompute_after_a_write(sender, **kwargs):
    from supervision.services import fresh_figures_request

    # robust: a failed recomputation is logged, never turned into the writer's error
    transaction.on_commit(fresh_figures_request, robust=True)
