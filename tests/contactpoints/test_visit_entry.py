"""The three entry forms: 领导联系点, 单位联系社区 and 入户走访 (several households at once)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from contactpoints.models import Visit
from liaison.models import ClosedYear

DETAILS = {"policy_explained": "宣讲医保政策", "situation_learned": "独居老人多",
           "problems_raised": "楼道灯坏了", "problems_solved": "已联系物业"}


def errors_of(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- 领导联系点 ------------------------------------------------------------------------------


def leader_data(contacts, **overrides):
    data = {"cadre": contacts.leader.pk, "target_org": contacts.tree.community_in.pk,
            "start_date": "2025-06-03", "end_date": "", **DETAILS}
    data.update(overrides)
    return data


def test_the_leader_point_picker_offers_the_leaders_points_first(client, contacts):
    client.force_login(contacts.leader.user)
    form = client.get(reverse("contactpoints:leader_visit_create")).context["form"]
    groups = [group for group, _ in form.fields["target_org"].choices if group]
    assert groups[0] == "我的联系点"
    first_group = list(form.fields["target_org"].choices)[1]
    assert [label for _, label in first_group[1]] == ["东城一社区"]


def test_a_leader_logs_a_visit_to_their_contact_point(client, contacts):
    client.force_login(contacts.leader.user)
    response = client.post(reverse("contactpoints:leader_visit_create"), leader_data(contacts))
    visit = Visit.objects.get(kind="leader_point")
    assert response["Location"] == visit.get_absolute_url()
    assert (visit.cadre, visit.target_org, visit.end_date) == (
        contacts.leader, contacts.tree.community_in, dt.date(2025, 6, 3))
    assert visit.problems_raised == "楼道灯坏了" and visit.entered_by == contacts.leader.user


def test_a_visit_without_an_active_assignment_is_refused(client, contacts):
    client.force_login(contacts.leader.user)
    response = client.post(reverse("contactpoints:leader_visit_create"),
                           leader_data(contacts, start_date="2023-06-01"))
    assert "该日期无有效联系关系" in errors_of(response)
    response = client.post(reverse("contactpoints:leader_visit_create"),
                           leader_data(contacts, target_org=contacts.tree.east.pk))
    assert "该日期无有效联系关系" in errors_of(response)
    assert not Visit.objects.filter(kind="leader_point").exists()


def test_an_overlapping_visit_is_refused(client, contacts):
    client.force_login(contacts.leader.user)
    url = reverse("contactpoints:leader_visit_create")
    client.post(url, leader_data(contacts, start_date="2025-06-03", end_date="2025-06-05"))
    response = client.post(url, leader_data(contacts, start_date="2025-06-05"))
    assert "与已登记的走访（2025-06-03 至 2025-06-05）日期重叠" in errors_of(response)
    assert Visit.objects.filter(kind="leader_point").count() == 1


def test_a_visit_in_the_future_is_refused(client, contacts):
    client.force_login(contacts.leader.user)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(reverse("contactpoints:leader_visit_create"),
                           leader_data(contacts, start_date=tomorrow.isoformat()))
    assert "不能登记未来的活动" in errors_of(response)


def test_a_visit_ending_before_it_starts_is_refused(client, contacts):
    client.force_login(contacts.leader.user)
    response = client.post(reverse("contactpoints:leader_visit_create"),
                           leader_data(contacts, end_date="2025-06-01"))
    assert "结束日期不能早于开始日期" in errors_of(response)


def test_a_visit_in_a_closed_year_is_refused(client, contacts, users):
    ClosedYear.objects.create(year=2025, closed_by=users.org_dept)
    client.force_login(contacts.leader.user)
    response = client.post(reverse("contactpoints:leader_visit_create"), leader_data(contacts))
    assert "2025年已关闭，该年度的记录不能新增、修改或删除" in response.content.decode()
    assert not Visit.objects.filter(kind="leader_point").exists()


# --- 单位联系社区 ----------------------------------------------------------------------------


def unit_data(contacts, **overrides):
    data = {"unit": contacts.tree.unit.pk, "target_org": contacts.tree.community_in.pk,
            "participants": [contacts.unit_cadre.pk], "start_date": "2025-07-01",
            "end_date": "", **DETAILS}
    data.update(overrides)
    return data


def test_a_unit_logs_a_community_visit_with_its_cadres(client, contacts):
    client.force_login(contacts.unit_admin)
    form = client.get(reverse("contactpoints:unit_visit_create"),
                      {"unit": contacts.tree.unit.pk}).context["form"]
    assert contacts.tree.community_in in form.fields["target_org"].queryset
    assert list(form.fields["target_org"].choices)[1][0] == "本单位联系的社区"
    response = client.post(reverse("contactpoints:unit_visit_create"), unit_data(contacts))
    visit = Visit.objects.get(kind="unit_community")
    assert response["Location"] == visit.get_absolute_url()
    assert (visit.unit, visit.target_org, visit.cadre) == (
        contacts.tree.unit, contacts.tree.community_in, None)
    assert list(visit.participants.all()) == [contacts.unit_cadre]


def test_a_unit_visit_needs_the_units_assignment(client, contacts):
    contacts.unit_link.end_date = dt.date(2024, 12, 31)
    contacts.unit_link.save()
    client.force_login(contacts.unit_admin)
    response = client.post(reverse("contactpoints:unit_visit_create"), unit_data(contacts))
    assert "该日期无有效联系关系" in errors_of(response)


def test_cadres_and_inspectors_cannot_log_unit_visits(client, users, contacts):
    for user in (users.cadre, users.inspector):
        client.force_login(user)
        response = client.post(reverse("contactpoints:unit_visit_create"), unit_data(contacts))
        assert response.status_code == 403
    assert not Visit.objects.filter(kind="unit_community").exists()


def test_a_unit_admin_cannot_log_for_another_unit(client, users, contacts):
    client.force_login(users.unit_admin)  # 东城's admin: 区委组织部 is not in their scope
    response = client.post(reverse("contactpoints:unit_visit_create"), unit_data(contacts))
    assert "unit" in response.context["form"].errors
    assert not Visit.objects.filter(kind="unit_community").exists()


# --- 入户走访 -------------------------------------------------------------------------------


def household_data(contacts, households, **overrides):
    data = {"cadre": contacts.tree.cadre_in.pk, "households": [h.pk for h in households],
            "start_date": "2025-08-08", "end_date": "", **DETAILS}
    data.update(overrides)
    return data


def test_the_household_picker_offers_assigned_households_then_the_own_community(
        client, users, contacts):
    client.force_login(users.cadre)
    form = client.get(reverse("contactpoints:household_visit_create")).context["form"]
    groups = {group: [label for _, label in options]
              for group, options in form.fields["households"].choices}
    assert list(groups) == ["联系户（党员联户）", "所在社区的住户"]
    assert [label.split()[0] for label in groups["联系户（党员联户）"]] == ["HH001", "HH010"]
    assert groups["所在社区的住户"] == ["HH011 孙*（东城一社区）"]  # not theirs: name masked
    assert "钱一" in groups["联系户（党员联户）"][1]


def test_a_unit_admin_sees_the_cadres_households_first_and_the_rest_of_the_scope(
        client, users, contacts):
    client.force_login(users.unit_admin)
    form = client.get(reverse("contactpoints:household_visit_create"),
                      {"cadre": contacts.tree.cadre_in.pk}).context["form"]
    groups = {group: [label.split()[0] for _, label in options]
              for group, options in form.fields["households"].choices}
    assert groups == {"联系户（党员联户）": ["HH001", "HH010"], "所在社区的住户": ["HH011"],
                      "其他住户": ["HH012"]}


def test_a_cadre_visits_three_households_in_one_entry(client, users, contacts):
    client.force_login(users.cadre)
    households = [contacts.assigned, contacts.neighbour, contacts.tree.household_in]
    url = reverse("contactpoints:household_visit_create") + "?next=" + reverse("workbench")
    response = client.post(url, household_data(contacts, households, start_date="2025-08-08"))
    assert response["Location"] == reverse("workbench")
    visits = Visit.objects.filter(kind="household", start_date=dt.date(2025, 8, 8))
    assert sorted(v.target_household.code for v in visits) == ["HH001", "HH010", "HH011"]
    assert {(v.cadre, v.end_date, v.problems_raised, v.entered_by) for v in visits} == {
        (contacts.tree.cadre_in, dt.date(2025, 8, 8), "楼道灯坏了", users.cadre)}
    page = client.get(response["Location"]).content.decode()
    assert "已登记入户走访 3 户（2025-08-08）" in page


def test_one_overlapping_household_saves_none_of_the_entry(client, users, contacts):
    client.force_login(users.cadre)
    households = [contacts.assigned, contacts.tree.household_in]  # HH001 visited 2025-05-06
    response = client.post(reverse("contactpoints:household_visit_create"),
                           household_data(contacts, households, start_date="2025-05-06"))
    assert "HH001：与已登记的走访（2025-05-06 至 2025-05-06）日期重叠" in response.content.decode()
    assert not Visit.objects.filter(target_household=contacts.assigned).exists()


def test_a_household_entry_needs_a_household_and_a_past_date(client, users, contacts):
    client.force_login(users.cadre)
    url = reverse("contactpoints:household_visit_create")
    assert "请至少选择一户" in errors_of(client.post(url, household_data(contacts, [])))
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(url, household_data(contacts, [contacts.assigned],
                                               start_date=tomorrow))
    assert "不能登记未来的活动" in response.content.decode()


def test_household_visits_in_a_closed_year_are_refused(client, users, contacts):
    ClosedYear.objects.create(year=2025, closed_by=users.org_dept)
    client.force_login(users.cadre)
    response = client.post(reverse("contactpoints:household_visit_create"),
                           household_data(contacts, [contacts.assigned]))
    assert "2025年已关闭" in response.content.decode()
    assert not Visit.objects.filter(target_household=contacts.assigned).exists()


def test_a_cadre_cannot_log_household_visits_for_another_cadre(client, users, contacts):
    client.force_login(users.cadre)
    client.post(reverse("contactpoints:household_visit_create"),
                household_data(contacts, [contacts.assigned], cadre=contacts.tree.cadre_out.pk))
    visit = Visit.objects.get(target_household=contacts.assigned)
    assert visit.cadre == contacts.tree.cadre_in


def test_a_cadre_cannot_pick_a_household_outside_their_reach(client, users, contacts):
    client.force_login(users.cadre)
    response = client.post(reverse("contactpoints:household_visit_create"),
                           household_data(contacts, [contacts.elsewhere]))
    assert "households" in response.context["form"].errors
    assert not Visit.objects.filter(target_household=contacts.elsewhere).exists()


def test_a_unit_admin_logs_household_visits_for_a_cadre_in_scope(client, users, contacts):
    client.force_login(users.unit_admin)
    response = client.post(reverse("contactpoints:household_visit_create"),
                           household_data(contacts, [contacts.elsewhere]))
    assert response.status_code == 302
    visit = Visit.objects.get(target_household=contacts.elsewhere)
    assert (visit.cadre, visit.entered_by) == (contacts.tree.cadre_in, users.unit_admin)
    response = client.post(reverse("contactpoints:household_visit_create"), household_data(
        contacts, [contacts.neighbour], cadre=contacts.tree.cadre_out.pk))
    assert "cadre" in response.context["form"].errors


def test_inspectors_cannot_log_visits(client, users, contacts):
    client.force_login(users.inspector)
    for name in ("household_visit_create", "leader_visit_create"):
        response = client.post(reverse(f"contactpoints:{name}"),
                               household_data(contacts, [contacts.assigned]))
        assert response.status_code == 403
    assert not Visit.objects.filter(target_household=contacts.assigned).exists()
