"""Receivers of the core's signals."""

from django.db import transaction
from django.dispatch import receiver

from liaison.background import run_in_background
from liaison.workdays import calendar_changed


@receiver(calendar_changed, dispatch_uid="petitions-refresh-dues")
def recompute_due_dates(sender, **kwargs):
    """The stored due dates follow the calendar, in the background once the change commits."""
    from petitions.tasks import refresh_petition_dues

    transaction.on_commit(lambda: run_in_background(refresh_petition_dues), robust=True)
