"""The roster kinds of ../shared/examples/basic import with exit 0, and again unchanged."""

import pytest
from django.core.management import call_command

from contactpoints.models import Visit
from liaison.models import Cadre, ContactAssignment, Household, Organization
from research.models import ResearchTrip

ROSTER_KINDS = ["organizations", "cadres", "households", "assignments"]


def test_the_example_roster_imports_and_a_second_import_changes_nothing(db, example_dir, capsys):
    for kind in ROSTER_KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"))
    first = capsys.readouterr().out.splitlines()
    assert first == ["导入完成：新增 10 行，更新 0 行，不变 0 行",
                     "导入完成：新增 6 行，更新 0 行，不变 0 行",
                     "导入完成：新增 3 行，更新 0 行，不变 0 行",
                     "导入完成：新增 4 行，更新 0 行，不变 0 行"]
    counts = [m.objects.count() for m in (Organization, Cadre, Household, ContactAssignment)]
    assert counts == [10, 6, 3, 4]
    for kind in ROSTER_KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"))
    second = capsys.readouterr().out.splitlines()
    assert all("新增 0 行，更新 0 行" in line for line in second)
    assert [m.objects.count() for m in (Organization, Cadre, Household, ContactAssignment)] == \
        counts


ALL_KINDS = ROSTER_KINDS + ["research_trips", "research_reports", "visits"]


def test_all_seven_kinds_import_in_order_and_again_unchanged(db, example_dir, capsys):
    for kind in ALL_KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"))
    first = capsys.readouterr().out.splitlines()
    assert first[4:] == ["导入完成：新增 5 行，更新 0 行，不变 0 行",
                         "导入完成：新增 3 行，更新 0 行，不变 0 行",
                         "导入完成：新增 9 行，更新 0 行，不变 0 行"]
    for kind in ALL_KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"))
    second = capsys.readouterr().out.splitlines()
    assert all("新增 0 行，更新 0 行" in line for line in second), second


@pytest.mark.parametrize("kind, text, error", [
    ("visits", "领导联系点,GB002,SQ0101,2025-05-01,",
     "第2行 「联系对象编码」: 该日期无有效联系关系"),
    ("visits", "领导联系点,GB001,SQ0101,2025-01-14,2025-01-16",
     "第2行 「开始日期」: 与已登记的走访（2025-01-15 至 2025-01-15）日期重叠"),
    ("visits", "入户走访,GB005,HH003,2099-01-01,",
     "第2行 「开始日期」: 日期 2099-01-01 在今天之后，不能登记未来的活动"),
    ("research_trips", "GB001,2025-07-01,2025-08-10,SQ0101,长期驻点,其他",
     "第2行 「结束日期」: 结束日期最多在开始日期后 31 天（本条为 40 天）"),
])
def test_bad_ledger_rows_are_rejected_whole_with_row_numbers(db, example_dir, tmp_path, capsys,
                                                             kind, text, error):
    for k in ALL_KINDS:
        call_command("import_data", k, str(example_dir / f"{k}.csv"))
    header = (example_dir / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[0]
    bad = tmp_path / f"{kind}.csv"
    good_row = {"visits": "入户走访,GB005,HH002,2025-08-01,",
                "research_trips": "GB003,2025-08-01,,SQ0301,园区走访,企业车间"}[kind]
    bad.write_text(f"{header}\n{text}\n{good_row}\n", encoding="utf-8")
    counts = (Visit.objects.count(), ResearchTrip.objects.count())
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", kind, str(bad))
    assert exit_info.value.code == 1
    assert error in capsys.readouterr().err
    assert (Visit.objects.count(), ResearchTrip.objects.count()) == counts
