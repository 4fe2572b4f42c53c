"""The steps of a case, each its own form refusing what the order rules forbid, and the
reply letter (办理意见书) as a PDF."""

import datetime as dt
import subprocess

from django.urls import reverse

from liaison.models import PersonalDataAccess
from petitions.models import Petition


def step(client, case, name, data):
    return client.post(reverse("petitions:petition_step", args=[case.pk, name]), data)


def test_the_office_decides_the_responsible_person_replies_and_downloads_the_letter(
        client, users, tree):
    case = tree.petition_in
    client.force_login(users.cadre)  # the responsible person may not decide
    assert step(client, case, "decide", {}).status_code == 404
    client.force_login(users.petitions)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "登记受理" in page and "登记答复" not in page
    step(client, case, "decide", {"decision": "accepted", "decided_on": "2025-03-10",
                                  "decision_note": ""})
    case.refresh_from_db()
    assert (case.decision, str(case.decided_on)) == ("accepted", "2025-03-10")
    assert case.handling_due is not None

    client.force_login(users.cadre)
    refused = step(client, case, "reply", {"replied_on": "2025-03-01", "reply_text": "已修复"})
    assert "答复日期" in refused.content.decode()  # before the decision: the order rule
    step(client, case, "reply", {"replied_on": "2025-04-20",
                                 "reply_text": "经查，供暖管道阀门故障。\n已于4月18日修复。"})
    case.refresh_from_db()
    assert str(case.replied_on) == "2025-04-20"
    letter = client.get(reverse("petitions:petition_letter", args=[case.pk]))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=letter.content, capture_output=True,
                          check=True).stdout.decode()
    assert "信访事项办理意见书" in text and "钱某某" in text and "已于4月18日修复" in text
    assert PersonalDataAccess.objects.filter(record_label="XF-IN 办理意见书").exists()


def test_a_refusal_needs_its_reason_and_an_extension_its_approver(client, users, tree):
    client.force_login(users.petitions)
    case = tree.petition_in
    page = step(client, case, "decide", {"decision": "not_accepted",
                                         "decided_on": "2025-03-10"}).content.decode()
    assert "不予受理须写明理由" in page
    Petition.objects.filter(pk=case.pk).update(decision="accepted",
                                               decided_on=dt.date(2025, 3, 10))
    errors = step(client, case, "extend", {"extension_days": "10"}).context["form"].errors
    assert set(errors) == {"extension_approver", "extension_reason", "extension_granted_on"}
    too_long = step(client, case, "extend", {
        "extension_days": "40", "extension_approver": tree.leader_in.pk,
        "extension_reason": "需现场勘验", "extension_granted_on": "2025-04-01"})
    assert "extension_days" in too_long.context["form"].errors
    assert not Petition.objects.get(pk=case.pk).extension_days


def test_the_letter_is_not_for_whoever_sees_identities_masked(client, users, tree):
    Petition.objects.filter(pk=tree.petition_in.pk).update(
        decision="accepted", decided_on=dt.date(2025, 3, 10), replied_on=dt.date(2025, 4, 1),
        reply_text="已办结")
    client.force_login(users.org_dept)  # reads the case, masked: no letter
    assert client.get(reverse("petitions:petition_letter",
                              args=[tree.petition_in.pk])).status_code == 403
    client.force_login(users.petitions)
    url = reverse("petitions:petition_letter", args=[tree.petition_out.pk])
    assert client.get(url).status_code == 404  # out of the office user's scope (西城)


def test_a_step_taken_is_not_taken_again(client, users, tree):
    Petition.objects.filter(pk=tree.petition_in.pk).update(
        decision="accepted", decided_on=dt.date(2025, 3, 10), replied_on=dt.date(2025, 4, 1),
        reply_text="已办结")
    client.force_login(users.cadre)  # the responsible person
    response = step(client, tree.petition_in, "reply", {"replied_on": "2025-05-01",
                                                        "reply_text": "改写"})
    assert response.status_code == 403
    assert Petition.objects.get(pk=tree.petition_in.pk).reply_text == "已办结"


def test_a_case_joins_the_opinions_ledger_once_without_the_petitioners_identity(
        client, users, tree):
    from opinions.models import Opinion

    client.force_login(users.petitions)
    url = reverse("petitions:petition_opinion_forward", args=[tree.petition_in.pk])
    page = client.post(url, follow=True).content.decode()
    client.post(url)
    opinion = Opinion.objects.get(source="信访事项 XF-IN")
    assert (opinion.content, opinion.channel, opinion.handling_unit) == (
        "东城的事", "reception", tree.community_in)
    assert opinion.submitter_contact == "" and f"已转入群众意见 {opinion.code}" in page
    client.force_login(users.cadre)  # the responsible person does not forward
    assert client.post(url).status_code == 403
