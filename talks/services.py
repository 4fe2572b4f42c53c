"""Writes of talks: validated (talks.rules), audited, participants saved with the talk."""

from __future__ import annotations

import uuid

from django.db import transaction

from liaison.services import record_save
from talks.models import Talk

CODE_PREFIX = "TK"


def new_code(talk: Talk) -> str:
    """TK20250312-3F9A1C: the date and a random part, so that two cadres saving at the same
    moment never draw the same code (a counter would need a lock)."""
    return f"{CODE_PREFIX}{talk.date:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


@transaction.atomic
def talk_save(*, talk: Talk, acting_user, cadres=None, households=None) -> Talk:
    """Save a talk (new or changed); `cadres` / `households` replace its participants when
    given, and the rules check them before anything is written."""
    if cadres is not None:
        talk._cadres = list(cadres)
    if households is not None:
        talk._households = list(households)
    if not talk.code and talk.date:
        talk.code = new_code(talk)
    record_save(instance=talk, acting_user=acting_user)
    if cadres is not None:
        talk.cadres.set(talk._cadres)
    if households is not None:
        talk.households.set(talk._households)
    return talk
