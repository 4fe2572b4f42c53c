"""Receivers of the core's signals."""

from django.db import transaction
from django.dispatch import receiver

from liaison.background import run_in_background
from liaison.workdays import calendar_changed


@receiver(calendar_changed, dispatch_uid="opinions-refresh-dues")
def recompute_due_dates(sender, **kwargs):
    """The stored feedback due dates follow the calendar, once the change commits."""
    from opinions.tasks import refresh_opinion_dues

    transaction.on_commit(lambda: run_in_background(refresh_opinion_dues), robust=True)
