"""The standard pages of opinions and analysis reports (tests/viewtests)."""

from django.urls import reverse

from opinions.models import Opinion, OpinionAnalysis
from tests.viewtests import ImportViewTests, StandardViewTests


class TestOpinionViews(StandardViewTests, ImportViewTests):
    model = Opinion
    url_name = "opinions:opinion"
    in_scope, out_of_scope = "opinion_in", "opinion_out"
    edit_changes = {"category": "公共设施"}
    import_kind = "opinions"

    def form_data(self, tree):
        return {"code": "", "received_on": "2025-06-02", "channel": "hotline",
                "collecting_unit": tree.community_in.pk, "handling_unit": tree.community_in.pk,
                "content": "路灯不亮", "category": "", "submitter_contact": "",
                "result": "", "explanation": "", "feedback_on": ""}

    def import_rows(self, tree):
        return [{"意见编号": "YJ-IMP", "收到日期": "2025-06-02", "渠道": "热线电话",
                 "收集单位编码": "SQ0101", "承办单位编码": "SQ0101", "内容": "噪音扰民"}]

    def import_row_out_of_scope(self, tree):
        return {"意见编号": "YJ-IMP2", "收到日期": "2025-06-02", "渠道": "热线电话",
                "收集单位编码": "SQ0201", "承办单位编码": "SQ0201", "内容": "噪音扰民"}


class TestAnalysisViews(StandardViewTests, ImportViewTests):
    model = OpinionAnalysis
    url_name = "opinions:analysis"
    in_scope, out_of_scope = "analysis_in", "analysis_out"
    edit_changes = {"content": "集中在停车和供暖"}
    import_kind = "opinion_analyses"

    def form_data(self, tree):
        return {"unit": tree.east.pk, "date": "2025-06-27", "title": "二季度群众意见分析",
                "content": ""}

    def import_rows(self, tree):
        return [{"单位编码": "BSC01", "日期": "2025-06-27", "标题": "二季度分析"}]

    def import_row_out_of_scope(self, tree):
        return {"单位编码": "BSC02", "日期": "2025-06-27", "标题": "西城二季度分析"}


def test_a_new_opinion_gets_a_code_and_its_feedback_due_date(client, users, tree):
    client.force_login(users.unit_admin)
    client.post(reverse("opinions:opinion_create"), TestOpinionViews().form_data(tree))
    opinion = Opinion.objects.get(content="路灯不亮")
    # 2025-06-02 + 30 days = 2025-07-02, a Wednesday.
    assert opinion.code.startswith("YJ20250602-") and str(opinion.feedback_due) == "2025-07-02"


def test_the_list_says_how_the_feedback_stands(client, users, tree):
    client.force_login(users.unit_admin)
    page = client.get(reverse("opinions:opinion_list")).content.decode()
    assert "期限 2025-04-02（已逾期" in page
    overdue = client.get(reverse("opinions:opinion_list"), {"state": "overdue"})
    assert [o.code for o in overdue.context["page"].object_list] == ["YJ-IN"]


def test_the_submitters_contact_is_masked_for_inspectors(client, users, tree):
    url = reverse("opinions:opinion_detail", args=[tree.opinion_in.pk])
    client.force_login(users.unit_admin)
    assert "13900002222" in client.get(url).content.decode()
    client.force_login(users.inspector)
    assert "13900002222" not in client.get(url).content.decode()


def test_feedback_needs_a_result_and_may_not_precede_receipt(client, users, tree):
    client.force_login(users.unit_admin)
    data = {**TestOpinionViews().form_data(tree), "feedback_on": "2025-06-01"}
    page = client.post(reverse("opinions:opinion_create"), data).content.decode()
    assert "填写反馈日期须同时填写处理结果" in page and "反馈日期不能早于收到日期" in page
    assert not Opinion.objects.filter(content="路灯不亮").exists()


def test_an_analysis_of_a_community_is_refused(client, users, tree):
    client.force_login(users.unit_admin)
    form = client.get(reverse("opinions:analysis_create")).context["form"]
    assert tree.community_in not in form.fields["unit"].queryset


def test_similar_opinions_are_answered_at_once_or_not_at_all(client, users, tree):
    second = Opinion.objects.create(
        code="YJ-IN2", received_on=tree.opinion_in.received_on, channel="hotline",
        collecting_unit=tree.community_in, handling_unit=tree.community_in, content="增设器材",
        feedback_due=tree.opinion_in.feedback_due)
    client.force_login(users.unit_admin)
    listed = client.get(reverse("opinions:opinion_list")).content.decode()
    assert "批量答复" in listed and 'name="pk"' in listed
    url = reverse("opinions:opinion_answer")
    chosen = [tree.opinion_in.pk, second.pk, tree.opinion_out.pk]  # the last: out of scope
    page = client.get(url, {"pk": chosen})
    assert [o.code for o in page.context["opinions"]] == ["YJ-IN", "YJ-IN2"]
    data = {"pk": chosen, "result": "adopted", "explanation": "已列入计划"}
    refused = client.post(url, {**data, "feedback_on": "2025-03-01"})  # before receipt
    assert "YJ-IN：反馈日期不能早于收到日期" in refused.content.decode()
    assert not Opinion.objects.filter(result="adopted").exists()
    client.post(url, {**data, "feedback_on": "2025-03-20"})
    assert set(Opinion.objects.filter(result="adopted").values_list("code", flat=True)) == {
        "YJ-IN", "YJ-IN2"}
    client.force_login(users.inspector)
    assert "批量答复" not in client.get(reverse("opinions:opinion_list")).content.decode()


def test_the_analysis_counts_the_period_and_finds_its_frequent_words(client, users, tree):
    import io

    import openpyxl

    for n, text in enumerate(["小区停车位不足", "停车位太少，晚上没地方停", "健身器材老化"]):
        Opinion.objects.create(code=f"YJ-A{n}", received_on=f"2025-0{n + 4}-10",
                               channel="hotline", collecting_unit=tree.community_in,
                               handling_unit=tree.community_in, content=text, category="城建")
    client.force_login(users.unit_admin)
    page = client.get(reverse("opinions:analysis"), {"year": 2025, "quarter": 2})
    assert page.context["totals"]["received"] == 3
    assert page.context["channels"] == [("热线电话", 3)]
    assert page.context["words"][0] == ("停车位", 2)
    assert "<svg" in page.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("opinions:analysis"), {"year": 2025, "export": "xlsx"}).content))
    assert book.sheetnames == ["按月", "按渠道", "按类别", "按承办单位", "高频词"]
    assert [c.value for c in book["按月"][2]] == ["2025-03", 1]  # YJ-IN, in scope
    client.force_login(users.inspector)  # the same counts for a reader of 东城
    assert client.get(reverse("opinions:analysis"), {"year": 2025}).context[
        "totals"]["received"] == 4


def test_the_collecting_unit_keeps_the_opinion_without_the_contact(client, users, tree):
    Opinion.objects.filter(pk=tree.opinion_in.pk).update(handling_unit=tree.community_out)
    client.force_login(users.unit_admin)  # 东城 collected it; 西城 answers it
    form = client.get(reverse("opinions:opinion_edit", args=[tree.opinion_in.pk])).context["form"]
    assert "submitter_contact" not in form.fields
