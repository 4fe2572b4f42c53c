"""Imports work a chunk at a time (#16): the queries of a chunk do not grow with its rows
(uniqueness read once per chunk, code lists set in batch), and the history rows written in
bulk are those a row-by-row save would write, code-list snapshots included."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.imports import import_file
from liaison.models import Household
from talks.models import Talk

HOUSEHOLDS = "住户编码,户主姓名,社区编码,地址,贫困户\n"
TALKS = "谈话编号,日期,发起人编码,类型,形式,参与干部编码,参与住户编码,内容摘要\n"


def households(n: int, address: str = "东城路") -> str:
    return HOUSEHOLDS + "".join(f"HB{i:04d},住户{i},SQ0101,{address}{i}号,否\n"
                                for i in range(n))


def talks(n: int, summary: str = "谈工作", cadres: str = "GB002",
          households: str = "HH001") -> str:
    return TALKS + "".join(
        f"TB{i:04d},2025-05-{1 + i % 28:02d},GB001,日常谈心,个别谈话,{cadres},{households},"
        f"{summary}{i}\n" for i in range(n))


def queries(kind: str, text: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        outcome = import_file(kind=kind, filename=f"{kind}.csv", content=text.encode(),
                              reason="batches")
    assert outcome.ok, outcome.errors[:3]
    return len(captured)


def counts(kind: str, make, sizes=(10, 30), **changed) -> dict[str, list[int]]:
    """The queries of new, unchanged and updated rows, for a small and a larger file (each on
    fresh rows: the larger file uses other codes than the small one's). The sizes keep every
    bulk insert within one statement: SQLite takes at most 999 values in one."""
    said: dict[str, list[int]] = {"new": [], "unchanged": [], "updated": []}
    queries(kind, make(1).replace("B0000", "A0000"))  # what is read once per process
    for n in sizes:
        text = make(n)
        if n == sizes[1]:
            text = text.replace("HB00", "HC00").replace("TB00", "TC00")
        said["new"].append(queries(kind, text))
        said["unchanged"].append(queries(kind, text))
        updated = make(n, **changed)
        if n == sizes[1]:
            updated = updated.replace("HB00", "HC00").replace("TB00", "TC00")
        said["updated"].append(queries(kind, updated))
    return said


def test_household_queries_do_not_grow_with_the_rows(tree):
    said = counts("households", households, address="西城路")
    for path, (small, large) in said.items():
        assert small == large, (path, said)
    assert Household.objects.filter(code__startswith="HC").count() == 30
    assert Household.history.filter(code="HC0005").count() == 2  # created, then updated


def test_talk_queries_do_not_grow_with_the_rows_code_lists_included(tree):
    said = counts("talks", talks, sizes=(5, 15), summary="谈学习", cadres="GB002;GB100",
                  households="")
    for path, (small, large) in said.items():
        assert small == large, (path, said)
    talk = Talk.objects.get(code="TC0003")
    assert talk.summary == "谈学习3"
    assert {c.code for c in talk.cadres.all()} == {"GB002", "GB100"}
    assert not talk.households.exists()


def talk_history(code: str) -> list[tuple]:
    """(type, summary, participating cadres, households) of each history row, oldest first."""
    return [(h.history_type, h.summary, sorted(c.cadre.code for c in h.cadres.all()),
             sorted(x.household.code for x in h.households.all()))
            for h in Talk.history.filter(code=code).order_by("history_date", "history_id")]


EXPECTED_TALK_HISTORY = [
    ("+", "谈工作0", [], []),  # saved, then its lists set one after the other
    ("~", "谈工作0", ["GB002"], []),
    ("~", "谈工作0", ["GB002"], ["HH001"]),
    ("~", "谈学习0", ["GB002"], ["HH001"]),  # updated: the snapshot keeps its lists
    ("~", "谈学习0", ["GB002", "GB100"], ["HH001"]),  # a cadre added
    ("~", "谈学习0", ["GB002", "GB100"], []),  # the household removed
]


def import_talk_twice() -> None:
    for text in (talks(1), talks(1, summary="谈学习", cadres="GB002;GB100", households="")):
        outcome = import_file(kind="talks", filename="talks.csv", content=text.encode())
        assert outcome.ok, outcome.errors


def test_bulk_history_rows_keep_the_code_lists_as_a_row_by_row_save_does(tree, monkeypatch):
    import_talk_twice()
    assert talk_history("TB0000") == EXPECTED_TALK_HISTORY

    # The row-by-row path (forms: save, then .set() each list) writes the same history.
    from talks.resources import TalkResource

    monkeypatch.setattr(TalkResource._meta, "use_bulk", False)
    Talk.objects.filter(code="TB0000").delete()
    Talk.history.filter(code="TB0000").delete()
    import_talk_twice()
    assert talk_history("TB0000") == EXPECTED_TALK_HISTORY


TRIPS = "干部编码,开始日期,结束日期,调研地点编码,调研主题,地点类型\n"


def trips(n: int, places: str = "SQ0101;SQ0201") -> str:
    return TRIPS + "".join(f"GB001,2025-04-{1 + i % 28:02d},,{places},课题TB00{i:02d},\n"
                           for i in range(n))


def test_trip_places_are_set_per_batch_with_their_history(tree, users):
    from research.models import ResearchTrip, TripPlace

    # A place added per batch; a place removed is deleted on its own (rare), as delete() audits.
    said = counts("research_trips", trips, sizes=(5, 15), places="SQ0101;SQ0201;BSC01")
    for path, (small, large) in said.items():
        assert small == large, (path, said)
    trip = ResearchTrip.objects.get(title="课题TC0003")
    assert sorted(p.organization.code for p in trip.trip_places.all()) == [
        "BSC01", "SQ0101", "SQ0201"]
    history = TripPlace.history.filter(trip_id=trip.pk)
    assert [h.history_type for h in history] == ["+", "+", "+"]
    assert {h.history_user for h in history} == {None}  # the command line: no web user


ASSIGNMENTS = "联系类型,联系人编码,联系对象编码,开始日期,结束日期\n"
RECEPTIONS = "接待日期,接待领导编码,B角编码,实际接待人编码,接待方式,地点\n"
TARGETS = ("SQ0101", "SQ0201", "BSC01", "BSC02")


def day(i: int, year: int) -> str:
    import datetime as dt

    return (dt.date(year, 1, 1) + dt.timedelta(days=i)).isoformat()


def assignments(n: int, end: str = "", offset: int = 0) -> str:
    return ASSIGNMENTS + "".join(f"领导联系点,GB100,{TARGETS[i % 4]},{day(i + offset, 2023)},{end}\n"
                                 for i in range(n))


def receptions(n: int, place: str = "区信访局", offset: int = 0) -> str:
    return RECEPTIONS + "".join(f"{day(i + offset, 2024)},GB100,,GB100,定点接访,{place}\n"
                                for i in range(n))


def test_position_rules_read_the_chunk_cadres_positions_once(tree):
    """领导联系点 and 接访领导 ask whether the cadre holds a position on the day: one read
    for the chunk, with the same rule function the forms call."""
    for kind, make, changed in (("assignments", assignments, {"end": "2025-12-31"}),
                                ("receptions", receptions, {"place": "东城办事处"})):
        offsets = {1: 300, 10: 0, 30: 100}  # the warm-up row, then two files of fresh rows
        said = counts(kind, lambda n, make=make, offsets=offsets, **kw: make(
            n, offset=offsets[n], **kw), **changed)
        for path, (small, large) in said.items():
            assert small == large, (kind, path, said)


def test_the_position_rule_still_rejects_a_cadre_without_the_position(tree):
    text = assignments(3) + "领导联系点,GB001,SQ0101,2023-06-01,\n"
    outcome = import_file(kind="assignments", filename="a.csv", content=text.encode())
    assert outcome.errors == ["第5行 「联系人编码」: 「GB001」在开始日期 2023-06-01 未担任区级领导、"
                              "办事处主要负责人或班子成员职务，不能建立领导联系点"]
    text = receptions(2) + "2024-03-01,GB001,,GB001,定点接访,\n"
    outcome = import_file(kind="receptions", filename="r.csv", content=text.encode())
    assert outcome.errors == ["第4行 「接待领导编码」: 「GB001」在 2024-03-01 未担任区级领导职务，"
                              "不能作为接访领导（A角）"]


PLEDGES = "干部编码,年度,所在党组织编码,承诺事项,公开日期,评定等次,评定日期\n"
PETITIONS = "信访编号,登记日期,来源渠道,信访人姓名,事项摘要,被反映单位编码,承办单位编码,责任人编码\n"


def pledges(n: int, items: str = "走访住户；撰写报告") -> str:
    cadre = {1: "GB100", 5: "GB001"}.get(n, "GB002")  # a pledge per cadre and year
    return PLEDGES + "".join(f"{cadre},{2000 + i},BSC01,{items},,,\n" for i in range(n))


def petitions(n: int, summary: str = "道路维修", offset: int = 0) -> str:
    return PETITIONS + "".join(
        f"XB{i + offset:04d},2025-02-{1 + i % 28:02d},来访,王某,{summary}{i},BSC02,SQ0101,GB001\n"
        for i in range(n))


def test_pledge_and_petition_rules_read_nothing_row_by_row(tree):
    """A pledge's stored state comes with its chunk's read, a petition's accused and handling
    units with its codes: the same rules, no query per row."""
    said = counts("pledges", pledges, sizes=(5, 15), items="走访住户；撰写报告；结对帮扶")
    for path, (small, large) in said.items():
        assert small == large, ("pledges", path, said)
    offsets = {1: 300, 4: 0, 12: 100}
    said = counts("petitions", lambda n, **kw: petitions(n, offset=offsets[n], **kw),
                  sizes=(4, 12), summary="路灯不亮")
    for path, (small, large) in said.items():
        assert small == large, ("petitions", path, said)


def test_the_petition_confidentiality_rule_still_holds_in_bulk(tree):
    text = petitions(2) + "XB9999,2025-02-03,来访,王某,事项,BSC01,SQ0101,GB001\n"
    outcome = import_file(kind="petitions", filename="p.csv", content=text.encode())
    assert outcome.errors == ["第4行 「承办单位编码」: 承办单位不得为被反映单位或其下级单位"]
