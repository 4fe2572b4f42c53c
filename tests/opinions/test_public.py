"""The public's side of the opinions system: the form without a login (honeypot and rate
limits), publishing without personal data, the feedback page and the QR poster."""

import subprocess

import pytest
from django.urls import reverse

from liaison.personal import redact_personal
from opinions.models import Opinion

FORM = {"content": "小区东门路灯坏了一个月", "category": "公共设施", "contact": "13912345678",
        "website": ""}


def public_url(tree):
    return reverse("opinions:public_form", args=[tree.community_in.code])


@pytest.mark.parametrize(("text", "published"), [
    ("我叫张建国，电话13812345678", "我叫某某，电话[电话已隐去]"),
    ("身份证410102198507063214的户主反映", "身份证[身份证号已隐去]的户主反映"),
    ("李阿姨说楼道灯坏了，联系0371-65432100", "某阿姨说楼道灯坏了，联系[电话已隐去]"),
    ("联系人：王小五 手机 138 1234 5678", "联系人：某某 手机 [电话已隐去]"),
    ("请回复 wang.wu@example.com", "请回复 [邮箱已隐去]"),
    ("姓名：欧阳娜娜，+86 139-1234-5678", "姓名：某某，[电话已隐去]"),
    ("路灯编号 12345 坏了三个月", "路灯编号 12345 坏了三个月"),
    ("请把结果发到我的邮箱abc@qq.com谢谢", "请把结果发到我的邮箱[邮箱已隐去]谢谢"),
    ("电话（0371）65432100或0086-13812345678", "电话[电话已隐去]或[电话已隐去]"),
    ("手机１３８１２３４５６７８", "手机[电话已隐去]"),
    ("老身份证410102850706321", "老身份证[身份证号已隐去]"),
    ("欧阳先生反映", "某先生反映"),
    ("向书记汇报了情况", "向书记汇报了情况"),
    ("建议增加公交班次", "建议增加公交班次"),
])
def test_personal_data_is_removed_from_what_is_published(text, published):
    assert redact_personal(text) == published


def test_anyone_sends_an_opinion_and_gets_its_code(client, tree):
    page = client.post(public_url(tree), FORM)
    opinion = Opinion.objects.get(content=FORM["content"])
    assert page.status_code == 200 and opinion.code in page.content.decode()
    assert (opinion.channel, opinion.handling_unit, opinion.submitter_contact) == (
        "online", tree.community_in, "13912345678")
    assert opinion.feedback_due is not None and opinion.entered_by is None


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_kept(client, tree):
    page = client.post(public_url(tree), {**FORM, "website": "http://spam.example"})
    assert "感谢您的意见" in page.content.decode()
    assert not Opinion.objects.filter(content=FORM["content"]).exists()


def test_a_flood_from_one_address_is_refused_after_five(client, tree):
    for n in range(5):
        assert client.post(public_url(tree), {**FORM, "content": f"第{n}条意见内容"}) \
            .status_code == 200
    refused = client.post(public_url(tree), {**FORM, "content": "第六条意见内容"})
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert Opinion.objects.filter(channel="online").count() == 5


def test_a_short_opinion_is_refused_in_chinese_and_keeps_what_was_typed(client, tree):
    page = client.post(public_url(tree), {**FORM, "content": "太差"}).content.decode()
    assert "意见内容至少 5 个字" in page and "13912345678" in page


def test_publishing_shows_the_cleaned_text_first_and_publishes_what_was_confirmed(
        client, users, tree):
    opinion = tree.opinion_in
    opinion.content = "张先生（13812345678）希望增设健身器材"
    opinion.result, opinion.explanation = "adopted", "已列入民生实事"
    opinion.save()
    url = reverse("opinions:opinion_publish", args=[opinion.pk])
    client.force_login(users.unit_admin)
    form = client.get(url).context["form"]
    assert form.initial["text"] == "某先生（[电话已隐去]）希望增设健身器材"
    # The publisher types a phone number back in: it is removed again.
    client.post(url, {"text": "某先生希望增设健身器材，电话13812345678", "explanation": "已列入"})
    opinion.refresh_from_db()
    assert opinion.published and opinion.published_text == "某先生希望增设健身器材，电话[电话已隐去]"
    feedback = client.get(reverse("opinions:public_feedback")).content.decode()
    assert "某先生希望增设健身器材" in feedback and "13812345678" not in feedback
    assert "张先生" not in feedback and "采纳率 <strong>100%</strong>" in feedback
    client.post(url, {"withdraw": "1"})
    opinion.refresh_from_db()
    assert not opinion.published and opinion.published_text == ""


def test_an_unanswered_opinion_cannot_be_published(client, users, tree):
    client.force_login(users.unit_admin)
    url = reverse("opinions:opinion_publish", args=[tree.opinion_in.pk])
    page = client.post(url, {"text": "增设健身器材", "explanation": ""}).content.decode()
    assert "尚未处理的意见不能公开" in page
    tree.opinion_in.refresh_from_db()
    assert not tree.opinion_in.published


def test_an_imported_published_opinion_shows_only_its_cleaned_text(roster, client):
    from liaison.imports import import_file

    assert import_file(kind="opinions", filename="o.csv", content=(
        "意见编号,收到日期,渠道,收集单位编码,承办单位编码,内容,类别,处理结果,反馈日期,公开\n"
        "YJ9,2025-01-08,意见箱,SQ0101,BSC01,王大爷（13700001111）希望增设健身器材,,采纳,"
        "2025-02-05,是\n").encode()).ok
    page = client.get(reverse("opinions:public_feedback_unit", args=["BSC01"])).content.decode()
    assert "某大爷（[电话已隐去]）希望增设健身器材" in page and "13700001111" not in page


def test_the_poster_is_an_a4_pdf_with_the_qr_code_of_the_units_form(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.get(reverse("opinions:poster", args=[tree.east.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "群众意见征集" in text and "东城办事处" in text and "/opinions/public/BSC01/" in text
    client.force_login(users.cadre)
    assert client.get(reverse("opinions:poster", args=[tree.east.code])).status_code == 403
