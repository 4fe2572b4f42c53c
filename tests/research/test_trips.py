"""Research trips: list, detail, create, edit, delete, history."""

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone

from liaison.imports import import_file
from liaison.models import ClosedYear
from research.models import ResearchTrip
from tests.factories import ResearchTripFactory


def trip_data(tree, **overrides):
    data = {"cadre": tree.cadre_in.pk, "start_date": "2025-06-02", "end_date": "",
            "places": [tree.community_in.pk], "place_type": "courtyard",
            "title": "老旧小区改造调研", "topic": "", "findings": "楼道照明不足",
            "problems": "", "actions": ""}
    data.update(overrides)
    return data


def form_errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_a_cadre_logs_a_trip_for_themselves(client, users, tree):
    client.force_login(users.cadre)
    response = client.post(reverse("research:trip_create"), trip_data(tree))
    trip = ResearchTrip.objects.get(title="老旧小区改造调研")
    assert response.status_code == 302 and response["Location"] == trip.get_absolute_url()
    assert trip.cadre == tree.cadre_in and trip.entered_by == users.cadre
    assert list(trip.places.all()) == [tree.community_in]


def test_an_empty_end_date_means_the_same_day(client, users, tree):
    client.force_login(users.cadre)
    client.post(reverse("research:trip_create"), trip_data(tree))
    trip = ResearchTrip.objects.get(title="老旧小区改造调研")
    assert trip.end_date == trip.start_date == dt.date(2025, 6, 2)


def test_a_cadre_cannot_log_a_trip_for_another_cadre(client, users, tree):
    client.force_login(users.cadre)
    client.post(reverse("research:trip_create"), trip_data(tree, cadre=tree.cadre_out.pk))
    trip = ResearchTrip.objects.get(title="老旧小区改造调研")
    assert trip.cadre == tree.cadre_in  # the posted cadre is ignored: the field is fixed


def test_the_cadre_field_is_fixed_for_a_cadre(client, users, tree):
    client.force_login(users.cadre)
    form = client.get(reverse("research:trip_create")).context["form"]
    assert form.fields["cadre"].disabled
    assert list(form.fields["cadre"].queryset) == [tree.cadre_in]


def test_a_unit_admin_logs_a_trip_for_a_cadre_in_scope(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(reverse("research:trip_create"), trip_data(tree))
    assert response.status_code == 302
    trip = ResearchTrip.objects.get(title="老旧小区改造调研")
    assert (trip.cadre, trip.entered_by) == (tree.cadre_in, users.unit_admin)


def test_a_unit_admin_cannot_log_a_trip_for_a_cadre_outside_scope(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(reverse("research:trip_create"),
                           trip_data(tree, cadre=tree.cadre_out.pk))
    assert response.status_code == 200 and "cadre" in response.context["form"].errors
    assert not ResearchTrip.objects.filter(title="老旧小区改造调研").exists()


def test_it_rejects_a_trip_in_the_future(client, users, tree):
    client.force_login(users.cadre)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(reverse("research:trip_create"),
                           trip_data(tree, start_date=tomorrow.isoformat()))
    assert "不能登记未来的活动" in form_errors(response)
    assert not ResearchTrip.objects.filter(title="老旧小区改造调研").exists()


def test_it_rejects_an_end_before_the_start(client, users, tree):
    client.force_login(users.cadre)
    response = client.post(reverse("research:trip_create"),
                           trip_data(tree, end_date="2025-06-01"))
    assert "结束日期不能早于开始日期" in form_errors(response)


def test_it_rejects_a_41_day_trip(client, users, tree):
    client.force_login(users.cadre)
    response = client.post(reverse("research:trip_create"),
                           trip_data(tree, start_date="2025-06-01", end_date="2025-07-11"))
    assert "最多在开始日期后 31 天（本条为 40 天）" in form_errors(response)
    assert not ResearchTrip.objects.filter(title="老旧小区改造调研").exists()


def test_it_rejects_a_trip_in_a_closed_year(client, users, tree):
    ClosedYear.objects.create(year=2025, closed_by=users.org_dept)
    client.force_login(users.cadre)
    response = client.post(reverse("research:trip_create"), trip_data(tree))
    assert "2025年已关闭，该年度的记录不能新增、修改或删除" in response.content.decode()
    assert not ResearchTrip.objects.filter(title="老旧小区改造调研").exists()


def test_it_rejects_a_trip_without_a_place(client, users, tree):
    client.force_login(users.cadre)
    response = client.post(reverse("research:trip_create"), trip_data(tree, places=[]))
    assert "至少选择一个调研地点" in form_errors(response)


def test_a_cadre_researches_anywhere_in_the_district_but_not_at_the_district_itself(
        client, users, tree):
    client.force_login(users.cadre)
    response = client.post(reverse("research:trip_create"),
                           trip_data(tree, places=[tree.community_out.pk]))
    assert response.status_code == 302
    assert ResearchTrip.objects.filter(trip_places__organization=tree.community_out,
                                       cadre=tree.cadre_in).exists()
    response = client.post(reverse("research:trip_create"),
                           trip_data(tree, places=[tree.district.pk], title="区级"))
    assert "places" in response.context["form"].errors


def test_editing_replaces_the_places(client, users, tree):
    client.force_login(users.unit_admin)
    form = client.get(reverse("research:trip_edit", args=[tree.trip_in.pk])).context["form"]
    assert form.initial["places"] == [tree.community_in.pk]
    response = client.post(reverse("research:trip_edit", args=[tree.trip_in.pk]), trip_data(
        tree, start_date="2025-03-10", places=[tree.east.pk], title="改了主题"))
    assert response.status_code == 302
    tree.trip_in.refresh_from_db()
    assert tree.trip_in.title == "改了主题"
    assert list(tree.trip_in.places.all()) == [tree.east]


def test_a_cadre_cannot_edit_another_cadres_trip(client, users, tree):
    client.force_login(users.cadre)
    response = client.post(reverse("research:trip_edit", args=[tree.trip_out.pk]),
                           trip_data(tree, title="篡改"))
    assert response.status_code == 404
    assert not ResearchTrip.objects.filter(title="篡改").exists()


def test_an_inspector_reads_but_cannot_change_a_trip(client, users, tree):
    client.force_login(users.inspector)
    page = client.get(reverse("research:trip_detail", args=[tree.trip_in.pk]))
    assert page.status_code == 200 and not page.context["can_edit"]
    response = client.post(reverse("research:trip_edit", args=[tree.trip_in.pk]),
                           trip_data(tree, title="篡改"))
    assert response.status_code == 403
    assert client.post(reverse("research:trip_delete", args=[tree.trip_in.pk])).status_code == 403
    assert ResearchTrip.objects.filter(pk=tree.trip_in.pk, title=tree.trip_in.title).exists()


def test_the_detail_shows_places_and_who_entered_it_for_whom(client, users, tree):
    tree.trip_in.entered_by = users.unit_admin
    tree.trip_in.save()
    client.force_login(users.cadre)
    page = client.get(reverse("research:trip_detail", args=[tree.trip_in.pk])).content.decode()
    assert "东城一社区" in page
    assert "dwgly 于" in page and "为 张三 录入" in page
    assert "修改记录" not in page  # history is for 组织部 and 纪检监察
    client.force_login(users.inspector)
    page = client.get(reverse("research:trip_detail", args=[tree.trip_in.pk])).content.decode()
    assert reverse("research:trip_history", args=[tree.trip_in.pk]) in page


def test_the_list_filters_by_unit_cadre_dates_place_type_and_topic(client, users, tree):
    ResearchTripFactory(cadre=tree.cadre_in, start_date=dt.date(2025, 8, 1),
                        place_type="school", title="学校食堂调研", places=[tree.community_in])
    client.force_login(users.org_dept)
    url = reverse("research:trip_list")

    def titles(**params):
        return sorted(obj.title for obj, _ in client.get(url, params).context["rows"])

    assert titles() == sorted([tree.trip_in.title, "学校食堂调研"])  # 西城's trip is out of scope
    assert titles(unit=tree.east.pk) == sorted([tree.trip_in.title, "学校食堂调研"])
    assert titles(cadre=tree.cadre_in.pk, place_type="school") == ["学校食堂调研"]
    assert titles(date_from="2025-07-01") == ["学校食堂调研"]
    assert titles(date_to="2025-07-01") == [tree.trip_in.title]
    assert titles(topic=tree.topic_in.pk) == [tree.trip_in.title]
    assert titles(q="食堂") == ["学校食堂调研"]


def test_a_cadre_lists_only_their_own_trips(client, users, tree):
    client.force_login(users.cadre)
    rows = client.get(reverse("research:trip_list")).context["rows"]
    assert [obj for obj, _ in rows] == [tree.trip_in]


def test_the_list_paginates(client, users, tree):
    for i in range(55):
        ResearchTripFactory(cadre=tree.cadre_in, title=f"批量{i}", places=[tree.community_in])
    client.force_login(users.cadre)
    page = client.get(reverse("research:trip_list"))
    assert page.context["page"].paginator.count == 56 and len(page.context["rows"]) == 50
    assert len(client.get(reverse("research:trip_list"), {"page": 2}).context["rows"]) == 6


def test_the_list_query_count_does_not_grow_with_the_data(client, users, tree,
                                                          django_assert_max_num_queries):
    client.force_login(users.org_dept)
    client.get(reverse("research:trip_list"))
    for i in range(20):
        ResearchTripFactory(cadre=tree.cadre_in, title=f"批量{i}", places=[tree.community_in])
    with django_assert_max_num_queries(15):
        client.get(reverse("research:trip_list"))
    with django_assert_max_num_queries(15):
        client.get(reverse("research:trip_list"), {"export": "csv"})


def test_an_export_reimports_unchanged(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("research:trip_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    outcome = import_file(kind="research_trips", filename="t.xlsx", content=response.content)
    assert (outcome.ok, outcome.unchanged, outcome.new) == (True, 1, 0), outcome.errors
    csv_text = client.get(reverse("research:trip_list"), {"export": "csv"}).content
    assert csv_text.decode("utf-8-sig").startswith("干部编码,开始日期,结束日期,调研地点编码")
    assert "SQ0101" in io.StringIO(csv_text.decode("utf-8-sig")).read()


def test_a_trip_in_a_closed_year_cannot_be_deleted(client, users, tree):
    ClosedYear.objects.create(year=2025, closed_by=users.org_dept)
    client.force_login(users.cadre)
    response = client.post(reverse("research:trip_delete", args=[tree.trip_in.pk]), follow=True)
    assert "2025年已关闭" in response.content.decode()
    assert ResearchTrip.objects.filter(pk=tree.trip_in.pk).exists()


def test_the_history_shows_who_changed_what(client, users, tree):
    client.force_login(users.unit_admin)
    client.post(reverse("research:trip_edit", args=[tree.trip_in.pk]), trip_data(
        tree, start_date="2025-03-10", title="改了主题"))
    client.force_login(users.org_dept)
    page = client.get(reverse("research:trip_history", args=[tree.trip_in.pk])).content.decode()
    assert "调研主题" in page and "改了主题" in page and "dwgly" in page
