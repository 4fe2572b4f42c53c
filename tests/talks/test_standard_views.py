"""The standard pages of talks (tests/viewtests), and the privacy of their content: every
page and export, every role."""

import csv
import io

import pytest
from django.urls import reverse

from talks.models import Talk
from tests.viewtests import ImportViewTests, StandardViewTests

SECRET = "低保续办的难处"   # tree.talk_in's summary
OPINION = "垃圾清运不及时"  # one of its opinions raised


class TestTalkViews(StandardViewTests, ImportViewTests):
    model = Talk
    url_name = "talks:talk"
    in_scope, out_of_scope = "talk_in", "talk_out"
    edit_changes = {"form": "individual"}
    import_kind = "talks"

    def form_data(self, tree):
        return {"initiator": tree.cadre_in.pk, "date": "2025-06-02", "type": "masses",
                "form": "individual", "cadres": [], "households": [tree.household_in.pk],
                "summary": "了解就医困难", "opinions_raised": ""}

    def import_rows(self, tree):
        return [{"谈话编号": "TH-IMP", "日期": "2025-06-02", "发起人编码": "GB001",
                 "类型": "与联系群众谈心", "形式": "个别谈话", "参与住户编码": "HH001"}]

    def import_row_out_of_scope(self, tree):
        return {"谈话编号": "TH-IMP2", "日期": "2025-06-02", "发起人编码": "GB002",
                "类型": "与联系群众谈心", "形式": "个别谈话", "参与住户编码": "HH002"}


# Who reads the content of GB001's talk: the initiator, 组织部 and 纪检监察 (and the system
# administrator); the unit admin of 东城 keeps the record but sees only that it took place.
CONTENT = {"cadre": True, "org_dept": True, "inspector": True, "sysadmin": True,
           "unit_admin": False}


@pytest.mark.parametrize(("who", "sees"), CONTENT.items())
def test_the_content_is_shown_only_to_the_people_in_the_talk_and_the_readers(
        client, users, tree, who, sees):
    client.force_login(getattr(users, who))
    detail = client.get(reverse("talks:talk_detail", args=[tree.talk_in.pk])).content.decode()
    listed = client.get(reverse("talks:talk_list")).content.decode()
    assert (SECRET in detail, OPINION in detail, SECRET in listed) == (sees, sees, sees)
    assert "2025-04-02" in detail and "与联系群众谈心" in detail  # that it took place
    export = client.get(reverse("talks:talk_list"), {"export": "csv"})
    rows = {row["谈话编号"]: row for row in
            csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))}
    assert (rows["TH-IN"]["内容摘要"] == SECRET) == sees


def test_the_petitions_office_has_no_talks(client, users, tree):
    client.force_login(users.petitions)
    assert client.get(reverse("talks:talk_list")).status_code == 403
    assert client.get(reverse("talks:talk_detail", args=[tree.talk_in.pk])).status_code == 403


def test_a_participating_cadre_reads_the_talk_they_took_part_in(client, users, tree):
    tree.talk_out.cadres.add(tree.cadre_in)  # GB001 took part in GB002's talk
    client.force_login(users.cadre)
    page = client.get(reverse("talks:talk_detail", args=[tree.talk_out.pk]))
    assert page.status_code == 200 and "西城的谈话" in page.content.decode()
    # ...but may not change it: it is GB002's record.
    assert client.get(reverse("talks:talk_edit", args=[tree.talk_out.pk])).status_code == 404


def test_who_may_not_read_the_content_may_not_rewrite_it(client, users, tree):
    client.force_login(users.unit_admin)
    page = client.get(reverse("talks:talk_edit", args=[tree.talk_in.pk]))
    assert "summary" not in page.context["form"].fields
    assert SECRET not in page.content.decode()


def test_the_search_does_not_find_a_talk_by_its_content(client, users, tree):
    client.force_login(users.unit_admin)
    page = client.get(reverse("talks:talk_list"), {"q": "低保"})
    assert list(page.context["page"].object_list) == []


def test_a_cadre_records_a_talk_with_two_linked_households_in_one_form(client, users, tree):
    from tests.factories import AssignmentFactory, HouseholdFactory

    second = HouseholdFactory(code="HH009", community=tree.community_in)
    AssignmentFactory(kind="household", cadre=tree.cadre_in, target_household=second,
                      start_date=tree.assignment_in.start_date)
    client.force_login(users.cadre)
    form = client.get(reverse("talks:talk_create")).context["form"]
    offered = [h.code for h in form.fields["households"].queryset]
    assert offered[:2] == ["HH001", "HH009"]  # the linked households come first
    response = client.post(reverse("talks:talk_create"), {
        "date": "2025-06-02", "type": "masses", "form": "casual",
        "households": [tree.household_in.pk, second.pk], "summary": "",
        "opinions_raised": "希望增设路灯"})
    talk = Talk.objects.get(date="2025-06-02")
    assert response.status_code == 302
    assert talk.initiator == tree.cadre_in and talk.code.startswith("TK20250602-")
    assert sorted(h.code for h in talk.households.all()) == ["HH001", "HH009"]


def test_a_talk_without_participants_is_refused_in_chinese(client, users, tree):
    client.force_login(users.cadre)
    response = client.post(reverse("talks:talk_create"), {
        "date": "2025-06-02", "type": "daily", "form": "casual"})
    assert response.status_code == 200
    assert "请至少选择一名参与干部或一户参与住户" in response.content.decode()
    assert not Talk.objects.filter(date="2025-06-02").exists()


def test_an_opinion_raised_in_a_talk_is_forwarded_once_with_a_link_back(client, users, tree):
    from opinions.models import Opinion

    client.force_login(users.cadre)
    url = reverse("talks:talk_opinion_forward", args=[tree.talk_in.pk, 2])
    page = client.post(url, follow=True).content.decode()
    opinion = Opinion.objects.get(source__startswith="谈心谈话")
    assert (opinion.content, opinion.channel, opinion.handling_unit) == (
        OPINION, "talk", tree.community_in)
    assert opinion.source == "谈心谈话 TH-IN 第2条"
    assert f"已转入 {opinion.code}" in page and "已转入群众意见" in page
    client.post(url)  # a second tap changes nothing
    assert Opinion.objects.filter(source__startswith="谈心谈话").count() == 1
    # The unit admin keeps the talk but may not read the content: no forwarding.
    client.force_login(users.unit_admin)
    response = client.post(reverse("talks:talk_opinion_forward", args=[tree.talk_in.pk, 1]))
    assert response.status_code == 403
    assert Opinion.objects.filter(source__startswith="谈心谈话").count() == 1
    # The opinion is now in the handling unit's ledger.
    listed = client.get(reverse("opinions:opinion_list")).context["page"].object_list
    assert opinion in listed


def test_the_workbench_shows_the_cadres_talks_and_a_secretarys_members(client, users, tree):
    from tests.factories import CadreFactory, PositionFactory

    member = PositionFactory(cadre=CadreFactory(code="GB050", name="王党员"),
                             organization=tree.community_in, category="party_member").cadre
    tree.position_in.party_secretary = True
    tree.position_in.save()
    Talk.objects.create(code="TH-M", date=tree.talk_in.date, initiator=tree.cadre_in,
                        type="secretary", form="individual").cadres.set([member])
    client.force_login(users.cadre)
    page = client.get(reverse("workbench"), {"year": 2025}).content.decode()
    assert "本年 2 次" in page and "登记谈心谈话" in page
    assert "王党员" in page and "1 / 2 未完成" in page


def test_a_new_talk_is_dated_today(client, users, tree):
    from django.utils import timezone

    client.force_login(users.cadre)
    form = client.get(reverse("talks:talk_create")).context["form"]
    assert form["date"].value() == timezone.localdate()


def test_a_participating_cadre_confirms_in_one_tap_and_inspectors_list_the_rest(
        client, users, tree):
    tree.talk_out.cadres.add(tree.cadre_in)  # GB001 took part in GB002's talk
    client.force_login(users.cadre)
    workbench = client.get(reverse("workbench")).content.decode()
    assert "待我确认" in workbench
    client.force_login(users.sysadmin)
    listed = client.get(reverse("talks:talk_list"), {"unconfirmed": "true"})
    assert [t.code for t in listed.context["page"].object_list] == ["TH-OUT"]
    assert "待确认 1 人" in listed.content.decode()
    client.force_login(users.cadre)
    url = reverse("talks:talk_confirm", args=[tree.talk_out.pk])
    response = client.post(url + "?next=" + reverse("workbench"))
    assert response["Location"] == reverse("workbench")
    client.post(url)  # a second tap changes nothing
    assert tree.talk_out.confirmations.get().cadre == tree.cadre_in
    assert "待我确认" not in client.get(reverse("workbench")).content.decode()
    client.force_login(users.sysadmin)
    listed = client.get(reverse("talks:talk_list"), {"unconfirmed": "true"})
    assert list(listed.context["page"].object_list) == []


def test_only_a_participant_may_confirm(client, users, tree):
    client.force_login(users.cadre)  # GB001 initiated TH-IN: nothing to confirm
    url = reverse("talks:talk_confirm", args=[tree.talk_in.pk])
    assert client.post(url).status_code == 404
    client.force_login(users.unit_admin)
    assert client.post(url).status_code == 403


def test_the_pairwise_grid_shows_who_met_whom_before_the_meeting(client, users, tree):
    import datetime as dt

    from liaison.models import Category
    from tests.factories import CadreFactory, PositionFactory

    def leader(code, name, category):
        return PositionFactory(cadre=CadreFactory(code=code, name=name), organization=tree.east,
                               category=category, start_date=dt.date(2020, 1, 1)).cadre

    head = leader("GB201", "甲书记", Category.SUBDISTRICT_HEAD)
    deputy = leader("GB202", "乙主任", Category.SUBDISTRICT_LEADER)
    leader("GB203", "丙委员", Category.SUBDISTRICT_LEADER)
    Talk.objects.create(code="TH-P", date=dt.date(2025, 1, 15), initiator=head,
                        type="pre_meeting", form="individual").cadres.set([deputy])
    client.force_login(users.org_dept)
    teams = client.get(reverse("talks:team_list"), {"year": 2025}).context["teams"]
    # The tree's district leader GB100 holds a post at 东城 too: a team of four.
    assert [(o.code, size, pairs, met) for o, size, pairs, met in teams] == [
        ("BSC01", 4, 6, 1)]
    page = client.get(reverse("talks:team_matrix", args=[tree.east.pk]), {"year": 2025})
    assert page.context["met"] == 1 and page.content.decode().count('aria-label="已谈"') == 2
    assert [[cell for cell in cells] for _, cells in page.context["rows"]] == [
        [None, False, False, False], [False, None, True, False], [False, True, None, False],
        [False, False, False, None]]
    client.force_login(users.cadre)
    assert client.get(reverse("talks:team_list")).status_code == 403
