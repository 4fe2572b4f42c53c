"""The talks import, and the 党组织负责人 column of cadres (spec/import.md): every rule as a
row error with its column, nothing written unless the whole file is right."""

import io

from django.core.management import call_command
from django.urls import reverse

from liaison.imports import import_file
from liaison.models import Position
from talks.models import Talk
from tests.conftest import SYSTEMS

HEADER = "谈话编号,日期,发起人编码,类型,形式,参与干部编码,参与住户编码,内容摘要"


def talks(*rows):
    return import_file(kind="talks", filename="t.csv", content="\n".join([HEADER, *rows]).encode())


def roster_with_households():
    for kind in ("households",):
        call_command("import_data", kind, str(SYSTEMS / f"{kind}.csv"), stdout=io.StringIO())


def test_the_secretary_column_marks_positions(roster):
    marked = set(Position.objects.filter(party_secretary=True)
                 .values_list("cadre__code", flat=True))
    assert marked == {"GB001", "GB003", "GB004", "GB006"}
    again = import_file(kind="cadres", filename="c.csv",
                        content=(SYSTEMS / "cadres.csv").read_bytes())
    assert again.ok and again.unchanged == 11


def test_a_bad_secretary_value_is_a_row_error(roster):
    outcome = import_file(kind="cadres", filename="c.csv", content=(
        "干部编码,姓名,单位编码,类别,任职开始日期,党组织负责人\n"
        "GB001,张建国,QD,区委区政府主要领导,2020-01-01,对\n").encode())
    assert outcome.errors == ["第2行 「党组织负责人」: 「对」不是有效值，应为 是 或 否"]


def test_a_good_file_imports_with_its_participants_and_again_is_unchanged(roster):
    roster_with_households()
    first = talks("TH1,2025-03-12,GB004,党组织负责人与党员谈心,集体座谈,GB007;GB008,,座谈",
                  "TH2,2025-04-02,GB005,与联系群众谈心,随机交流,,HH001、HH002,")
    assert first.ok and first.new == 2, first.errors
    assert sorted(Talk.objects.get(code="TH1").cadres.values_list("code", flat=True)) == [
        "GB007", "GB008"]
    assert Talk.objects.get(code="TH2").households.count() == 2
    again = talks("TH1,2025-03-12,GB004,党组织负责人与党员谈心,集体座谈,GB007;GB008,,座谈",
                  "TH2,2025-04-02,GB005,与联系群众谈心,随机交流,,HH001、HH002,")
    assert again.ok and again.unchanged == 2, again.errors
    changed = talks("TH1,2025-03-12,GB004,党组织负责人与党员谈心,集体座谈,GB007,,座谈")
    assert changed.ok and changed.updated == 1
    assert list(Talk.objects.get(code="TH1").cadres.values_list("code", flat=True)) == ["GB007"]


def test_every_rule_is_a_row_error_and_nothing_is_written(roster):
    roster_with_households()
    outcome = talks(
        "TH1,2025-03-12,GB004,日常谈心,个别谈话,,,无人参加",
        "TH2,2025-03-12,GB004,日常谈心,个别谈话,GB004;GB007,,发起人也是参与人",
        "TH3,2025-03-12,GB004,日常谈心,个别谈话,GB007;GB007,,重复",
        "TH4,2025-03-12,GB004,闲聊,个别谈话,GB007,,类型不对",
        "TH5,2025-03-12,GB004,日常谈心,个别谈话,GB999,HH999,编码不存在",
        "TH6,2099-03-12,GB004,日常谈心,个别谈话,GB007,,未来",
        "TH7,2025-03-12,GB004,日常谈心,个别谈话,GB007,,好的一行",
    )
    assert not outcome.ok
    assert outcome.errors == [
        "第2行 「参与干部编码」: 谈心谈话至少需要一名参与干部或参与住户",
        "第3行 「参与干部编码」: 发起人不能同时列为参与干部",
        "第4行 「参与干部编码」: 编码「GB007」重复列出",
        "第5行 「类型」: 「闲聊」不是有效值，应为 日常谈心、民主生活会前谈心、党组织负责人与党员谈心、"
        "与联系群众谈心 之一",
        "第6行 「参与干部编码」: 干部编码「GB999」不存在",
        "第6行 「参与住户编码」: 住户编码「HH999」不存在",
        "第7行 「日期」: 日期 2099-03-12 在今天之后，不能登记未来的活动",
    ]
    assert not Talk.objects.exists()


def test_a_file_does_not_rewrite_content_its_importer_may_not_read(client, users, tree):
    from tests.viewtests import csv_upload

    client.force_login(users.unit_admin)  # keeps GB001's talks, may not read their content
    client.post(reverse("import_upload", args=["talks"]), {"file": csv_upload([{
        "谈话编号": "TH-IN", "日期": "2025-04-02", "发起人编码": "GB001", "类型": "与联系群众谈心",
        "形式": "个别谈话", "参与住户编码": "HH001",
        "内容摘要": "（谈话内容仅发起人、参与干部、组织部和纪检监察可见）"}])})
    client.post(reverse("import_confirm", args=["talks"]))
    talk = Talk.objects.get(code="TH-IN")
    assert (talk.form, talk.summary) == ("individual", "低保续办的难处")  # written, but not that
