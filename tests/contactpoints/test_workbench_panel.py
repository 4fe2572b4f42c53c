"""The visits panel of 我的工作台."""

import datetime as dt

from django.urls import reverse

from tests.factories import VisitFactory


def test_a_leader_gets_the_contact_point_button(client, contacts):
    client.force_login(contacts.leader.user)
    actions = dict(client.get(reverse("workbench")).context["actions"])
    assert actions["登记联系点走访"].startswith(reverse("contactpoints:leader_visit_create"))


def test_the_panel_counts_the_years_visits_by_kind(client, contacts):
    for day in (dt.date(2025, 2, 1), dt.date(2025, 3, 1)):
        VisitFactory(kind="leader_point", cadre=contacts.leader,
                     target_org=contacts.tree.community_in, start_date=day)
    VisitFactory(kind="household", cadre=contacts.leader,
                 target_household=contacts.tree.household_in)
    client.force_login(contacts.leader.user)
    page = client.get(reverse("workbench"), {"year": 2025}).content.decode()
    assert "2025年我的走访（3 次）" in page
    assert "领导联系点 2 次 · 入户走访 1 次" in page
    assert "调研天数" in page  # a 办事处主要负责人 has a research quota


def test_the_panel_names_a_visited_household_as_people_know_it_masked(client, contacts):
    household = contacts.tree.household_in
    household.head_name, household.address = "王秀英", "和平路12号3栋201"
    household.save()
    VisitFactory(kind="household", cadre=contacts.leader, target_household=household)
    client.force_login(contacts.leader.user)
    page = client.get(reverse("workbench"), {"year": 2025}).content.decode()
    assert f"入户走访：{household.code} 王** · 和平路***" in page
    assert "王秀英" not in page and "12号" not in page
