"""The roster kinds of ../shared/examples/basic import with exit 0, and again unchanged."""

import subprocess
import sys

import pytest
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


@pytest.mark.django_db(transaction=True)
def test_the_command_line_exits_1_on_a_bad_file(tmp_path, example_dir):
    bad = tmp_path / "organizations.csv"
    bad.write_text("单位编码,单位名称,单位类型,上级单位编码\nQD,示范区,区,\nX,坏,社区,QD\n",
                   encoding="utf-8")
    result = subprocess.run([sys.executable, "manage.py", "import_data", "organizations",
                             str(bad)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "第3行 「上级单位编码」" in result.stderr
