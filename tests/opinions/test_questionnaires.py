"""征求意见表: the builder, the public page (its period, honeypot and rate limits), the results
with their charts and Excel export, and the step from a text answer into the opinions ledger."""

import datetime as dt
import io
import subprocess

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from opinions.models import Answer, Opinion, Question, Questionnaire, QuestionnaireResponse
from opinions.services import QuestionSpec, questionnaire_save, questionnaire_submit
from tests.viewtests import (
    CreateViewTests,
    DeleteViewTests,
    DetailViewTests,
    EditViewTests,
    HistoryViewTests,
    ListViewTests,
)

QUESTIONS = [
    QuestionSpec(kind="single", text="您对社区服务是否满意？", options=("满意", "基本满意", "不满意")),
    QuestionSpec(kind="multiple", text="您最关心哪些事？", options=("停车", "绿化", "治安")),
    QuestionSpec(kind="text", text="其他意见和建议", required=False),
]


def management(total: int, initial: int = 0) -> dict:
    return {"q-TOTAL_FORMS": str(total), "q-INITIAL_FORMS": str(initial),
            "q-MIN_NUM_FORMS": "0", "q-MAX_NUM_FORMS": "1000"}


def builder_data(unit, *questions, **fields) -> dict:
    """The builder's post: the questionnaire's fields and one formset row per question
    (text, kind, required, options one per line), then a blank row."""
    today = timezone.localdate()
    data = {"unit": unit.pk, "title": "老旧小区改造意见征集", "description": "",
            "starts_on": f"{today:%Y-%m-%d}", "ends_on": f"{today + dt.timedelta(days=10):%Y-%m-%d}",
            **management(len(questions) + 1), **fields}
    for n, (text, kind, options) in enumerate(questions):
        data |= {f"q-{n}-text": text, f"q-{n}-kind": kind, f"q-{n}-required": "on",
                 f"q-{n}-options": "\n".join(options), f"q-{n}-ORDER": str(n + 1)}
    blank = len(questions)
    data |= {f"q-{blank}-text": "", f"q-{blank}-kind": "single", f"q-{blank}-required": "on",
             f"q-{blank}-options": "", f"q-{blank}-ORDER": ""}
    return data


def make(unit, *, starts=0, ends=10, questions=QUESTIONS, user=None) -> Questionnaire:
    today = timezone.localdate()
    return questionnaire_save(questionnaire=Questionnaire(
        unit=unit, title="社区服务满意度征求意见表", starts_on=today + dt.timedelta(days=starts),
        ends_on=today + dt.timedelta(days=ends)), questions=list(questions), acting_user=user)


def answer(questionnaire, single: str, multiple: list[str], text: str = ""):
    """A submission through the service, options named by their text."""
    q1, q2, q3 = questionnaire.questions.order_by("position")
    pick = {o.text: o.pk for q in (q1, q2) for o in q.options.all()}
    return questionnaire_submit(questionnaire=questionnaire, answers={
        q1.pk: [pick[single]], q2.pk: [pick[m] for m in multiple], q3.pk: text})


def public_url(questionnaire) -> str:
    return reverse("opinions:questionnaire_public", args=[questionnaire.key])


def public_post(questionnaire, single: str, multiple: list[str], text: str = "") -> dict:
    q1, q2, q3 = questionnaire.questions.order_by("position")
    pick = {o.text: str(o.pk) for q in (q1, q2) for o in q.options.all()}
    return {f"q{q1.pk}": pick[single], f"q{q2.pk}": [pick[m] for m in multiple],
            f"q{q3.pk}": text, "website": ""}


class TestQuestionnaireViews(ListViewTests, DetailViewTests, CreateViewTests, EditViewTests,
                             DeleteViewTests, HistoryViewTests):
    model = Questionnaire
    url_name = "opinions:questionnaire"
    in_scope, out_of_scope = "questionnaire_in", "questionnaire_out"
    edit_changes = {"title": "东城社区服务征求意见表（延期）"}

    def form_data(self, tree):
        return builder_data(tree.community_in, ("是否需要加装电梯？", "single", ["需要", "不需要"]))

    def deletable(self, tree):
        return make(tree.community_in)  # no answers yet


# --- the builder --------------------------------------------------------------------------


def test_the_builder_saves_the_questions_in_the_order_given(client, users, tree):
    client.force_login(users.unit_admin)
    data = builder_data(tree.community_in, ("您最关心哪些事？", "multiple", ["停车", "绿化"]),
                        ("是否需要加装电梯？", "single", ["需要", "不需要", "无所谓"]),
                        ("其他建议", "text", []))
    data |= {"q-0-ORDER": "2", "q-1-ORDER": "1"}  # the second first
    response = client.post(reverse("opinions:questionnaire_create"), data)
    assert response.status_code == 302
    questionnaire = Questionnaire.objects.get(title="老旧小区改造意见征集")
    assert [(q.position, q.kind, q.text, [o.text for o in q.options.all()])
            for q in questionnaire.questions.all()] == [
        (1, "single", "是否需要加装电梯？", ["需要", "不需要", "无所谓"]),
        (2, "multiple", "您最关心哪些事？", ["停车", "绿化"]),
        (3, "text", "其他建议", [])]
    assert len(questionnaire.key) == 16 and questionnaire.entered_by == users.unit_admin


@pytest.mark.parametrize(("questions", "fields", "message"), [
    ((), {}, "至少需要一道题目"),
    ((("是否满意？", "single", ["满意"]),), {}, "单选题和多选题至少需要两个选项"),
    ((("关心哪些？", "multiple", ["停车", "停车"]),), {}, "选项不能重复"),
    ((("其他建议", "text", ["不该有"]),), {}, "文字题不设选项"),
    ((("是否满意？", "single", ["满意", "不满意"]),),
     {"starts_on": "2026-05-10", "ends_on": "2026-05-01"}, "截止日期不能早于开始日期"),
])
def test_the_builder_refuses_an_unusable_questionnaire_in_chinese(
        client, users, tree, questions, fields, message):
    client.force_login(users.unit_admin)
    response = client.post(reverse("opinions:questionnaire_create"),
                           builder_data(tree.community_in, *questions, **fields))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Questionnaire.objects.filter(title="老旧小区改造意见征集").exists()


def test_a_questionnaire_for_another_unit_is_refused(client, users, tree):
    client.force_login(users.unit_admin)
    data = builder_data(tree.community_out, ("是否满意？", "single", ["满意", "不满意"]))
    assert client.post(reverse("opinions:questionnaire_create"), data).status_code == 200
    assert not Questionnaire.objects.filter(title="老旧小区改造意见征集").exists()


def test_questions_can_be_changed_until_the_first_answer(client, users, tree):
    questionnaire = make(tree.community_in)
    url = reverse("opinions:questionnaire_edit", args=[questionnaire.pk])
    client.force_login(users.unit_admin)
    page = client.get(url)  # opened before the first answer: the questions are offered
    assert page.context["form"].questions is not None
    data = builder_data(tree.community_in, ("是否满意？", "single", ["满意", "不满意"]),
                        title=questionnaire.title)
    answer(questionnaire, "满意", ["停车"])  # meanwhile someone answers
    refused = client.post(url, data)
    assert "已有 1 份答卷，题目不能再修改" in refused.content.decode()
    assert [q.text for q in questionnaire.questions.all()] == [q.text for q in QUESTIONS]
    # Reopened, the page no longer offers the questions; the title and dates still change.
    assert client.get(url).context["form"].questions is None
    form = client.get(url).context["form"]
    later = questionnaire.ends_on + dt.timedelta(days=5)
    kept = client.post(url, {**{k: form[k].value() for k in form.fields},
                             "unit": questionnaire.unit_id, "ends_on": f"{later:%Y-%m-%d}"})
    assert kept.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.ends_on == later and questionnaire.questions.count() == 3


def test_the_service_refuses_changed_questions_once_answered(tree):
    questionnaire = make(tree.community_in)
    answer(questionnaire, "满意", ["停车"])
    with pytest.raises(ValidationError, match="题目不能再修改"):
        questionnaire_save(questionnaire=questionnaire, questions=QUESTIONS[:2],
                           acting_user=None)
    # The same questions again (the title changed) are no change of the questions.
    questionnaire.title = "改了标题"
    questionnaire_save(questionnaire=questionnaire, questions=QUESTIONS, acting_user=None)
    assert Answer.objects.filter(response__questionnaire=questionnaire).count() == 2


def test_a_questionnaire_with_answers_is_closed_not_deleted(client, users, tree):
    client.force_login(users.unit_admin)
    questionnaire = make(tree.community_in)
    answer(questionnaire, "满意", ["停车"])
    client.post(reverse("opinions:questionnaire_delete", args=[questionnaire.pk]))
    assert Questionnaire.objects.filter(pk=questionnaire.pk).exists()
    client.post(reverse("opinions:questionnaire_close", args=[questionnaire.pk]))
    questionnaire.refresh_from_db()
    assert questionnaire.closed_at is not None
    page = client.get(public_url(questionnaire)).content.decode()
    assert "本次征求意见已结束" in page and 'name="website"' not in page


def test_the_list_filters_by_state_and_counts_the_answers(client, users, tree):
    open_now = make(tree.community_in)
    answer(open_now, "满意", ["停车"])
    answer(open_now, "不满意", ["治安"])
    upcoming = make(tree.community_in, starts=3, ends=9)
    client.force_login(users.unit_admin)
    url = reverse("opinions:questionnaire_list")
    listed = {q.pk: q.answers_count for q in client.get(url).context["page"].object_list}
    assert listed == {open_now.pk: 2, upcoming.pk: 0, tree.questionnaire_in.pk: 1}
    assert [q.pk for q in client.get(url, {"state": "open"}).context["page"].object_list] == [
        open_now.pk]
    assert [q.pk for q in client.get(url, {"state": "upcoming"}).context["page"]
            .object_list] == [upcoming.pk]
    assert [q.pk for q in client.get(url, {"state": "ended"}).context["page"]
            .object_list] == [tree.questionnaire_in.pk]
    assert "暂无征求意见表" in client.get(url, {"q": "没有这个标题"}).content.decode()


# --- the public page ----------------------------------------------------------------------


@pytest.mark.parametrize(("starts", "ends", "says", "open_"), [
    (1, 5, "本次征求意见尚未开始", False),   # begins tomorrow
    (0, 0, "name=\"website\"", True),       # the first and last day is today
    (-5, 0, "name=\"website\"", True),      # the last day
    (-5, -1, "本次征求意见已结束", False),    # ended yesterday
])
def test_the_public_page_is_open_for_its_period_only(client, tree, starts, ends, says, open_):
    questionnaire = make(tree.community_in, starts=starts, ends=ends)
    page = client.get(public_url(questionnaire))
    assert page.status_code == 200 and says in page.content.decode()
    client.post(public_url(questionnaire), public_post(questionnaire, "满意", ["停车"]))
    assert questionnaire.responses.count() == (1 if open_ else 0)


def test_one_submission_saves_every_answer(client, tree):
    questionnaire = make(tree.community_in)
    page = client.post(public_url(questionnaire),
                       public_post(questionnaire, "基本满意", ["停车", "治安"], "路灯太暗"))
    # Sent on to the thanks page: reloading it sends nothing again.
    assert page.status_code == 302 and page["Location"] == public_url(questionnaire) + "?sent=1"
    assert "提交成功" in client.get(page["Location"]).content.decode()
    (response,) = questionnaire.responses.all()
    assert sorted((a.question.position, a.option.text if a.option else a.text)
                  for a in response.answers.all()) == [
        (1, "基本满意"), (2, "停车"), (2, "治安"), (3, "路灯太暗")]


def test_a_missing_required_answer_keeps_nothing_and_says_so(client, tree):
    questionnaire = make(tree.community_in)
    data = public_post(questionnaire, "满意", [], "只写了文字")
    page = client.post(public_url(questionnaire), data).content.decode()
    assert "请至少选择一项" in page and "只写了文字" in page
    assert not QuestionnaireResponse.objects.filter(questionnaire=questionnaire).exists()
    assert not Answer.objects.filter(text="只写了文字").exists()


def test_the_service_saves_all_answers_or_none(tree):
    questionnaire = make(tree.community_in)
    q1, q2, q3 = questionnaire.questions.all()
    other = tree.questionnaire_out.questions.get()
    with pytest.raises(ValidationError, match="第2题：选择无效"):
        questionnaire_submit(questionnaire=questionnaire, answers={
            q1.pk: [q1.options.first().pk], q2.pk: [q1.options.last().pk], q3.pk: "有话说"})
    with pytest.raises(ValidationError, match="第1题：选择无效"):  # two options of a single
        questionnaire_submit(questionnaire=questionnaire, answers={
            q1.pk: [o.pk for o in q1.options.all()[:2]], q2.pk: [q2.options.first().pk],
            other.pk: "x"})
    assert not questionnaire.responses.exists() and not Answer.objects.filter(
        text="有话说").exists()


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_kept(client, tree):
    questionnaire = make(tree.community_in)
    data = {**public_post(questionnaire, "满意", ["停车"]), "website": "http://spam.example"}
    page = client.post(public_url(questionnaire), data, follow=True)
    assert "提交成功" in page.content.decode()
    assert not questionnaire.responses.exists()


def test_a_flood_from_one_address_is_refused_after_ten(client, tree):
    questionnaire = make(tree.community_in)
    for _ in range(10):
        assert client.post(public_url(questionnaire), public_post(
            questionnaire, "满意", ["停车"])).status_code == 302
    refused = client.post(public_url(questionnaire), public_post(questionnaire, "满意", ["停车"]))
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert questionnaire.responses.count() == 10
    # Another address still gets through.
    other = client.post(public_url(questionnaire), public_post(questionnaire, "满意", ["绿化"]),
                        REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302 and questionnaire.responses.count() == 11


def test_an_unknown_key_is_404(client, tree):
    assert client.get(reverse("opinions:questionnaire_public", args=["no-such-key"])) \
        .status_code == 404


# --- the results --------------------------------------------------------------------------


def test_the_results_count_each_option_with_its_share(client, users, tree):
    questions = [QUESTIONS[0], QuestionSpec(kind="multiple", text="您最关心哪些事？",
                                            required=False, options=("停车", "绿化", "治安")),
                 QUESTIONS[2]]
    questionnaire = make(tree.community_in, questions=questions)
    answer(questionnaire, "满意", ["停车", "绿化"], "我叫张建国，电话13812345678，路灯坏了")
    answer(questionnaire, "满意", ["停车"])
    answer(questionnaire, "基本满意", ["停车", "治安"], '=HYPERLINK("http://x")')
    answer(questionnaire, "不满意", [])
    client.force_login(users.inspector)
    page = client.get(reverse("opinions:questionnaire_results", args=[questionnaire.pk]))
    assert page.context["responses"] == 4
    single, multiple, text = page.context["questions"]
    assert (single["answered"], single["options"]) == (
        4, [("满意", 2, 50.0), ("基本满意", 1, 25.0), ("不满意", 1, 25.0)])
    # Shares of those who answered the question (3 of 4); together more than 100%.
    assert (multiple["answered"], multiple["options"]) == (
        3, [("停车", 3, 100.0), ("绿化", 1, 33.3), ("治安", 1, 33.3)])
    assert text["answered"] == 2 and text["page"].paginator.count == 2
    html = page.content.decode()
    assert html.count("<svg") == 2 and "66.7" not in html
    assert "绿化（33.3%）" in html and "停车（100.0%）" in html  # the shares on the bars
    assert "某某，电话[电话已隐去]，路灯坏了" in html and "13812345678" not in html
    assert "张建国" not in html


def test_the_results_are_counted_by_the_database(client, users, tree,
                                                 django_assert_max_num_queries):
    questionnaire = make(tree.community_in)
    client.force_login(users.unit_admin)
    url = reverse("opinions:questionnaire_results", args=[questionnaire.pk])
    answer(questionnaire, "满意", ["停车"], "一条")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(30):
        answer(questionnaire, "不满意", ["绿化", "治安"], f"第{n}条意见")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.context["questions"][1]["options"] == [
        ("停车", 1, 3.2), ("绿化", 30, 96.8), ("治安", 30, 96.8)]


def test_text_answers_are_listed_page_by_page(client, users, tree):
    questionnaire = make(tree.community_in)
    for n in range(25):
        answer(questionnaire, "满意", ["停车"], f"第{n:02d}条建议")
    text = questionnaire.questions.get(kind="text")
    client.force_login(users.unit_admin)
    url = reverse("opinions:questionnaire_results", args=[questionnaire.pk])
    first = client.get(url).context["questions"][2]["page"]
    second = client.get(url, {f"p{text.pk}": 2}).context["questions"][2]["page"]
    assert len(first) == 20 and len(second) == 5
    assert {a.text for a in first} | {a.text for a in second} == {
        f"第{n:02d}条建议" for n in range(25)}


def test_the_export_has_one_row_per_response_and_one_column_per_question(client, users, tree):
    questionnaire = make(tree.community_in)
    answer(questionnaire, "满意", ["停车", "治安"], '=HYPERLINK("http://x")')
    answer(questionnaire, "不满意", ["绿化"], "电话13812345678")
    client.force_login(users.unit_admin)
    response = client.get(reverse("opinions:questionnaire_results", args=[questionnaire.pk]),
                          {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["答卷", "选项统计"]
    counts = [[c.value for c in row] for row in book["选项统计"].iter_rows()]
    assert counts[1:4] == [["1. 您对社区服务是否满意？", "满意", 1, "50.0%"],
                           ["1. 您对社区服务是否满意？", "基本满意", 0, "0.0%"],
                           ["1. 您对社区服务是否满意？", "不满意", 1, "50.0%"]]
    assert len(counts) == 1 + 3 + 3  # the text question has no options
    sheet = book["答卷"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["答卷序号", "提交时间", "1. 您对社区服务是否满意？", "2. 您最关心哪些事？",
                       "3. 其他意见和建议"]
    assert [row[:1] + row[2:] for row in rows[1:]] == [
        [1, "满意", "停车；治安", "'=HYPERLINK(\"http://x\")"],
        [2, "不满意", "绿化", "电话[电话已隐去]"]]
    assert len(rows) == 3


def test_results_out_of_scope_are_404(client, users, tree):
    client.force_login(users.unit_admin)
    url = reverse("opinions:questionnaire_results", args=[tree.questionnaire_out.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"export": "xlsx"}).status_code == 404


def test_the_poster_is_an_a4_pdf_with_the_qr_code_of_the_public_page(client, users, tree):
    questionnaire = make(tree.community_in)
    client.force_login(users.unit_admin)
    response = client.get(reverse("opinions:questionnaire_poster", args=[questionnaire.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "社区服务满意度征求意见表" in text and "东城一社区" in text
    assert f"/opinions/forms/public/{questionnaire.key}/" in text


# --- a text answer into the opinions ledger ---------------------------------------------


def test_a_text_answer_becomes_an_opinion_once(client, users, tree):
    text_answer = tree.answer_in
    url = reverse("opinions:answer_opinion", args=[text_answer.pk])
    client.force_login(users.inspector)
    assert client.post(url).status_code == 403
    client.force_login(users.unit_admin)
    client.post(url)
    client.post(url)
    (opinion,) = Opinion.objects.filter(channel=Opinion.Channel.FORM)
    assert (opinion.content, opinion.collecting_unit, opinion.handling_unit) == (
        "希望增加夜间照明", tree.community_in, tree.community_in)
    assert opinion.source == f"征求意见表 {tree.questionnaire_in.pk} 回答 {text_answer.pk}"
    assert opinion.received_on == timezone.localdate(text_answer.response.submitted_at)
    text_answer.refresh_from_db()
    assert text_answer.opinion_code == opinion.code
    page = client.get(reverse("opinions:questionnaire_results",
                              args=[tree.questionnaire_in.pk])).content.decode()
    assert f"已转为群众意见 {opinion.code}" in page


def test_a_choice_answer_does_not_become_an_opinion(client, users, tree):
    questionnaire = make(tree.community_in)
    answer(questionnaire, "满意", ["停车"])
    choice = Answer.objects.filter(response__questionnaire=questionnaire).first()
    client.force_login(users.unit_admin)
    client.post(reverse("opinions:answer_opinion", args=[choice.pk]))
    assert not Opinion.objects.filter(channel=Opinion.Channel.FORM).exists()


def test_question_kinds_are_the_three_of_the_issue():
    assert Question.Kind.labels == ["单选", "多选", "文字"]


def test_the_demo_has_an_ended_and_an_open_questionnaire_with_answers(client, users, tree):
    import random

    from opinions.demo import questionnaires_demo

    questionnaires_demo(random.Random(1), timezone.localdate())
    made = Questionnaire.objects.exclude(pk__in=[tree.questionnaire_in.pk,
                                                 tree.questionnaire_out.pk])
    today = timezone.localdate()
    assert sorted((q.state(today), q.responses.count()) for q in made) == [
        ("已结束", 36), ("征集中", 12)]
    client.force_login(users.sysadmin)
    for questionnaire in made:
        page = client.get(reverse("opinions:questionnaire_results", args=[questionnaire.pk]))
        single = page.context["questions"][0]
        assert sum(n for _, n, _ in single["options"]) == single["answered"] == \
            questionnaire.responses.count()
        assert "13812345678" not in page.content.decode()


def test_a_new_questionnaire_starts_with_the_users_unit_and_a_month(client, users, tree):
    client.force_login(users.unit_admin)
    form = client.get(reverse("opinions:questionnaire_create")).context["form"]
    today = timezone.localdate()
    assert (form["unit"].value(), form["starts_on"].value(), form["ends_on"].value()) == (
        tree.east.pk, today, today + dt.timedelta(days=30))
    assert form.questions is not None and len(form.questions.forms) == 3
