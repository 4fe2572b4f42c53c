"""The roster kinds of ../shared/examples/basic import with exit 0, and again unchanged."""

from django.core.management import call_command

from liaison.models import Cadre, ContactAssignment, Household, Organization

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
