"""Every rule of spec/import.md for the roster kinds, each error with its row and column."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command

from liaison.imports import import_file
from liaison.models import Cadre, ContactAssignment, Household, Organization, Position

ORGS = """单位编码,单位名称,单位类型,上级单位编码
QD,示范区,区,
BSC01,东城办事处,办事处,QD
JJQ01,集聚区管委会,集聚区,QD
BM01,区委组织部,区直单位,QD
SQ0101,东城一社区,社区,BSC01
SQ0301,园区社区,社区,JJQ01
"""


def run(kind, text, *, dry_run=False, filename="f.csv", user=None):
    return import_file(kind=kind, filename=filename, content=text.encode("utf-8"),
                       dry_run=dry_run, acting_user=user)


@pytest.fixture
def orgs(db):
    outcome = run("organizations", ORGS)
    assert outcome.ok, outcome.errors
    return outcome


def cadres(*rows):
    return "干部编码,姓名,单位编码,类别,任职开始日期,任职结束日期\n" + "\n".join(rows) + "\n"


def assignments(*rows):
    return "联系类型,联系人编码,联系对象编码,开始日期,结束日期\n" + "\n".join(rows) + "\n"


# --- every kind ------------------------------------------------------------------------------


def test_it_imports_organizations_and_builds_the_tree(orgs):
    assert orgs.new == 6
    community = Organization.objects.get(code="SQ0101")
    district = Organization.objects.get(code="QD")
    assert community.parent.code == "BSC01"
    assert set(district.subtree().values_list("code", flat=True)) == {
        "QD", "BSC01", "JJQ01", "BM01", "SQ0101", "SQ0301"}


def test_row_order_inside_a_file_does_not_matter(db):
    lines = ORGS.strip().split("\n")
    reversed_file = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    outcome = run("organizations", reversed_file)
    assert outcome.ok, outcome.errors
    assert outcome.new == 6


def test_a_second_import_of_the_same_file_changes_nothing(orgs):
    again = run("organizations", ORGS)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 6)
    assert Organization.history.count() == 6


def test_a_changed_row_is_updated(orgs):
    outcome = run("organizations", ORGS.replace("东城一社区", "东城第一社区"))
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 1, 5)
    assert Organization.objects.get(code="SQ0101").name == "东城第一社区"


def test_a_missing_required_column_is_an_error(db):
    outcome = run("organizations", "单位编码,单位名称\nQD,示范区\n")
    assert outcome.errors == ["第1行 「单位类型」: 缺少必填列"]


def test_an_empty_required_cell_is_an_error_with_row_and_column(db):
    outcome = run("organizations", "单位编码,单位名称,单位类型,上级单位编码\nQD,,区,\n")
    assert outcome.errors == ["第2行 「单位名称」: 不能为空"]


def test_spaces_and_full_width_spaces_are_stripped_and_empty_rows_skipped(db):
    text = "单位编码 ,单位名称,单位类型,上级单位编码,备注\n\u3000QD ,示范区\u3000,区,,x\n,,,,\n\n"
    outcome = run("organizations", text)
    assert outcome.ok, outcome.errors
    assert Organization.objects.get().code == "QD"
    assert Organization.objects.get().name == "示范区"


def test_a_byte_order_mark_is_allowed(db):
    outcome = import_file(kind="organizations", filename="o.csv",
                          content=("\ufeff" + ORGS).encode("utf-8"))
    assert outcome.ok, outcome.errors


def test_a_file_that_is_not_utf8_is_rejected(db):
    outcome = import_file(kind="organizations", filename="o.csv", content=ORGS.encode("gbk"))
    assert outcome.errors and "UTF-8" in outcome.errors[0]


def test_all_or_nothing_one_bad_row_writes_nothing(db):
    outcome = run("organizations", ORGS + "SQ9,坏社区,社区,NOPE\n")
    assert outcome.errors == ["第8行 「上级单位编码」: 上级单位编码「NOPE」不存在"]
    assert not Organization.objects.exists()


def test_every_error_is_reported_not_only_the_first(db):
    outcome = run("organizations", ORGS + "SQ9,坏,社区,NOPE\nX1,坏,街道,QD\n")
    assert len(outcome.errors) == 2
    assert outcome.errors[1] == (
        "第9行 「单位类型」: 「街道」不是有效值，应为 区、办事处、集聚区、区直单位、社区 之一")


def test_a_dry_run_writes_nothing_but_reports_the_summary(db):
    outcome = run("organizations", ORGS, dry_run=True)
    assert outcome.ok and outcome.new == 6
    assert not Organization.objects.exists()


# --- organizations: tree rules ----------------------------------------------------------------


def test_there_is_exactly_one_district(orgs):
    outcome = run("organizations", "单位编码,单位名称,单位类型,上级单位编码\nQD2,另一区,区,\n")
    assert outcome.errors == ["第2行 「单位类型」: 已存在「区」根单位「QD」，只能有一个「区」"]


def test_two_districts_in_one_file_are_an_error(db):
    outcome = run("organizations", ORGS + "QD2,另一区,区,\n")
    assert outcome.errors == ["第8行 「单位类型」: 只能有一个「区」，第2行已是「区」"]


@pytest.mark.parametrize("row, message", [
    ("SQ9,社区,社区,QD", "社区的上级单位应为办事处或集聚区，「QD」是区"),
    ("BSC9,办事处,办事处,BSC01", "办事处的上级单位应为区，「BSC01」是办事处"),
    ("BM9,单位,区直单位,SQ0101", "区直单位的上级单位应为区，「SQ0101」是社区"),
    ("SQ9,社区,社区,BM01", "社区的上级单位应为办事处或集聚区，「BM01」是区直单位"),
])
def test_a_wrong_parent_type_is_an_error(orgs, row, message):
    outcome = run("organizations", "单位编码,单位名称,单位类型,上级单位编码\n" + row + "\n")
    assert outcome.errors == [f"第2行 「上级单位编码」: {message}"]


def test_a_parent_is_required_except_for_the_district(orgs):
    outcome = run("organizations", "单位编码,单位名称,单位类型,上级单位编码\nBSC9,办事处,办事处,\n")
    assert outcome.errors == ["第2行 「上级单位编码」: 除「区」外必须填写上级单位编码"]


def test_a_duplicate_row_without_a_parent_gets_one_error(orgs):
    text = "单位编码,单位名称,单位类型,上级单位编码\nBSC9,办事处,办事处,QD\nBSC9,办事处,办事处,\n"
    outcome = run("organizations", text)
    assert len(outcome.errors) == 1 and "与第2行重复" in outcome.errors[0], outcome.errors


def test_a_cycle_is_an_error(orgs):
    text = "单位编码,单位名称,单位类型,上级单位编码\nA1,甲,办事处,A2\nA2,乙,办事处,A1\n"
    outcome = run("organizations", text)
    assert outcome.errors == [
        "第2行 「上级单位编码」: 上级关系形成循环：A1 → A2 → A1",
        "第3行 「上级单位编码」: 上级关系形成循环：A2 → A1 → A2",
    ]


def test_a_duplicate_code_in_one_file_is_an_error(orgs):
    outcome = run("organizations", ORGS + "SQ0101,重复,社区,BSC01\n")
    assert outcome.errors == ["第8行 「单位编码」: 「SQ0101」与第6行重复"]


def test_moving_a_unit_moves_its_subtree(orgs):
    text = ORGS.replace("BSC01,东城办事处,办事处,QD", "BSC01,东城办事处,办事处,QD") + \
        "BSC02,西城办事处,办事处,QD\n"
    assert run("organizations", text).ok
    outcome = run("organizations", text.replace("SQ0101,东城一社区,社区,BSC01",
                                                "SQ0101,东城一社区,社区,BSC02"))
    assert outcome.ok, outcome.errors
    west = Organization.objects.get(code="BSC02")
    assert list(west.subtree().values_list("code", flat=True)) == ["BSC02", "SQ0101"]


def test_a_subtree_is_one_query(orgs, django_assert_num_queries):
    district = Organization.objects.get(code="QD")
    with django_assert_num_queries(1):
        assert len(list(district.subtree())) == 6


# --- cadres --------------------------------------------------------------------------------


def test_cadres_come_one_row_per_position(orgs):
    outcome = run("cadres", cadres(
        "GB1,张三,QD,区委常委,2021-05-01,",
        "GB1,张三,BSC01,办事处主要负责人,2019-01-01,2021-04-30",
        "GB2,李四,SQ0101,社区干部,2022-01-01,",
    ))
    assert outcome.ok, outcome.errors
    assert outcome.new == 3
    assert Cadre.objects.count() == 2
    assert Position.objects.filter(cadre__code="GB1").count() == 2


def test_a_cadres_name_must_be_the_same_on_every_row(orgs):
    outcome = run("cadres", cadres("GB1,张三,QD,区委常委,2021-05-01,",
                                   "GB1,张叁,BSC01,办事处主要负责人,2019-01-01,"))
    assert outcome.errors == ["第3行 「姓名」: 干部「GB1」的姓名与第2行「张三」不一致"]
    assert not Cadre.objects.exists()


def test_a_renamed_cadre_is_an_update(orgs):
    run("cadres", cadres("GB1,张三,QD,区委常委,2021-05-01,"))
    outcome = run("cadres", cadres("GB1,张叁,QD,区委常委,2021-05-01,"))
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 1, 0)
    assert Cadre.objects.get().name == "张叁"


def test_a_position_end_date_is_an_update_of_the_same_position(orgs):
    run("cadres", cadres("GB1,张三,QD,区委常委,2021-05-01,"))
    outcome = run("cadres", cadres("GB1,张三,QD,区委常委,2021-05-01,2025-06-30"))
    assert (outcome.new, outcome.updated) == (0, 1)
    assert Position.objects.get().end_date == dt.date(2025, 6, 30)


@pytest.mark.parametrize("row, error", [
    ("GB1,张三,QD,区长,2021-05-01,",
     "第2行 「类别」: 「区长」不是有效值，应为 区委区政府主要领导、区委常委、其他区级领导干部、"
     "区直单位主要负责人、办事处主要负责人、办事处班子成员、科级干部、社区干部、党员 之一"),
    ("GB1,张三,QD,区委常委,2021/05/01,", "第2行 「任职开始日期」: 日期格式应为 YYYY-MM-DD"),
    ("GB1,张三,QD,区委常委,2021-02-30,", "第2行 「任职开始日期」: 「2021-02-30」不是真实存在的日期"),
    ("GB1,张三,NOPE,区委常委,2021-05-01,", "第2行 「单位编码」: 单位编码「NOPE」不存在"),
    ("GB1,张三,QD,区委常委,2021-05-01,2020-01-01", "第2行 「任职结束日期」: 任职结束日期不能早于开始日期"),
])
def test_bad_cadre_rows_are_rejected(orgs, row, error):
    outcome = run("cadres", cadres(row))
    assert outcome.errors == [error]
    assert not Position.objects.exists()


def test_xlsx_files_with_real_date_cells_and_numeric_codes_import(orgs):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["干部编码", "姓名", "单位编码", "类别", "任职开始日期", "任职结束日期"])
    sheet.append([1001, "张三", "QD", "区委常委", dt.datetime(2021, 5, 1), None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = import_file(kind="cadres", filename="c.xlsx", content=buffer.getvalue())
    assert outcome.ok, outcome.errors
    position = Position.objects.get()
    assert (position.cadre.code, position.start_date) == ("1001", dt.date(2021, 5, 1))


# --- households ----------------------------------------------------------------------------

HOUSEHOLDS = "住户编码,户主姓名,社区编码,地址,贫困户\n"


def test_households_import_with_poor_flag_defaulting_to_no(orgs):
    outcome = run("households", HOUSEHOLDS + "HH1,陈大伯,SQ0101,3栋101,是\nHH2,刘阿姨,SQ0101,,\n")
    assert outcome.ok, outcome.errors
    assert Household.objects.get(code="HH1").is_poor
    assert not Household.objects.get(code="HH2").is_poor


@pytest.mark.parametrize("row, error", [
    ("HH1,陈大伯,BSC01,,是", "第2行 「社区编码」: 「BSC01」不是社区，住户只能属于社区"),
    ("HH1,陈大伯,SQ0101,,有", "第2行 「贫困户」: 「有」不是有效值，应为 是 或 否"),
    ("HH1,陈大伯,SQ9999,,是", "第2行 「社区编码」: 社区编码「SQ9999」不存在"),
])
def test_bad_household_rows_are_rejected(orgs, row, error):
    assert run("households", HOUSEHOLDS + row + "\n").errors == [error]


# --- assignments ---------------------------------------------------------------------------


@pytest.fixture
def roster(orgs):
    assert run("cadres", cadres(
        "GB1,张三,QD,区委常委,2021-05-01,",
        "GB2,李四,BSC01,办事处班子成员,2024-06-01,",
        "GB3,王五,SQ0101,党员,2020-01-01,",
    )).ok
    assert run("households", HOUSEHOLDS + "HH1,陈大伯,SQ0101,,是\n").ok


def test_assignments_of_every_kind_import_and_reimport_unchanged(roster):
    text = assignments("领导联系点,GB1,BSC01,2024-01-01,",
                       "领导联系点,GB2,SQ0101,2024-06-01,",
                       "单位联系社区,BM01,SQ0101,2024-01-01,",
                       "党员联户,GB3,HH1,2025-03-01,")
    first = run("assignments", text)
    assert first.ok, first.errors
    assert first.new == 4
    again = run("assignments", text)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    assert ContactAssignment.objects.count() == 4


@pytest.mark.parametrize("row, error", [
    ("领导联系点,GB3,SQ0101,2024-01-01,",
     "「GB3」在开始日期 2024-01-01 未担任区级领导、办事处主要负责人或班子成员职务，不能建立领导联系点"),
    ("领导联系点,GB2,SQ0101,2024-05-31,",
     "「GB2」在开始日期 2024-05-31 未担任区级领导、办事处主要负责人或班子成员职务，不能建立领导联系点"),
    ("领导联系点,GB1,BM01,2024-01-01,", "领导联系点的联系对象应为办事处、集聚区或社区编码"),
    ("单位联系社区,BSC01,SQ0101,2024-01-01,", "单位联系社区的联系人应为区直单位编码"),
    ("单位联系社区,BM01,BSC01,2024-01-01,", "单位联系社区的联系对象应为社区编码"),
    ("党员联户,GB3,HH9,2025-03-01,", "住户编码「HH9」不存在"),
    ("党员联户,GB9,HH1,2025-03-01,", "干部编码「GB9」不存在"),
])
def test_bad_assignments_are_rejected(roster, row, error):
    outcome = run("assignments", assignments(row))
    assert len(outcome.errors) == 1
    assert outcome.errors[0].startswith("第2行 「联系")
    assert outcome.errors[0].endswith(error)
    assert not ContactAssignment.objects.exists()


def test_an_assignment_ending_before_it_starts_is_rejected(roster):
    outcome = run("assignments", assignments("党员联户,GB3,HH1,2025-03-01,2025-01-01"))
    assert outcome.errors == ["第2行 「结束日期」: 结束日期不能早于开始日期"]


# --- the command -----------------------------------------------------------------------------


def test_the_command_prints_a_summary_and_exits_0(db, tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_text(ORGS, encoding="utf-8")
    call_command("import_data", "organizations", str(path))
    assert "新增 6 行，更新 0 行，不变 0 行" in capsys.readouterr().out


def test_the_command_lists_every_error_and_exits_1(db, tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_text(ORGS + "SQ9,坏,社区,NOPE\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", "organizations", str(path))
    assert exit_info.value.code == 1
    assert "第8行 「上级单位编码」: 上级单位编码「NOPE」不存在" in capsys.readouterr().err
    assert not Organization.objects.exists()


def test_the_dry_run_option_writes_nothing(db, tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_text(ORGS, encoding="utf-8")
    call_command("import_data", "organizations", str(path), "--dry-run")
    assert "检查通过（未写入）" in capsys.readouterr().out
    assert not Organization.objects.exists()


# --- review findings ---------------------------------------------------------------------------


def test_two_rows_with_one_natural_key_are_an_error(orgs):
    outcome = run("households", HOUSEHOLDS + "HH1,甲,SQ0101,,是\nHH1,乙,SQ0101,,否\n")
    assert outcome.errors == ["第3行 「住户编码」: 「HH1」与第2行重复"]
    assert not Household.objects.exists()


def test_an_empty_required_cell_does_not_hide_the_other_errors(orgs):
    outcome = run("cadres", cadres("GB1,,QD,区委常委,2021-05-01,",
                                   "GB2,李四,NOPE,区委常委,2021/05/01,"))
    assert outcome.errors == ["第2行 「姓名」: 不能为空",
                              "第3行 「单位编码」: 单位编码「NOPE」不存在",
                              "第3行 「任职开始日期」: 日期格式应为 YYYY-MM-DD"]


def test_a_trips_file_without_the_optional_end_column_imports(roster):
    text = "干部编码,开始日期,调研地点编码,调研主题\nGB1,2025-03-01,SQ0101,老旧小区\n"
    outcome = run("research_trips", text)
    assert outcome.ok, outcome.errors
    again = run("research_trips", text)
    assert again.unchanged == 1


def test_a_bad_start_date_is_one_error_not_two(roster):
    outcome = run("visits", "联系类型,联系人编码,联系对象编码,开始日期,结束日期\n"
                            "入户走访,GB3,HH1,2025-13-01,\n")
    assert outcome.errors == ["第2行 「开始日期」: 「2025-13-01」不是真实存在的日期"]
