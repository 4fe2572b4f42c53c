"""Deterministic synthetic district at scale N into PostgreSQL (replaces what is there).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench python bench/generate.py --scale 1

N=1: 1,000 cadres, 10,000 households, about 100,000 activity records in 2025;
N=10: ten times that. Realistic shapes: a quarter of the cadres far behind, some overlapping
trips, multi-day visits, several households visited on one day. Rows are written with COPY.
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
    print(f"generated scale {args.scale} in {time.monotonic() - started:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    buffer = io.StringIO()
    n = 0
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        n += 1
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    return n


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
    for i, (category, place) in enumerate(categories[:1000 * scale], start=1):
        cadres.append((i, f"GB{i:06d}", f"干部{i}", ""))
        start = D(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
        end = None
        if rng.random() < 0.05:  # a mid-year change of post
            end = D(YEAR, rng.randint(2, 11), 15)
            positions.append((i, place[0], "section_cadre", end + dt.timedelta(days=1), None))
        positions.append((i, place[0], category, min(start, year_start), end))
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
    # visit_no_overlap constraint): a drawn visit that would is drawn again.
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
    with connection.cursor() as cursor:
        copy_rows(cursor, "liaison_organization",
                  ["id", "code", "name", "type", "path", "parent_id"], orgs)
        copy_rows(cursor, "liaison_cadre", ["id", "code", "name", "phone"], cadres)
        copy_rows(cursor, "liaison_position",
                  ["cadre_id", "organization_id", "category", "start_date", "end_date",
                   "party_secretary"], [(*p, "f") for p in positions])
        copy_rows(cursor, "liaison_household",
                  ["id", "code", "head_name", "community_id", "address", "phone", "is_poor"],
                  households)
        copy_rows(cursor, "liaison_contactassignment",
                  ["kind", "cadre_id", "unit_id", "target_org_id", "target_household_id",
                   "start_date"], [(*a, D(2024, 1, 1)) for a in assignments])
        copy_rows(cursor, "research_researchtrip",
                  ["id", "cadre_id", "start_date", "end_date", "title", "place_type", "findings",
                   "problems", "actions", "created_at", "updated_at"],
                  [(*t, "", "", "", "", now, now) for t in trips])
        copy_rows(cursor, "research_tripplace", ["trip_id", "organization_id"], places)
        copy_rows(cursor, "contactpoints_visit",
                  ["kind", "cadre_id", "unit_id", "target_org_id", "target_household_id",
                   "start_date", "end_date", "policy_explained", "situation_learned",
                   "problems_raised", "problems_solved", "created_at", "updated_at"],
                  [(*v, "", "", "", "", now, now) for v in visits])
        copy_rows(cursor, "research_researchreport",
                  ["cadre_id", "title", "submitted_on", "status", "file", "review_comment",
                   "created_at", "updated_at"],
                  [(*r, "", "", now, now) for r in reports])
        for table in ("liaison_organization", "liaison_cadre", "liaison_household",
                      "research_researchtrip"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE")
    return {"organizations": len(orgs), "cadres": len(cadres), "households": len(households),
            "assignments": len(assignments), "trips": len(trips), "visits": len(visits),
            "reports": len(reports)}


if __name__ == "__main__":
    main()
