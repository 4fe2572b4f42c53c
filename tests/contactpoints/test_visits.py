"""The visit ledger: list, detail, edit, delete, history."""

import datetime as dt

from django.urls import reverse

from contactpoints.models import Visit
from liaison.imports import import_file
from liaison.models import ClosedYear
from tests.factories import VisitFactory


def rows(client, **params):
    return [obj for obj, _ in client.get(reverse("contactpoints:visit_list"), params)
            .context["rows"]]


def test_the_list_filters_by_kind_unit_cadre_dates_and_search(client, users, contacts):
    leader_visit = VisitFactory(kind="leader_point", cadre=contacts.leader,
                                target_org=contacts.tree.community_in,
                                start_date=dt.date(2025, 9, 1))
    unit_visit = VisitFactory(kind="unit_community", unit=contacts.tree.unit,
                              target_org=contacts.tree.community_in)
    client.force_login(users.sysadmin)
    everything = rows(client)
    assert {leader_visit, unit_visit, contacts.tree.visit_in, contacts.tree.visit_out} == set(
        everything)
    assert rows(client, kind="leader_point") == [leader_visit]
    assert set(rows(client, unit=contacts.tree.east.pk)) == {leader_visit,
                                                           contacts.tree.visit_in}
    assert rows(client, unit=contacts.tree.unit.pk) == [unit_visit]
    assert rows(client, cadre=contacts.tree.cadre_in.pk) == [contacts.tree.visit_in]
    assert rows(client, date_from="2025-08-01") == [leader_visit]
    assert rows(client, q="王主任") == [leader_visit]


def test_each_role_lists_only_its_scope(client, users, contacts):
    unit_visit = VisitFactory(kind="unit_community", unit=contacts.tree.unit,
                              target_org=contacts.tree.community_in)
    client.force_login(users.cadre)
    assert rows(client) == [contacts.tree.visit_in]
    client.force_login(users.inspector)
    assert rows(client) == [contacts.tree.visit_in]  # 东城's cadres; the unit is not 东城's
    client.force_login(contacts.unit_admin)
    assert rows(client) == [unit_visit]


def test_household_names_are_masked_in_the_visit_list_for_every_role(client, users, contacts):
    # #15: the community's admin too sees the list masked; they reveal one household on its
    # page (tests/liaison/test_household_privacy.py).
    VisitFactory(cadre=contacts.tree.cadre_in, target_household=contacts.neighbour)
    VisitFactory(cadre=contacts.tree.cadre_in, target_household=contacts.assigned)
    for user in (users.cadre, users.unit_admin, users.org_dept):
        client.force_login(user)
        page = client.get(reverse("contactpoints:visit_list")).content.decode()
        assert "HH011 孙*" in page and "孙二" not in page
        assert "HH010 钱*" in page and "钱一" not in page  # the cadre's own household too


def test_the_list_paginates_with_a_constant_number_of_queries(client, users, tree,
                                                             django_assert_max_num_queries):
    client.force_login(users.cadre)
    client.get(reverse("contactpoints:visit_list"))
    for i in range(60):
        VisitFactory(cadre=tree.cadre_in, target_household=tree.household_in,
                     start_date=dt.date(2024, 1, 1) + dt.timedelta(days=i))
    with django_assert_max_num_queries(15):
        page = client.get(reverse("contactpoints:visit_list"))
    assert page.context["page"].paginator.count == 61 and len(page.context["rows"]) == 50


def test_an_export_reimports_unchanged(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("contactpoints:visit_list"), {"export": "xlsx"})
    outcome = import_file(kind="visits", filename="v.xlsx", content=response.content)
    assert (outcome.ok, outcome.unchanged, outcome.new) == (True, 1, 0), outcome.errors
    csv_text = client.get(reverse("contactpoints:visit_list"), {"export": "csv"}).content
    assert csv_text.decode("utf-8-sig").splitlines()[1] == "入户走访,GB001,HH001,2025-05-06,2025-05-06"


def test_the_detail_shows_what_was_done_and_who_entered_it(client, users, contacts):
    visit = VisitFactory(cadre=contacts.tree.cadre_in, target_household=contacts.neighbour,
                         problems_raised="屋顶漏水", entered_by=users.unit_admin)
    client.force_login(users.cadre)
    page = client.get(reverse("contactpoints:visit_detail", args=[visit.pk])).content.decode()
    assert "屋顶漏水" in page and "dwgly 于" in page and "为 张三" in page
    assert "孙二" not in page and "HH011 孙*" in page
    client.force_login(users.org_dept)
    page = client.get(reverse("contactpoints:visit_detail", args=[visit.pk])).content.decode()
    assert "孙二" not in page and "HH011 孙*" in page  # 组织部 too sees households masked (#15)
    assert reverse("contactpoints:visit_history", args=[visit.pk]) in page


def test_a_unit_visit_detail_lists_the_participants(client, contacts):
    visit = VisitFactory(kind="unit_community", unit=contacts.tree.unit,
                         target_org=contacts.tree.community_in)
    visit.participants.set([contacts.unit_cadre])
    client.force_login(contacts.unit_admin)
    page = client.get(reverse("contactpoints:visit_detail", args=[visit.pk])).content.decode()
    assert "赵科长" in page and "区委组织部" in page


def test_a_cadre_edits_their_household_visit(client, users, tree):
    client.force_login(users.cadre)
    url = reverse("contactpoints:visit_edit", args=[tree.visit_in.pk])
    form = client.get(url).context["form"]
    assert "target_household" in form.fields and form.fields["cadre"].disabled
    response = client.post(url, {"target_household": tree.household_in.pk,
                                 "start_date": "2025-05-07", "end_date": "",
                                 "problems_solved": "修好了"})
    assert response.status_code == 302
    tree.visit_in.refresh_from_db()
    assert (tree.visit_in.start_date, tree.visit_in.end_date, tree.visit_in.problems_solved) \
        == (dt.date(2025, 5, 7), dt.date(2025, 5, 7), "修好了")
    assert tree.visit_in.kind == "household" and tree.visit_in.cadre == tree.cadre_in


def test_editing_a_leader_visit_keeps_its_rules(client, contacts):
    visit = VisitFactory(kind="leader_point", cadre=contacts.leader,
                         target_org=contacts.tree.community_in)
    client.force_login(contacts.leader.user)
    response = client.post(reverse("contactpoints:visit_edit", args=[visit.pk]), {
        "target_org": contacts.tree.community_in.pk, "start_date": "2023-05-01",
        "end_date": ""})
    assert "该日期无有效联系关系" in str(response.context["form"].errors)


def test_a_cadre_cannot_touch_another_cadres_visit(client, users, tree):
    client.force_login(users.cadre)
    for name in ("visit_detail", "visit_edit", "visit_delete", "visit_history"):
        url = reverse(f"contactpoints:{name}", args=[tree.visit_out.pk])
        assert client.get(url).status_code in (403, 404)
    assert client.post(reverse("contactpoints:visit_delete", args=[tree.visit_out.pk])) \
        .status_code == 404
    assert Visit.objects.filter(pk=tree.visit_out.pk).exists()


def test_an_inspector_reads_but_cannot_change_a_visit(client, users, tree):
    client.force_login(users.inspector)
    page = client.get(reverse("contactpoints:visit_detail", args=[tree.visit_in.pk]))
    assert page.status_code == 200 and not page.context["can_edit"]
    url = reverse("contactpoints:visit_edit", args=[tree.visit_in.pk])
    assert client.post(url, {"start_date": "2025-01-01"}).status_code == 403
    assert client.post(reverse("contactpoints:visit_delete", args=[tree.visit_in.pk])) \
        .status_code == 403
    tree.visit_in.refresh_from_db()
    assert tree.visit_in.start_date == dt.date(2025, 5, 6)


def test_a_delete_asks_then_deletes_unless_the_year_is_closed(client, users, tree):
    client.force_login(users.cadre)
    url = reverse("contactpoints:visit_delete", args=[tree.visit_in.pk])
    assert "确定要删除「入户走访 张三（GB001） → HH001" in client.get(url).content.decode()
    ClosedYear.objects.create(year=2025, closed_by=users.org_dept)
    assert "2025年已关闭" in client.post(url, follow=True).content.decode()
    assert Visit.objects.filter(pk=tree.visit_in.pk).exists()
    ClosedYear.objects.all().delete()
    assert client.post(url)["Location"] == reverse("contactpoints:visit_list")
    assert not Visit.objects.filter(pk=tree.visit_in.pk).exists()


def test_the_history_shows_the_changes(client, users, tree):
    client.force_login(users.unit_admin)
    client.post(reverse("contactpoints:visit_edit", args=[tree.visit_in.pk]), {
        "cadre": tree.cadre_in.pk, "target_household": tree.household_in.pk,
        "start_date": "2025-05-06", "end_date": "", "policy_explained": "讲了低保政策"})
    client.force_login(users.inspector)
    page = client.get(reverse("contactpoints:visit_history", args=[tree.visit_in.pk]))
    assert "宣传政策" in page.content.decode() and "讲了低保政策" in page.content.decode()


def test_the_list_offers_the_logging_buttons_each_role_may_use(client, users, tree):
    client.force_login(users.cadre)
    page = client.get(reverse("contactpoints:visit_list")).content.decode()
    assert reverse("contactpoints:household_visit_create") in page
    assert reverse("contactpoints:unit_visit_create") not in page
    client.force_login(users.unit_admin)
    page = client.get(reverse("contactpoints:visit_list")).content.decode()
    assert reverse("contactpoints:unit_visit_create") in page
    client.force_login(users.inspector)
    page = client.get(reverse("contactpoints:visit_list")).content.decode()
    assert reverse("contactpoints:household_visit_create") not in page
