"""The inspectors' list of plausibility flags (可信度提示): read through their scope, filtered,
drilled down to the records, exported; recomputed nightly and on demand; counted on the cadre
report for inspectors only."""

import io

import pytest
from django.urls import reverse

from liaison.navigation import menu_for
from supervision import jobs
from supervision.models import FlagRun, PlausibilityFlag
from supervision.tasks import nightly_plausibility

LIST = reverse("supervision:flag_list")


@pytest.fixture
def office_flag(tree):
    """A second flag in 东城's scope: another rule, no cadre, kept with the sub-district."""
    return PlausibilityFlag.objects.create(
        run=tree.flag_run, rule="same_file", content_type=tree.flag_in.content_type,
        object_id=tree.trip_in.pk, org_path=tree.east.path, organization=tree.east,
        detail="办事处的提示")


def page(client, url=LIST, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_inspectors_see_the_flags_in_their_scope_with_the_rules_in_words(client, users, tree):
    client.force_login(users.inspector)
    html = page(client)
    assert "东城的提示" in html and "西城的提示" not in html
    assert "提示不等于结论" in html
    assert "超过 30 天才录入系统" in html  # the rule in plain words, with its threshold
    assert "同一天登记的入户走访超过 8 户" in html


@pytest.mark.parametrize("role, status", [("inspector", 200), ("org_dept", 200),
                                          ("sysadmin", 200), ("unit_admin", 403),
                                          ("cadre", 403), ("petitions", 403)])
def test_only_inspectors_open_the_flags(client, users, tree, role, status):
    client.force_login(getattr(users, role))
    assert client.get(LIST).status_code == status
    assert client.get(reverse("supervision:flag_detail", args=[tree.flag_in.pk])).status_code \
        == status


def test_the_list_filters_by_rule(client, users, tree, office_flag):
    client.force_login(users.inspector)
    html = page(client, rule="backdated")
    assert "东城的提示" in html and "办事处的提示" not in html
    html = page(client, rule="same_file")
    assert "办事处的提示" in html and "东城的提示" not in html


def test_the_list_filters_by_unit_subtree(client, users, tree, office_flag):
    client.force_login(users.inspector)
    html = page(client, unit=tree.community_in.pk)
    assert "东城的提示" in html and "办事处的提示" not in html
    html = page(client, unit=tree.east.pk)
    assert "东城的提示" in html and "办事处的提示" in html
    # A unit outside the scope is not offered: nothing outside the scope is shown.
    html = page(client, unit=tree.community_out.pk)
    assert "西城的提示" not in html


def test_the_list_filters_by_cadre(client, users, tree, office_flag):
    client.force_login(users.inspector)
    html = page(client, cadre=tree.cadre_in.pk)
    assert "东城的提示" in html and "办事处的提示" not in html
    assert "西城的提示" not in page(client, cadre=tree.cadre_out.pk)


def test_a_flag_drills_down_to_its_record(client, users, tree):
    client.force_login(users.inspector)
    html = page(client, reverse("supervision:flag_detail", args=[tree.flag_in.pk]))
    assert tree.trip_in.get_absolute_url() in html
    assert "提示不等于结论" in html and "超过 30 天才录入系统" in html
    assert "东城的提示" in html and tree.cadre_in.name in html and "调研" in html
    # ... and the record opens for the inspector.
    assert client.get(tree.trip_in.get_absolute_url()).status_code == 200


def test_a_flag_outside_the_scope_is_not_found(client, users, tree):
    for role in ("inspector", "org_dept"):
        client.force_login(getattr(users, role))
        url = reverse("supervision:flag_detail", args=[tree.flag_out.pk])
        assert client.get(url).status_code == 404


def test_a_flag_whose_record_was_deleted_says_so(client, users, tree):
    PlausibilityFlag.objects.filter(pk=tree.flag_in.pk).update(object_id=999999)
    client.force_login(users.inspector)
    html = page(client, reverse("supervision:flag_detail", args=[tree.flag_in.pk]))
    assert "已不存在" in html


def test_the_flags_export_to_excel_within_the_scope(client, users, tree, office_flag):
    import openpyxl

    client.force_login(users.inspector)
    response = client.get(LIST, {"export": "xlsx", "rule": "backdated"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["规则", "记录类型", "记录ID"]
    assert len(rows) == 2
    assert rows[1][0] == "事后补录" and rows[1][1] == "调研" and str(rows[1][2]) == str(tree.trip_in.pk)
    assert "东城的提示" in rows[1] and "提示不等于结论" in rows[1]


def test_an_inspector_recomputes_the_flags_in_the_background(
        client, users, tree, settings, django_capture_on_commit_callbacks):
    settings.PLAUSIBILITY = {"WINDOW_DAYS": 36500}
    client.force_login(users.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:flag_run"))
    assert response.status_code == 302 and response["Location"] == LIST
    run = FlagRun.objects.exclude(pk=tree.flag_run.pk).get()
    assert run.status == FlagRun.Status.DONE, run.error
    assert run.requested_by == users.inspector
    # The run replaced every flag: the fixture's are gone, the tree's records (dated 2025,
    # entered today) are flagged as entered late.
    flags = PlausibilityFlag.objects.all()
    assert not flags.filter(run=tree.flag_run).exists()
    assert flags.count() == run.flag_count > 0
    trip = flags.get(rule="backdated", object_id=tree.trip_in.pk,
                     content_type=tree.flag_in.content_type)
    assert (trip.cadre, trip.organization, trip.org_path) == (
        tree.cadre_in, tree.community_in, tree.community_in.path)
    html = page(client)
    assert "系统每晚自动重新计算" in html and tree.trip_in.title not in html


def test_other_roles_cannot_recompute(client, users, tree):
    for role in ("unit_admin", "cadre", "petitions"):
        client.force_login(getattr(users, role))
        assert client.post(reverse("supervision:flag_run")).status_code == 403
    assert FlagRun.objects.count() == 1


def test_a_failed_run_keeps_the_previous_flags(client, users, tree, monkeypatch):
    def broken(scan):
        raise RuntimeError("规则出错")

    monkeypatch.setattr("liaison.plausibility.run_rules", broken)
    run = jobs.flag_run_create()
    with pytest.raises(RuntimeError):
        jobs.flag_run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == FlagRun.Status.FAILED and "规则出错" in run.error
    assert set(PlausibilityFlag.objects.values_list("pk", flat=True)) == {
        tree.flag_in.pk, tree.flag_out.pk}
    client.force_login(users.inspector)
    html = page(client)
    assert "失败：规则出错" in html and "东城的提示" in html


def test_the_nightly_task_is_scheduled_and_recomputes(tree, settings,
                                                      django_capture_on_commit_callbacks):
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-plausibility"]
    assert entry["task"] == "supervision.tasks.nightly_plausibility"
    assert nightly_plausibility.name == entry["task"]
    with django_capture_on_commit_callbacks(execute=True):
        pk = nightly_plausibility()
    run = FlagRun.objects.get(pk=pk)
    assert run.status == FlagRun.Status.DONE and run.requested_by is None
    assert run.who == "系统定时任务"


def test_the_menu_lists_the_flags_under_supervision_for_inspectors_only(users):
    def entries(user):
        return {item.url_name: group for group, items in menu_for(user) for item in items}

    assert entries(users.inspector)["supervision:flag_list"] == "督查"
    assert entries(users.org_dept)["supervision:flag_list"] == "督查"
    for role in ("unit_admin", "cadre", "petitions"):
        assert "supervision:flag_list" not in entries(getattr(users, role))


@pytest.mark.parametrize("role", ["inspector", "org_dept"])
def test_inspectors_see_a_cadres_flag_count_on_the_cadre_report(client, users, tree, role):
    client.force_login(getattr(users, role))
    html = page(client, reverse("supervision:cadre_report", args=[tree.cadre_in.pk]))
    assert "可信度提示" in html
    assert f'{LIST}?cadre={tree.cadre_in.pk}">1 条' in html


@pytest.mark.parametrize("role", ["unit_admin", "cadre"])
def test_other_roles_do_not_see_flags_on_the_cadre_report(client, users, tree, role):
    client.force_login(getattr(users, role))
    html = page(client, reverse("supervision:cadre_report", args=[tree.cadre_in.pk]))
    assert tree.cadre_in.name in html
    assert "可信度提示" not in html and LIST not in html


def test_the_list_reads_a_fixed_number_of_queries(client, users, tree,
                                                   django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users.inspector)
    page(client)
    with CaptureQueriesContext(connection) as few:
        page(client)
    for n in range(20):
        PlausibilityFlag.objects.create(
            run=tree.flag_run, rule="busy_day", content_type=tree.flag_in.content_type,
            object_id=tree.trip_in.pk, cadre=tree.cadre_in, org_path=tree.community_in.path,
            organization=tree.community_in, detail=f"提示{n}")
    with django_assert_max_num_queries(len(few)):
        html = page(client)
    assert "提示19" in html


def test_an_older_run_finishing_after_a_newer_one_steps_aside(tree, settings):
    settings.PLAUSIBILITY = {"WINDOW_DAYS": 36500}
    older, newer = jobs.flag_run_create(), jobs.flag_run_create()
    jobs.flag_run_execute(newer.pk)
    kept = set(PlausibilityFlag.objects.values_list("pk", flat=True))
    assert kept
    older = jobs.flag_run_execute(older.pk)
    assert older.status == FlagRun.Status.SUPERSEDED
    assert set(PlausibilityFlag.objects.values_list("pk", flat=True)) == kept
    assert PlausibilityFlag.objects.filter(run=newer).count() == len(kept)
