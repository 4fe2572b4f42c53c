"""Deterministic synthetic district at scale N into PostgreSQL (replaces what is there).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench python bench/generate.py --scale 1

N=1: 1,000 cadres, 10,000 households, about 100,000 activity records in 2025, and the newer
systems' ledgers: 10,000 petition cases in every stage, 24 reception days, 20,000 talks,
5,000 opinions, pledges and community registrations of the members; N=10: ten times that.
Realistic shapes: a quarter of the cadres far behind, some overlapping trips, multi-day
visits, several households visited on one day, late and open petition clocks. Rows are
written with COPY.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import time

from common import setup_django

YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    setup_django()
    started = time.monotonic()
    counts = generate(args.scale, random.Random(args.seed))
    vacuum_analyze()
    print(f"generated scale {args.scale} in {time.monotonic() - started:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


def vacuum_analyze() -> None:
    """Set the visibility map of the freshly copied tables, so that the engine's covering
    indexes are read index-only (a plain ANALYZE inside the load's transaction leaves every
    page unvisited); VACUUM cannot run inside a transaction."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    buffer = io.StringIO()
    n = 0
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v).translate(COPY_ESCAPES)
                               for v in row) + "\n")
        n += 1
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    return n


def copy_model(cursor, model, rows: list[dict]) -> int:
    """COPY dicts of field values into the model's table; a field a row leaves out gets its
    default (so that a new column with a default does not break the generator)."""
    now = dt.datetime.now(dt.UTC).isoformat()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or
              (rows and f.attname in rows[0])]
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.has_default() or not field.null:
            defaults[field.attname] = field.get_default()
        else:
            defaults[field.attname] = None
    return copy_rows(cursor, model._meta.db_table, [f.column for f in fields],
                     ([row.get(f.attname, defaults[f.attname]) for f in fields]
                      for row in rows))


def generate(scale: int, rng: random.Random) -> dict[str, int]:
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from liaison.permissions import Role

    call_command("flush", "--no-input", verbosity=0)
    for role in Role.ALL:  # flush empties the roles a data migration made
        Group.objects.get_or_create(name=role)
    D = dt.date
    year_start = D(YEAR, 1, 1)
    # The tree: one district, 9N sub-districts and clusters with 6 communities each, 30N units.
    orgs, next_id = [], 1

    def org(code, name, type_, parent):
        nonlocal next_id
        pk = next_id
        next_id += 1
        path = (parent[4] if parent else "/") + f"{pk}/"
        row = (pk, code, name, type_, path, parent[0] if parent else None)
        orgs.append(row)
        return (pk, code, name, type_, path)

    root = org("QD", "基准区", "district", None)
    subdistricts = [org(f"BSC{i:03d}", f"第{i}办事处", "subdistrict" if i % 3 else "cluster", root)
                    for i in range(1, 9 * scale + 1)]
    communities = [org(f"SQ{s[1][3:]}{j:02d}", f"{s[2]}第{j}社区", "community", s)
                   for s in subdistricts for j in range(1, 7)]
    units = [org(f"BM{i:03d}", f"区直单位{i}", "department", root)
             for i in range(1, 30 * scale + 1)]

    cadres, positions = [], []
    categories = ([("district_principal", root)] * 2 + [("standing_committee", root)] * 9
                  + [("district_leader", root)] * 20)
    categories = [(c, o) for c, o in categories] * scale
    categories += [("department_head", u) for u in units]
    categories += [("subdistrict_head", s) for s in subdistricts for _ in range(2)]
    categories += [("subdistrict_leader", s) for s in subdistricts for _ in range(5)]
    categories += [("community_cadre", c) for c in communities for _ in range(3)]
    while len(categories) < 1000 * scale:
        kind = rng.random()
        categories.append(("section_cadre", rng.choice(units + subdistricts)) if kind < 0.5
                          else ("party_member", rng.choice(units + communities)))
    secretaries_of: dict[int, int] = {}
    for i, (category, place) in enumerate(categories[:1000 * scale], start=1):
        cadres.append((i, f"GB{i:06d}", f"干部{i}", ""))
        start = D(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
        end = None
        leader = category in ("district_principal", "standing_committee", "district_leader")
        if leader:  # in post before their contact points (2024) and reception days (2025)
            start = min(start, D(2023, 12, 31))
        if rng.random() < 0.05:  # a mid-year change of post (the leaders keep theirs)
            end = D(YEAR, rng.randint(2, 11), 15)  # drawn for all: the same data otherwise
            if leader:
                end = None
            else:
                positions.append((i, place[0], "section_cadre", end + dt.timedelta(days=1),
                                  None, False))
        # 党组织负责人: the heads, and the first cadre of each community.
        secretary = category in ("department_head", "subdistrict_head") and \
            place[0] not in secretaries_of or (category == "community_cadre"
                                               and place[0] not in secretaries_of)
        if secretary:
            secretaries_of[place[0]] = i
        positions.append((i, place[0], category, min(start, year_start), end, secretary))
    households = []
    for i in range(1, 10000 * scale + 1):
        community = communities[i % len(communities)]
        households.append((i, f"HH{i:07d}", f"户主{i}", community[0], "", "", rng.random() < 0.08))

    leaders = [c for c, (cat, _) in zip(cadres, categories, strict=False)
               if cat in ("district_principal", "standing_committee", "district_leader")]
    assignments = []
    for i, s in enumerate(subdistricts):
        if i % 17 != 16:
            assignments.append(("leader_point", leaders[i % len(leaders)][0], None, s[0], None))
    for i, c in enumerate(communities):
        if i % 23 != 22:
            assignments.append(("unit_community", None, units[i % len(units)][0], c[0], None))
    helpers = [c[0] for c, (cat, _) in zip(cadres, categories, strict=False)
               if cat in ("party_member", "section_cadre", "community_cadre")]
    poor = [h for h in households if h[6]]
    for i, h in enumerate(poor):
        if i % 20 != 19:
            assignments.append(("household", helpers[i % len(helpers)], None, None, h[0]))

    # Activities in the year: a quarter of the cadres do (almost) nothing.
    active = [c[0] for c in cadres if rng.random() > 0.25]
    total = 100_000 * scale
    trips, places, visits, reports = [], [], [], []
    day = lambda: year_start + dt.timedelta(days=rng.randint(0, 363))  # noqa: E731
    for _ in range(int(total * 0.3)):
        start = day()
        end = start + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 4)))
        trips.append((len(trips) + 1, rng.choice(active), start, end, f"调研{len(trips)}"))
        places.append((len(trips), rng.choice(communities)[0]))
    unit_pairs = [(a[2], a[3]) for a in assignments if a[0] == "unit_community"]
    leader_pairs = [(a[1], a[3]) for a in assignments if a[0] == "leader_point"]
    # Visits of one contact and target never overlap (the rule and, on PostgreSQL, the
    # visit_no_overlap_* constraints): a drawn visit that would is drawn again.
    visited: dict[tuple, list[tuple[dt.date, dt.date]]] = {}
    while len(visits) < int(total * 0.68):
        roll = rng.random()
        start = day()
        end = start + dt.timedelta(days=rng.choice((0, 0, 0, 0, 1, 2)))
        if roll < 0.05:
            cadre, target = rng.choice(leader_pairs)
            visit = ("leader_point", cadre, None, target, None, start, end)
        elif roll < 0.10:
            unit, target = rng.choice(unit_pairs)
            visit = ("unit_community", None, unit, target, None, start, end)
        else:
            visit = ("household", rng.choice(active), None, None,
                     rng.randint(1, len(households)), start, end)
        spans = visited.setdefault(visit[:5], [])
        if any(start <= other_end and other_start <= end for other_start, other_end in spans):
            continue
        spans.append((start, end))
        visits.append(visit)
    for i in range(int(total * 0.02)):
        reports.append((rng.choice(active), f"报告{i}", day(),
                        rng.choice(("submitted", "adopted", "returned"))))

    now = dt.datetime.now(dt.UTC).isoformat()

    def entered(last_day: dt.date) -> str:
        """When a record was typed in: within a week of its last day, as cadres do, and 3%
        more than 30 days late (what the backdating flag looks for)."""
        late = rng.randint(31, 90) if rng.random() < 0.03 else rng.randint(0, 7)
        return dt.datetime.combine(last_day + dt.timedelta(days=late), dt.time(10),
                                   tzinfo=dt.UTC).isoformat()

    trip_rows = [(*t, "", "", "", "", *[entered(t[3])] * 2) for t in trips]
    visit_rows = [(*v, "", "", "", "", *[entered(v[6])] * 2) for v in visits]
    with connection.cursor() as cursor:
        copy_rows(cursor, "liaison_organization",
                  ["id", "code", "name", "type", "path", "parent_id"], orgs)
        copy_rows(cursor, "liaison_cadre", ["id", "code", "name", "phone"], cadres)
        copy_rows(cursor, "liaison_position",
                  ["cadre_id", "organization_id", "category", "start_date", "end_date",
                   "party_secretary"], positions)
        copy_rows(cursor, "liaison_household",
                  ["id", "code", "head_name", "community_id", "address", "phone", "is_poor"],
                  households)
        copy_rows(cursor, "liaison_contactassignment",
                  ["kind", "cadre_id", "unit_id", "target_org_id", "target_household_id",
                   "start_date"], [(*a, D(2024, 1, 1)) for a in assignments])
        copy_rows(cursor, "research_researchtrip",
                  ["id", "cadre_id", "start_date", "end_date", "title", "place_type", "findings",
                   "problems", "actions", "created_at", "updated_at"],
                  trip_rows)
        copy_rows(cursor, "research_tripplace", ["trip_id", "organization_id"], places)
        copy_rows(cursor, "contactpoints_visit",
                  ["kind", "cadre_id", "unit_id", "target_org_id", "target_household_id",
                   "start_date", "end_date", "policy_explained", "situation_learned",
                   "problems_raised", "problems_solved", "created_at", "updated_at"],
                  visit_rows)
        copy_rows(cursor, "research_researchreport",
                  ["cadre_id", "title", "submitted_on", "status", "file", "file_sha256",
                   "review_comment", "created_at", "updated_at"],
                  [(*r, "", "", "", now, now) for r in reports])
        for table in ("liaison_organization", "liaison_cadre", "liaison_household",
                      "research_researchtrip"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT MAX(id) FROM {table}))")
        newer = newer_systems(cursor, scale, rng, cadres=cadres, categories=categories,
                              positions=positions, subdistricts=subdistricts,
                              communities=communities, units=units, households=households,
                              assignments=assignments)
        cursor.execute("ANALYZE")
    return {"organizations": len(orgs), "cadres": len(cadres), "households": len(households),
            "assignments": len(assignments), "trips": len(trips), "visits": len(visits),
            "reports": len(reports), **newer}


def newer_systems(cursor, scale, rng, *, cadres, categories, positions, subdistricts,
                  communities, units, households, assignments) -> dict[str, int]:
    """Reception days, petitions, talks, opinions, pledges and registrations of the year."""
    from liaison.models import CalendarDay
    from liaison.workdays import WorkingCalendar, official_days
    from opinions.models import Opinion, OpinionAnalysis
    from petitions.models import Petition, ReceptionDay
    from pledges.models import Pledge, Registration
    from talks.models import Talk

    D = dt.date
    # flush emptied the working calendar its data migration filled.
    CalendarDay.objects.bulk_create(CalendarDay(date=day, kind=kind, name=name)
                                    for day, kind, name in official_days())
    calendar = WorkingCalendar.load()
    year_start = D(YEAR, 1, 1)
    day = lambda: year_start + dt.timedelta(days=rng.randint(0, 363))  # noqa: E731
    by_category: dict[str, list[int]] = {}
    for (pk, *_), (category, _) in zip(cadres, categories, strict=False):
        by_category.setdefault(category, []).append(pk)
    members_of: dict[int, list[int]] = {}
    for cadre_id, org_id, _, _, end, _ in positions:
        if end is None:
            members_of.setdefault(org_id, []).append(cadre_id)
    all_cadres = [c[0] for c in cadres]

    # Reception days: each principal one day a month, received by the host or the substitute.
    principals = by_category["district_principal"]
    receptions = []
    for month in range(1, 13):
        for n, host in enumerate(principals):
            date = calendar.roll(D(YEAR, month, 1 + (9 + n) % 28))
            receptions.append({"id": len(receptions) + 1, "date": date, "host_id": host,
                               "substitute_id": principals[n - 1],
                               "received_by_id": host if rng.random() < 0.9
                               else principals[n - 1], "mode": "fixed", "place": "区信访局"})
    copy_model(cursor, ReceptionDay, receptions)

    # Petitions in every stage, with late and open clocks (spec/petitions.md §4).
    handling_units = [u[0] for u in subdistricts + units + communities]
    cases = []
    for i in range(1, 10_000 * scale + 1):
        received = day()
        case = {"code": f"XF{YEAR}{i:07d}", "received_on": received,
                "channel": rng.choice(Petition.Channel.values),
                "people": rng.choice((1, 1, 1, 2, 3, 6)), "petitioner_name": f"来访人{i}",
                "petitioner_phone": f"139{rng.randint(0, 99_999_999):08d}", "summary": "反映问题",
                "handling_unit_id": rng.choice(handling_units),
                "responsible_id": rng.choice(all_cadres),
                "decision_due": calendar.due(received, Petition.DECISION_DAYS)}
        if rng.random() < 0.92:
            decided = received + dt.timedelta(days=rng.randint(1, 24))
            roll = rng.random()
            decision = "accepted" if roll < 0.82 else "not_accepted" if roll < 0.92 \
                else "transferred"
            case.update(decision=decision, decided_on=decided,
                        decision_note="" if decision == "accepted" else "依法处理")
            if decision == "accepted":
                case["handling_due"] = calendar.due(decided, Petition.HANDLING_DAYS)
                if rng.random() < 0.05:
                    extension = rng.randint(10, 30)
                    case.update(extension_days=extension, extension_reason="情况复杂",
                                extension_approver_id=rng.choice(principals),
                                extension_granted_on=decided + dt.timedelta(days=40),
                                handling_due_extended=calendar.due(
                                    decided, Petition.HANDLING_DAYS + extension))
                if rng.random() < 0.8:
                    replied = decided + dt.timedelta(days=rng.randint(10, 75))
                    case.update(replied_on=replied, reply_text="已办理")
                    if rng.random() < 0.6:
                        case.update(satisfaction=rng.choice(Petition.Satisfaction.values),
                                    satisfaction_on=replied + dt.timedelta(days=5))
                    if rng.random() < 0.1:
                        asked = replied + dt.timedelta(days=rng.randint(5, 25))
                        case.update(review_requested_on=asked,
                                    review_due=calendar.due(asked, Petition.REVIEW_DAYS))
                        if rng.random() < 0.7:
                            case["review_decided_on"] = asked + dt.timedelta(
                                days=rng.randint(5, 40))
        cases.append(case)
    copy_model(cursor, Petition, cases)

    # Talks: leaders' daily talks, secretaries with their members, teams before the
    # democratic life meeting, cadres with the households they are linked to.
    linked: dict[int, list[int]] = {}
    for kind, cadre_id, _, _, household_id in assignments:
        if kind == "household":
            linked.setdefault(cadre_id, []).append(household_id)
    secretaries = [(p[0], p[1]) for p in positions if p[5]]
    teams = [members_of.get(root_or_unit[0], []) for root_or_unit in subdistricts + units]
    talks, talk_cadres, talk_households = [], [], []
    for i in range(1, 20_000 * scale + 1):
        roll = rng.random()
        talk = {"id": i, "code": f"TK{YEAR}{i:07d}", "date": day(), "form": "individual"}
        if roll < 0.3 and linked:
            initiator = rng.choice(list(linked))
            talk.update(initiator_id=initiator, type="masses")
            talk_households += [(i, h) for h in set(rng.choices(linked[initiator], k=2))]
        elif roll < 0.6 and secretaries:
            initiator, org_id = rng.choice(secretaries)
            talk.update(initiator_id=initiator, type="secretary")
            others = [c for c in members_of.get(org_id, []) if c != initiator]
            talk_cadres += [(i, c) for c in set(rng.choices(others, k=2))] if others else []
        elif roll < 0.7:
            team = rng.choice(teams)
            if len(team) < 2:
                continue
            pair = rng.sample(team, 2)
            talk.update(initiator_id=pair[0], type="pre_meeting")
            talk_cadres.append((i, pair[1]))
        else:
            talk.update(initiator_id=rng.choice(all_cadres), type="daily", form="casual")
            talk_cadres.append((i, rng.choice(all_cadres)))
        talks.append(talk)
    copy_model(cursor, Talk, talks)
    initiators = {talk["id"]: talk["initiator_id"] for talk in talks}
    copy_rows(cursor, Talk.cadres.through._meta.db_table, ["talk_id", "cadre_id"],
              {(t, c) for t, c in talk_cadres if c != initiators[t]})
    copy_rows(cursor, Talk.households.through._meta.db_table, ["talk_id", "household_id"],
              set(talk_households))

    # Opinions from every channel, answered (or not) against their 30-day feedback due date.
    collecting = [u[0] for u in subdistricts + units + communities]
    opinions = []
    for i in range(1, 5_000 * scale + 1):
        received = day()
        unit = rng.choice(collecting)
        opinion = {"code": f"YJ{YEAR}{i:07d}", "received_on": received,
                   "channel": rng.choice(Opinion.Channel.values), "collecting_unit_id": unit,
                   "handling_unit_id": unit, "content": "建议增设路灯",
                   "feedback_due": calendar.due(received, 30)}
        if rng.random() < 0.8:
            opinion.update(result=rng.choice(Opinion.Result.values), explanation="已研究",
                           feedback_on=received + dt.timedelta(days=rng.randint(3, 45)))
        opinions.append(opinion)
    copy_model(cursor, Opinion, opinions)
    analyses = [{"unit_id": u[0], "date": D(YEAR, quarter * 3, 25), "title": f"第{quarter}季度分析"}
                for u in subdistricts + units for quarter in range(1, 5) if rng.random() < 0.8]
    copy_model(cursor, OpinionAnalysis, analyses)

    # Pledges of the members and section cadres, published, progressed and graded; community
    # registrations of the members in employment.
    pledgers = [(p[0], p[1]) for p in positions if p[4] is None and p[2] in (
        "party_member", "section_cadre", "community_cadre")]
    pledges = []
    for cadre_id, org_id in pledgers:
        if rng.random() < 0.3:
            continue
        pledge = {"id": len(pledges) + 1, "cadre_id": cadre_id, "year": YEAR,
                  "organization_id": org_id, "items": "走访困难群众\n参加志愿服务\n办好一件实事"}
        if rng.random() < 0.85:
            pledge["published_on"] = D(YEAR, rng.randint(1, 4), rng.randint(1, 28))
            if rng.random() < 0.5:
                pledge.update(rating=rng.choice(("excellent", "good", "good", "good", "basic")),
                              rated_on=D(YEAR, 12, rng.randint(1, 20)))
        pledges.append(pledge)
    # At most a third 优秀 in each organization, counted in id order (the rule a re-import
    # checks, row by row in the file's order): a grade over the cap is 良好 instead.
    rated: dict[int, list[int]] = {}
    for pledge in pledges:
        if pledge.get("rating"):
            counts = rated.setdefault(pledge["organization_id"], [0, 0])
            counts[0] += 1
            if pledge["rating"] == "excellent":
                if 3 * (counts[1] + 1) > counts[0]:
                    pledge["rating"] = "good"
                else:
                    counts[1] += 1
    copy_model(cursor, Pledge, pledges)
    community_ids = [c[0] for c in communities]
    registrations = [{"cadre_id": cadre_id, "community_id": rng.choice(community_ids),
                      "start_date": D(YEAR - 1, rng.randint(1, 12), 1)}
                     for cadre_id in by_category.get("party_member", []) if rng.random() < 0.6]
    copy_model(cursor, Registration, registrations)
    for table in ("petitions_receptionday", "talks_talk", "pledges_pledge"):
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"(SELECT MAX(id) FROM {table}))")
    return {"reception_days": len(receptions), "petitions": len(cases), "talks": len(talks),
            "opinions": len(opinions), "opinion_analyses": len(analyses),
            "pledges": len(pledges), "registrations": len(registrations)}


if __name__ == "__main__":
    main()
