"""Demo talks for the past year: secretaries with their members, leaders among themselves,
leadership teams before their democratic life meeting, and cadres with their households."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from liaison.demo import register_demo
from liaison.models import Category, ContactAssignment, Position
from talks.metrics import TEAM_CATEGORIES
from talks.models import Talk

SUMMARIES = {
    Talk.Type.DAILY: ["交流近期工作思路", "谈工作调整后的想法", "了解家庭困难"],
    Talk.Type.PRE_MEETING: ["班子成员两两见面，交换批评意见"],
    Talk.Type.SECRETARY: ["了解思想工作情况", "听取对支部工作的意见", "年度谈心"],
    Talk.Type.MASSES: ["了解生活困难", "节前慰问", "回访就医情况", "宣讲惠民政策"],
}
OPINIONS = ["希望增设路灯", "垃圾清运不及时", "小区停车难", "希望开设老年食堂", ""]
C = Category


@register_demo
def talks_demo(rng, today: dt.date) -> None:
    start = today - dt.timedelta(days=364)

    def day():
        return start + dt.timedelta(days=rng.randint(0, 364))

    current = Position.objects.filter(end_date__isnull=True)
    # The secretaries: the first community cadre of each community, every unit head and the
    # first head of each sub-district, and the first district principal.
    secretaries = {}
    for position in current.filter(category__in=[
            C.COMMUNITY_CADRE, C.DEPARTMENT_HEAD, C.SUBDISTRICT_HEAD, C.DISTRICT_PRINCIPAL]) \
            .order_by("cadre__code"):
        secretaries.setdefault(position.organization_id, position)
    Position.objects.filter(pk__in=[p.pk for p in secretaries.values()]).update(
        party_secretary=True)
    staff = defaultdict(list)
    for cadre_id, org_id, category in current.values_list("cadre_id", "organization_id",
                                                          "category"):
        staff[org_id].append((cadre_id, category))

    talks, joined, visited = [], [], []

    def talk(initiator, type_, when, cadres=(), households=()):
        record = Talk(code=f"TH{len(talks) + 1:06d}", date=when, initiator_id=initiator,
                      type=type_, form=rng.choice(Talk.Form.values),
                      summary=rng.choice(SUMMARIES[type_]))
        if type_ == Talk.Type.MASSES:
            record.opinions_raised = rng.choice(OPINIONS)
        talks.append(record)
        joined.append(list(cadres))
        visited.append(list(households))

    for org_id, secretary in secretaries.items():
        members = [c for c, _ in staff[org_id] if c != secretary.cadre_id]
        for member in members:
            for _ in range(rng.choice((0, 1, 2, 2))):
                talk(secretary.cadre_id, Talk.Type.SECRETARY, day(), cadres=[member])
    for people in staff.values():
        team = [c for c, category in people if category in TEAM_CATEGORIES]
        if len(team) >= 2:  # one group talk in January, most of the team present
            present = [c for c in team if rng.random() < 0.85]
            if len(present) >= 2:
                meeting = dt.date(today.year, 1, rng.randint(10, 25))
                talk(present[0], Talk.Type.PRE_MEETING, min(meeting, today),
                     cadres=present[1:])
        for cadre_id in team:
            for _ in range(rng.choice((1, 2, 3))):
                others = [c for c, _ in people if c != cadre_id]
                if others:
                    talk(cadre_id, Talk.Type.DAILY, day(), cadres=[rng.choice(others)])
    for cadre_id, household_id, begun in ContactAssignment.objects.filter(
            kind=ContactAssignment.Kind.HOUSEHOLD, end_date__isnull=True).values_list(
            "cadre_id", "target_household_id", "start_date"):
        for _ in range(rng.choice((0, 1, 2, 2, 3))):
            when = day()
            if when >= begun:
                talk(cadre_id, Talk.Type.MASSES, when, households=[household_id])

    saved = Talk.objects.bulk_create(talks)
    Talk.cadres.through.objects.bulk_create(
        [Talk.cadres.through(talk_id=t.pk, cadre_id=c) for t, people in zip(
            saved, joined, strict=True) for c in people])
    Talk.households.through.objects.bulk_create(
        [Talk.households.through(talk_id=t.pk, household_id=h) for t, homes in zip(
            saved, visited, strict=True) for h in homes])


