"""我的工作台: the cadre's own records this year, one-tap entry and progress on the quotas."""

import datetime as dt

from django.urls import reverse

from liaison import workbench
from tests.factories import ResearchReportFactory, ResearchTripFactory, VisitFactory


def test_a_cadre_sees_this_years_own_records(client, users, tree):
    ResearchTripFactory(cadre=tree.cadre_out, title="别人的调研", places=[tree.community_out])
    ResearchTripFactory(cadre=tree.cadre_in, title="去年的调研", start_date=dt.date(2024, 5, 1),
                        places=[tree.community_in])
    ResearchReportFactory(cadre=tree.cadre_in, title="本年报告二")
    client.force_login(users.cadre)
    page = client.get(reverse("workbench"), {"year": 2025}).content.decode()
    assert tree.trip_in.title in page and "去年的调研" not in page and "别人的调研" not in page
    assert "2025年我的调研（1 次）" in page
    assert "2025年我的调研报告（2 篇）" in page and "本年报告二" in page
    assert "2025年我的走访（1 次）" in page and "入户走访：HH001" in page


def test_the_workbench_offers_one_tap_entry_back_to_itself(client, users, tree):
    client.force_login(users.cadre)
    actions = dict(client.get(reverse("workbench")).context["actions"])
    back = "?next=" + reverse("workbench")
    assert actions["登记调研"] == reverse("research:trip_create") + back
    assert actions["登记入户走访"] == reverse("contactpoints:household_visit_create") + back
    assert "登记联系点走访" not in actions  # 张三 has no contact point


def test_the_workbench_shows_progress_against_the_quotas(client, users, tree):
    VisitFactory(cadre=tree.cadre_in, target_household=tree.household_in,
                 start_date=dt.date(2025, 6, 1))
    client.force_login(users.cadre)
    response = client.get(reverse("workbench"), {"year": 2025})
    progress = {p["label"]: p for p in response.context["progress"]}
    visits = progress["入户次数"]
    assert (visits["target"], visits["actual"], visits["status"]) == (6, 2, "not_met")
    assert visits["status_label"] == "未完成" and visits["percent"] == 33
    assert "已完成 2次 / 全年要求 6次" in response.content.decode()


def test_a_bad_year_falls_back_to_this_year(client, users, tree):
    client.force_login(users.cadre)
    this_year = client.get(reverse("workbench")).context["year"]
    assert client.get(reverse("workbench"), {"year": "abc"}).context["year"] == this_year
    assert client.get(reverse("workbench"), {"year": this_year + 1}).context["year"] == this_year


def test_a_user_without_a_cadre_profile_is_told_so(client, users):
    client.force_login(users.sysadmin)
    assert "尚未关联干部档案" in client.get(reverse("workbench")).content.decode()


def test_only_cadres_have_a_workbench(client, users):
    for user in (users.unit_admin, users.org_dept, users.inspector):
        client.force_login(user)
        assert client.get(reverse("workbench")).status_code == 403
    client.force_login(users.cadre)
    assert "我的工作台" in client.get(reverse("home")).content.decode()  # in the menu


def test_panels_register_by_name_and_render_in_order(monkeypatch):
    monkeypatch.setattr(workbench, "PANELS", {})
    workbench.register_panel(workbench.Panel("b", "b.html", lambda r, c, y: {"n": 2}, order=2))
    workbench.register_panel(workbench.Panel("a", "a.html", lambda r, c, y: {"n": 1}, order=1,
                                             actions=lambda r, c: [("新建", "/a/")]))
    workbench.register_panel(workbench.Panel("b", "b.html", lambda r, c, y: {"n": 3}, order=2))
    parts = workbench.workbench_context(None, None, 2025)
    assert parts["actions"] == [("新建", "/a/")]
    assert [(p.name, ctx["n"]) for p, ctx in parts["panels"]] == [("a", 1), ("b", 3)]


def test_the_core_does_not_import_the_domain_apps():
    import ast
    from pathlib import Path

    core = Path(__file__).resolve().parents[2] / "liaison"
    for module in ("workbench.py", "attachments.py", "views.py", "forms.py", "filters.py"):
        tree = ast.parse((core / module).read_text())
        imported = {n.module.split(".")[0] for n in ast.walk(tree)
                    if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                     for a in n.names}
        assert not imported & {"research", "contactpoints", "supervision"}, module
