"""The petitions and receptions imports: every rule of spec/petitions.md as a row error with
its column, nothing written unless the whole file is right."""

from liaison.imports import import_file
from petitions.models import Petition, ReceptionDay

HEADER = ("信访编号,登记日期,来源渠道,人数,信访人姓名,联系电话,身份证号,事项摘要,问题类别,"
          "被反映人编码,被反映单位编码,承办单位编码,责任人编码,包案领导编码,受理结果,受理日期,"
          "延期天数,延期批准人编码,延期日期,答复日期,满意度,复查申请日期,复查意见日期,"
          "复核申请日期,复核意见日期")
GOOD = "XF1,2025-01-06,来访,1,钱某,,,供暖,城建,,,BSC01,GB006,,受理,2025-01-10,,,,2025-02-20,满意,,,,"


def petitions(*rows):
    return import_file(kind="petitions", filename="p.csv",
                       content="\n".join([HEADER, *rows]).encode())


def test_a_good_file_imports_and_again_is_unchanged(roster):
    first = petitions(GOOD)
    assert first.ok and first.new == 1, first.errors
    case = Petition.objects.get(code="XF1")
    assert (case.decision_due, case.handling_due) == (case.received_on.replace(day=21),
                                                      case.decided_on.replace(month=3, day=11))
    again = petitions(GOOD)
    assert again.ok and again.unchanged == 1


def test_confidentiality_and_order_are_row_errors_with_their_column(roster):
    outcome = petitions(
        # handled by the accused unit's parent? no: by a unit inside the accused subtree
        "XF2,2025-01-06,来访,1,孙某,,,问题,,,BSC01,SQ0101,GB004,,,,,,,,,,,,",
        # the responsible person is the accused cadre
        "XF3,2025-01-06,来访,1,李某,,,问题,,GB006,,BSC01,GB006,,,,,,,,,,,,",
        # a reply before the decision, and a reply of a case not accepted
        "XF4,2025-01-06,来访,1,周某,,,问题,,,,BSC01,GB006,,不予受理,2025-01-10,,,,2025-01-08,,,,,",
        # an ID number with a wrong check digit, and 0 people
        "XF5,2025-01-06,来访,0,吴某,,110101199003070000,问题,,,,BSC01,GB006,,,,,,,,,,,,",
    )
    assert not outcome.ok
    assert "第2行 「承办单位编码」: 承办单位不得为被反映单位或其下级单位" in outcome.errors
    assert "第3行 「责任人编码」: 责任人不得为被反映人" in outcome.errors
    assert any(e.startswith("第4行 「答复日期」") for e in outcome.errors)
    assert "第5行 「身份证号」: 身份证号校验位不正确，请核对" in outcome.errors
    assert any(e.startswith("第5行 「人数」") for e in outcome.errors)
    assert not Petition.objects.exists()


def test_a_review_after_its_window_is_refused(roster):
    late_review = ("XF6,2025-01-06,来访,1,钱某,,,供暖,,,,BSC01,GB006,,受理,2025-01-10,,,,"
                   "2025-02-20,,2025-04-01,,,")
    outcome = petitions(late_review)
    assert outcome.errors == [
        "第2行 「复查申请日期」: 复查申请须在答复后 30 日内（2025-03-24 前）提出"]


def test_a_reception_day_needs_a_district_leader_and_its_own_a_or_b(roster):
    outcome = import_file(kind="receptions", filename="r.csv", content=(
        "接待日期,接待领导编码,B角编码,实际接待人编码,接待方式,地点\n"
        "2025-01-15,GB001,GB002,GB001,定点接访,大厅\n"
        "2025-01-16,GB006,,GB006,定点接访,大厅\n"
        "2025-01-17,GB001,GB002,GB003,定点接访,大厅\n").encode())
    assert not outcome.ok
    assert outcome.errors[0].startswith("第3行 「接待领导编码」")
    assert outcome.errors[1] == "第4行 「实际接待人编码」: 实际接待人须为本接访日的A角或B角"
    assert not ReceptionDay.objects.exists()
