"""Demo research trips and reports for last year and this year so far."""

import datetime as dt

from liaison.compliance.registry import default_quotas
from liaison.demo import register_demo
from liaison.models import Organization, Position, active_on_q
from research.models import ResearchReport, ResearchTrip, TripPlace


@register_demo
def research_demo(rng, today: dt.date) -> None:
    communities = list(Organization.objects.filter(type="community").values_list("pk", flat=True))
    quotas = default_quotas()["research_days"]
    trips, places, reports = [], [], []
    for year in (today.year - 1, today.year):
        year_start = dt.date(year, 1, 1)
        last = min(today, dt.date(year, 12, 31))
        span = (last - year_start).days
        positions = Position.objects.filter(active_on_q(last), category__in=list(quotas))
        for cadre_id, category in positions.values_list("cadre_id", "category"):
            # Most cadres keep pace, some fall behind, a few do nothing at all.
            effort = rng.choice((0, 0.3, 0.6, 0.9, 1.0, 1.1, 1.2))
            days = int(quotas[category] * effort * (span + 1) / 365)
            day = year_start + dt.timedelta(days=rng.randint(0, 20))
            while days > 0 and day <= last:
                length = min(rng.choice((1, 1, 2, 3)), days)
                end = min(day + dt.timedelta(days=length - 1), last)
                trips.append(ResearchTrip(
                    cadre_id=cadre_id, start_date=day, end_date=end,
                    title=rng.choice(("老旧小区改造", "基层党建", "企业用工", "社区治理",
                                      "困难群众帮扶", "营商环境")) + f"调研（{day:%m月%d日}）",
                    place_type=rng.choice(("courtyard", "workshop", "school", "hospital")),
                    findings="了解了基层实际情况。"))
                places.append(rng.choice(communities))
                days -= (end - day).days + 1
                day = end + dt.timedelta(days=rng.randint(3, 25))
            if category in default_quotas()["research_reports"] and effort >= 0.9:
                reports.append(ResearchReport(
                    cadre_id=cadre_id, title=f"{year}年度调研报告",
                    submitted_on=min(last, dt.date(year, 11, 20)),
                    status=rng.choice(("submitted", "adopted"))))
    created = ResearchTrip.objects.bulk_create(trips, batch_size=2000)
    TripPlace.objects.bulk_create(
        [TripPlace(trip=t, organization_id=p) for t, p in zip(created, places, strict=True)],
        batch_size=2000)
    ResearchReport.objects.bulk_create(reports, batch_size=2000)
