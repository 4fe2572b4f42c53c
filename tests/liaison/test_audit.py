"""Every create, update and delete records who, when, and the values before and after."""

from django.urls import reverse

from liaison.audit import history_models
from liaison.imports import import_file
from liaison.models import Household, Organization


def test_a_web_edit_is_recorded_with_its_user_and_values(client, users, tree):
    client.force_login(users.unit_admin)
    household = tree.household_in
    response = client.post(reverse("household_edit", args=[household.pk]), {
        "code": household.code, "head_name": "新户主", "community": tree.community_in.pk,
        "address": "新地址", "phone": "", "is_poor": "on"})
    assert response.status_code == 302
    last = household.history.first()
    assert last.history_type == "~"
    assert last.history_user == users.unit_admin
    delta = last.diff_against(last.prev_record)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["head_name"] == (household.head_name, "新户主")


def test_a_delete_is_recorded(client, users, tree):
    client.force_login(users.org_dept)
    pk = tree.assignment_in.pk
    client.post(reverse("assignment_delete", args=[pk]))
    record = tree.assignment_in.history.model.objects.filter(id=pk).first()
    assert record.history_type == "-"
    assert record.history_user == users.org_dept


def test_imports_are_audited_with_the_importing_user(users, tree):
    text = "住户编码,户主姓名,社区编码,地址,贫困户\nHH777,王大爷,SQ0101,,是\n"
    outcome = import_file(kind="households", filename="h.csv", content=text.encode(),
                          acting_user=users.unit_admin)
    assert outcome.ok, outcome.errors
    record = Household.history.get(code="HH777")
    assert (record.history_type, record.history_user) == ("+", users.unit_admin)


def test_org_dept_and_inspectors_read_an_objects_history(client, users, tree):
    tree.community_in.name = "东城第一社区"
    tree.community_in._history_user = users.org_dept
    tree.community_in.save()
    for user in (users.org_dept, users.inspector):
        client.force_login(user)
        page = client.get(reverse("organization_history", args=[tree.community_in.pk]))
        text = page.content.decode()
        assert "东城一社区 → 东城第一社区" in text
        assert users.org_dept.username in text


def test_cadres_cannot_read_history(client, users, tree):
    client.force_login(users.cadre)
    assert client.get(reverse("organization_history",
                              args=[tree.community_in.pk])).status_code == 403


def test_a_unit_admins_import_cannot_write_outside_its_scope(users, tree):
    text = "住户编码,户主姓名,社区编码,地址,贫困户\nHH778,王大爷,SQ0201,,是\n"
    outcome = import_file(kind="households", filename="h.csv", content=text.encode(),
                          acting_user=users.unit_admin)
    assert outcome.errors == ["第2行: 该记录超出您的管理范围"]
    assert not Household.objects.filter(code="HH778").exists()
    assert Organization.objects.count() == 6


def test_opening_a_cadres_login_is_in_the_account_history(client, users, tree):
    from liaison.models import User
    from tests.factories import PositionFactory

    client.force_login(users.org_dept)
    newcomer = PositionFactory(organization=tree.community_in).cadre
    client.post(reverse("cadre_logins"), {"cadres": [newcomer.pk]})
    user = User.objects.get(username=newcomer.code.lower())
    (opened,) = user.history.all()
    assert (opened.history_type, opened.history_user) == ("+", users.org_dept)
    assert not hasattr(opened, "password")  # the hash never goes into the history
    grant = user.role_grants.get()
    assert grant.history.get().history_user == users.org_dept


def test_a_command_line_import_names_the_os_user_and_the_command(tmp_path, tree):
    import getpass
    import io

    from django.core.management import call_command

    path = tmp_path / "h.csv"
    path.write_text("住户编码,户主姓名,社区编码,地址,贫困户\nHH700,孙大娘,SQ0101,,否\n")
    call_command("import_data", "households", str(path), stdout=io.StringIO())
    record = Household.objects.get(code="HH700").history.get()
    assert record.history_user is None
    assert getpass.getuser() in record.history_change_reason
    assert "import_data households h.csv" in record.history_change_reason


def test_the_history_page_names_the_command_line_import(client, users, tmp_path, tree):
    import io

    from django.core.management import call_command

    path = tmp_path / "h.csv"
    path.write_text("住户编码,户主姓名,社区编码,地址,贫困户\nHH701,孙大娘,SQ0101,,否\n")
    call_command("import_data", "households", str(path), stdout=io.StringIO())
    client.force_login(users.org_dept)
    household = Household.objects.get(code="HH701")
    page = client.get(reverse("household_history", args=[household.pk])).content.decode()
    assert "命令行导入（操作系统用户" in page



def test_history_tables_index_only_what_is_read_of_them():
    """A history table is read by record (its id), by date, by acting user and, for a list's
    history, by history row; each further index was paid by every write and read by nothing."""
    read_by = {"id", "history_date", "history_user", "history"}
    tables = history_models()
    indexed = {f"{model._meta.label}.{f.name}" for model in tables
               for f in model._meta.concrete_fields
               if (f.db_index or f.unique) and not f.primary_key and f.name not in read_by}
    assert indexed == set()
    assert all(model._meta.get_field("id").db_index for model in tables)
    assert "talks.HistoricalTalk_cadres" in {model._meta.label for model in tables}
