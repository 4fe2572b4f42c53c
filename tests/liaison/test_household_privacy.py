"""Households' personal data by need (#15): names, addresses and phones are masked for every
role on every page, list, picker, export and figure; the linked cadre and the community's admin
reveal one household with a logged click (a POST); an export in full needs a reason and is
logged; 纪检监察 reads the log with the reasons."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from contactpoints.forms import HouseholdVisitsForm
from liaison.forms import household_choices, household_label
from liaison.models import ContactAssignment, Household, PersonalDataAccess
from liaison.personal import mask_address, masked_value
from liaison.services import record_save
from supervision import jobs
from supervision.models import ComplianceResult, ComplianceRun
from tests.factories import HouseholdFactory

NAME, ADDRESS, PHONE = "欧阳娜娜", "和平路18号3栋201", "13912345678"
MASKED_NAME, MASKED_ADDRESS, MASKED_PHONE = "欧***", "和平路***", "139****5678"
ROLES = ("cadre", "unit_admin", "org_dept", "inspector", "sysadmin")


@pytest.fixture
def home(tree):
    """东城一社区's household HH001, linked to the cadre 张三 (users.cadre) since 2024."""
    Household.objects.filter(pk=tree.household_in.pk).update(
        head_name=NAME, address=ADDRESS, phone=PHONE)
    tree.household_in.refresh_from_db()
    return tree.household_in


def page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_masked(text: str) -> None:
    assert NAME not in text and ADDRESS not in text and PHONE not in text
    assert MASKED_NAME in text


def test_the_masks():
    assert masked_value(Household, "head_name", NAME) == MASKED_NAME
    assert masked_value(Household, "phone", PHONE) == MASKED_PHONE
    assert mask_address(ADDRESS) == MASKED_ADDRESS
    assert mask_address("东城区幸福小区") == "东城区幸福小区"  # no house number to hide
    assert mask_address("3号楼201") == "***"  # no road to keep
    assert masked_value(Household, "code", "HH001") == "HH001"  # not personal data


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_household_page_masked(client, users, home, role):
    text = page(client, getattr(users, role), reverse("household_detail", args=[home.pk]))
    assert_masked(text)
    assert MASKED_ADDRESS in text and MASKED_PHONE in text
    assert PersonalDataAccess.objects.count() == 0  # nothing was shown, nothing is logged


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_lists_masked(client, users, home, tree, role):
    user = getattr(users, role)
    for url in (reverse("household_list"), reverse("assignment_list"),
                reverse("contactpoints:visit_list")):
        text = page(client, user, url)
        assert NAME not in text, url
        assert MASKED_NAME in text, url


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_visit_and_history_pages_masked(client, users, home, tree, role):
    user = getattr(users, role)
    assert_masked(page(client, user, reverse("contactpoints:visit_detail",
                                              args=[tree.visit_in.pk])))
    if role in ("org_dept", "inspector", "sysadmin"):  # who reads histories
        home.head_name, home.phone = "欧阳菲菲", "13700001111"
        record_save(instance=home, acting_user=users.unit_admin)
        text = page(client, user, reverse("household_history", args=[home.pk]))
        assert "欧阳菲菲" not in text and "13700001111" not in text
        assert "137****1111" in text and MASKED_NAME in text


def test_the_visit_page_links_the_household_for_who_may_reveal_it(client, users, home, tree):
    url = reverse("contactpoints:visit_detail", args=[tree.visit_in.pk])
    link = f'href="{reverse("household_detail", args=[home.pk])}"'
    assert link in page(client, users.cadre, url)
    assert link not in page(client, users.org_dept, url)


def test_the_search_finds_a_name_only_for_who_may_reveal_it(client, users, home):
    url = reverse("household_list")
    assert "HH001" in page(client, users.unit_admin, url, q="娜娜")
    assert "HH001" not in page(client, users.org_dept, url, q="娜娜")
    assert "HH001" in page(client, users.org_dept, url, q="HH001")


@pytest.mark.parametrize("role", ["cadre", "unit_admin"])
def test_the_linked_cadre_and_the_community_admin_reveal_with_one_logged_click(
        client, users, home, role):
    user = getattr(users, role)
    detail = page(client, user, reverse("household_detail", args=[home.pk]))
    reveal = reverse("household_reveal", args=[home.pk])
    assert f'action="{reveal}"' in detail and 'method="post"' in detail
    response = client.post(reveal)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert NAME in text and ADDRESS in text and PHONE in text
    (entry,) = PersonalDataAccess.objects.all()
    assert (entry.user, entry.action, entry.record_type, entry.record_id) == (
        user, "view", "住户", home.pk)
    assert "HH001" in entry.record_label and NAME not in entry.record_label
    # For that response only: the page is masked again on the next visit.
    assert_masked(page(client, user, reverse("household_detail", args=[home.pk])))


def test_a_get_never_reveals(client, users, home):
    client.force_login(users.cadre)
    response = client.get(reverse("household_reveal", args=[home.pk]))
    assert response.status_code == 405
    assert NAME not in response.content.decode()
    assert PersonalDataAccess.objects.count() == 0


@pytest.mark.parametrize("role", ["org_dept", "inspector", "sysadmin", "petitions"])
def test_no_other_role_may_reveal(client, users, home, role):
    client.force_login(getattr(users, role))
    detail = client.get(reverse("household_detail", args=[home.pk]))
    if detail.status_code == 200:
        assert reverse("household_reveal", args=[home.pk]) not in detail.content.decode()
    response = client.post(reverse("household_reveal", args=[home.pk]))
    assert response.status_code == 403 and NAME not in response.content.decode()
    assert PersonalDataAccess.objects.count() == 0


def test_reveals_outside_the_rule_are_refused(client, users, home, tree):
    neighbour = HouseholdFactory(community=tree.community_in, head_name="钱多多")
    client.force_login(users.cadre)
    # A household of the cadre's community they are not linked to, one out of scope, none.
    for pk in (neighbour.pk, tree.household_out.pk, 999999):
        assert client.post(reverse("household_reveal", args=[pk])).status_code == 403
    client.force_login(users.unit_admin)  # 东城's admin: 西城's households are not theirs
    assert client.post(reverse("household_reveal",
                               args=[tree.household_out.pk])).status_code == 403
    assert PersonalDataAccess.objects.count() == 0


def test_a_cadre_whose_link_ended_may_no_longer_reveal(client, users, home, tree):
    ContactAssignment.objects.filter(pk=tree.assignment_in.pk).update(
        end_date=dt.date.today() - dt.timedelta(days=1))
    client.force_login(users.cadre)
    assert client.post(reverse("household_reveal", args=[home.pk])).status_code in (403, 404)


def test_the_edit_form_shows_personal_data_only_to_who_may_reveal_it_and_logs_it(
        client, users, home):
    url = reverse("household_edit", args=[home.pk])
    text = page(client, users.org_dept, url)
    assert NAME not in text and 'name="head_name"' not in text
    assert PersonalDataAccess.objects.count() == 0
    # 组织部 changes what it may see; the name it may not see stays as it was.
    client.post(url, {"code": "HH001", "community": home.community_id, "is_poor": "on"})
    home.refresh_from_db()
    assert home.head_name == NAME and home.is_poor
    text = page(client, users.unit_admin, url)
    assert NAME in text
    assert PersonalDataAccess.objects.get().user == users.unit_admin


def test_pickers_name_only_the_users_own_linked_households(users, home, tree):
    neighbour = HouseholdFactory(community=tree.community_in, head_name="钱多多")
    today = dt.date.today()
    labels = {h.pk: household_label(h)
              for h in household_choices(users.cadre, tree.cadre_in, today)}
    assert NAME in labels[home.pk]  # the cadre's own household, on their own phone
    assert "钱多多" not in labels[neighbour.pk] and "钱**" in labels[neighbour.pk]
    # The unit admin entering the same cadre's visits sees every name masked.
    labels = {h.pk: household_label(h)
              for h in household_choices(users.unit_admin, tree.cadre_in, today)}
    assert NAME not in labels[home.pk] and MASKED_NAME in labels[home.pk]
    form = HouseholdVisitsForm(user=users.unit_admin)
    assert NAME not in str(form["households"])


def test_talks_name_households_masked(client, users, home, tree):
    for role in ("cadre", "org_dept"):
        assert_masked(page(client, getattr(users, role),
                           reverse("talks:talk_detail", args=[tree.talk_in.pk])))


def test_the_figures_name_households_masked(users, home, tree):
    run = ComplianceRun.objects.create(year=2025, as_of=dt.date(2025, 12, 31))
    jobs.compliance_run_execute(run.pk)
    names = set(ComplianceResult.objects.filter(subject_type="household")
                .values_list("subject_name", flat=True))
    assert MASKED_NAME in names and NAME not in names


# --- exports ----------------------------------------------------------------------------------


def cells(response) -> list:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [c.value for row in book.active.iter_rows() for c in row]


@pytest.mark.parametrize("role", ROLES)
def test_the_one_click_export_is_masked_for_everyone_and_not_logged(client, users, home, role):
    client.force_login(getattr(users, role))
    values = cells(client.get(reverse("household_list"), {"export": "xlsx"}))
    assert "HH001" in values and MASKED_NAME in values and MASKED_ADDRESS in values
    assert NAME not in values and ADDRESS not in values
    text = client.get(reverse("household_list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert NAME not in text and MASKED_NAME in text
    assert PersonalDataAccess.objects.count() == 0


def test_an_export_in_full_asks_for_a_reason_first(client, users, home):
    client.force_login(users.unit_admin)
    listing = client.get(reverse("household_list")).content.decode()
    assert "personal=1" in listing
    form = client.get(reverse("household_list"), {"export": "xlsx", "personal": "1"})
    assert form.status_code == 200 and form["Content-Type"].startswith("text/html")
    assert 'name="reason"' in form.content.decode()
    empty = client.post(reverse("household_list") + "?export=xlsx&personal=1", {"reason": " "})
    assert empty.status_code == 400 and "请填写导出事由" in empty.content.decode()
    assert PersonalDataAccess.objects.count() == 0


def test_an_export_with_a_reason_is_in_full_for_the_users_rows_and_logged(
        client, users, home, tree):
    HouseholdFactory(community=tree.community_in, head_name="钱多多", code="HH010")
    client.force_login(users.cadre)  # linked to HH001 only
    response = client.post(reverse("household_list") + "?export=csv&personal=1&q=HH0",
                           {"reason": "入户走访前核对电话"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["HH001"][1] == NAME and by_code["HH001"][3] == ADDRESS
    assert by_code["HH010"][1] == "钱**"  # a neighbour: still masked
    (entry,) = PersonalDataAccess.objects.all()
    assert (entry.user, entry.action, entry.rows, entry.reason) == (
        users.cadre, "export", 1, "入户走访前核对电话")


@pytest.mark.parametrize("role", ["org_dept", "inspector", "sysadmin"])
def test_who_may_reveal_nothing_may_not_export_in_full(client, users, home, role):
    client.force_login(getattr(users, role))
    assert "personal=1" not in client.get(reverse("household_list")).content.decode()
    response = client.post(reverse("household_list") + "?export=xlsx&personal=1",
                           {"reason": "想看看"})
    assert response.status_code == 403
    assert PersonalDataAccess.objects.count() == 0


def test_a_petitions_export_needs_a_reason_and_is_logged(client, users, tree):
    client.force_login(users.petitions)
    url = reverse("petitions:petition_list")
    form = client.get(url, {"export": "xlsx"})
    assert form["Content-Type"].startswith("text/html") and 'name="reason"' in form.content.decode()
    assert client.post(url + "?export=xlsx", {"reason": ""}).status_code == 400
    assert PersonalDataAccess.objects.count() == 0
    response = client.post(url + "?export=xlsx", {"reason": "季度信访统计上报"})
    assert "钱某某" in cells(response)
    entry = PersonalDataAccess.objects.get()
    assert (entry.action, entry.reason, entry.rows) == ("export", "季度信访统计上报", 1)


def test_the_inspector_reads_the_log_with_the_reasons(client, users, home):
    client.force_login(users.unit_admin)
    client.post(reverse("household_reveal", args=[home.pk]))
    client.post(reverse("household_list") + "?export=xlsx&personal=1", {"reason": "年度核查"})
    text = page(client, users.inspector, reverse("personal_data_access_list"))
    assert "事由" in text and "年度核查" in text and "dwgly" in text and "HH001" in text
    assert NAME not in text
    client.force_login(users.unit_admin)
    assert client.get(reverse("personal_data_access_list")).status_code == 403


def test_a_masked_export_imported_back_changes_nothing(client, users, home):
    from liaison.imports import import_file

    client.force_login(users.org_dept)
    content = client.get(reverse("household_list"), {"export": "xlsx"}).content
    outcome = import_file(kind="households", filename="h.xlsx", content=content)
    assert outcome.ok and outcome.unchanged == 1
    home.refresh_from_db()
    assert (home.head_name, home.address) == (NAME, ADDRESS)
