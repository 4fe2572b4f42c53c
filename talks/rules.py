"""Rules of a talk (spec/import.md `talks`), shared by the forms and the import."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from liaison.services import activity_dates_check, rules_for
from talks.models import Talk


def participants(talk: Talk) -> tuple[list, list]:
    """The participants about to be saved (set by talks.services or the import), else the
    saved ones."""
    cadres = getattr(talk, "_cadres", None)
    households = getattr(talk, "_households", None)
    if cadres is None:
        cadres = list(talk.cadres.all()) if talk.pk else []
    if households is None:
        households = list(talk.households.all()) if talk.pk else []
    return cadres, households


@rules_for(Talk)
def talk_rules(talk: Talk) -> None:
    activity_dates_check(talk.date, None, start_field="date")
    cadres, households = participants(talk)
    errors: dict[str, str] = {}
    if not cadres and not households:
        errors["cadres"] = "谈心谈话至少需要一名参与干部或参与住户"
    if talk.initiator_id and any(c.pk == talk.initiator_id for c in cadres):
        errors["cadres"] = "发起人不能同时列为参与干部"
    for field, rows in (("cadres", cadres), ("households", households)):
        codes = [row.code for row in rows]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            errors[field] = f"编码「{'、'.join(twice)}」重复列出"
    if errors:
        raise ValidationError(errors)
