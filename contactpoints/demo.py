"""Demo visits: leader contact points, units in their communities, household visits."""

import datetime as dt

from contactpoints.models import Visit
from liaison.demo import register_demo
from liaison.models import ContactAssignment

K = ContactAssignment.Kind


@register_demo
def visits_demo(rng, today: dt.date) -> None:
    visits = []
    assignments = ContactAssignment.objects.values_list(
        "kind", "cadre_id", "unit_id", "target_org_id", "target_household_id", "start_date")
    for year in (today.year - 1, today.year):
        months = range(1, (today.month if year == today.year else 12) + 1)
        for kind, cadre, unit, target_org, household, start in assignments:
            effort = rng.choice((0, 0.5, 0.8, 1.0, 1.0, 1.2))
            per_year = 6 if kind == K.HOUSEHOLD else 12
            for month in months:
                if rng.random() > effort * per_year / 12:
                    continue
                day = dt.date(year, month, rng.randint(1, 28))
                if day > today or day < start:
                    continue
                visit_kind = "household" if kind == K.HOUSEHOLD else kind
                visits.append(Visit(
                    kind=visit_kind, cadre_id=cadre, unit_id=unit, target_org_id=target_org,
                    target_household_id=household, start_date=day, end_date=day,
                    situation_learned="了解群众生产生活情况。"))
    Visit.objects.bulk_create(visits, batch_size=5000)
