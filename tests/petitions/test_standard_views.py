"""The standard pages of cases and reception days (tests/viewtests), for the petitions office."""

import datetime as dt

from django.urls import reverse

from liaison.models import Category
from petitions.models import Petition, ReceptionDay
from tests.factories import PositionFactory
from tests.viewtests import (
    CreateViewTests,
    DeleteViewTests,
    DetailViewTests,
    EditViewTests,
    HistoryViewTests,
    ImportViewTests,
    ListViewTests,
    StandardViewTests,
)


class TestPetitionViews(StandardViewTests, ImportViewTests):
    export_reason = "季度信访统计"  # the export holds identities: a reason first (#15)
    model = Petition
    url_name = "petitions:petition"
    in_scope, out_of_scope = "petition_in", "petition_out"
    worker = "petitions"
    historian = "petitions"
    edit_changes = {"summary": "东城一社区供暖不热"}
    import_kind = "petitions"

    def form_data(self, tree):
        return {"code": "XF-NEW", "received_on": "2025-06-02", "channel": "visit", "people": 1,
                "reception": "", "petitioner_name": "周某", "petitioner_phone": "",
                "petitioner_id_number": "", "summary": "路灯不亮", "category": "城建",
                "handling_unit": tree.community_in.pk, "responsible": tree.cadre_in.pk,
                "leader": "", "decision": "", "decided_on": "", "decision_note": "",
                "extension_days": "", "extension_approver": "", "extension_reason": "",
                "extension_granted_on": "", "replied_on": "", "satisfaction": "",
                "satisfaction_on": "", "review_requested_on": "", "review_decided_on": "",
                "re_review_requested_on": "", "re_review_decided_on": "",
                "accused_cadres": [], "accused_units": []}

    def import_rows(self, tree):
        return [{"信访编号": "XF-IMP", "登记日期": "2025-06-02", "来源渠道": "来访",
                 "信访人姓名": "吴某", "事项摘要": "噪音", "承办单位编码": "SQ0101",
                 "责任人编码": "GB001"}]

    def import_row_out_of_scope(self, tree):
        return {"信访编号": "XF-IMP2", "登记日期": "2025-06-02", "来源渠道": "来访",
                "信访人姓名": "郑某", "事项摘要": "噪音", "承办单位编码": "SQ0201",
                "责任人编码": "GB002"}


class TestReceptionViews(ListViewTests, DetailViewTests, CreateViewTests, EditViewTests,
                         DeleteViewTests, HistoryViewTests):
    model = ReceptionDay
    url_name = "petitions:reception"
    in_scope, out_of_scope = "reception_in", "reception_out"
    worker = "petitions"
    historian = "org_dept"
    edit_changes = {"place": "区信访局接待大厅"}

    def form_data(self, tree):
        host = PositionFactory(organization=tree.east, category=Category.DISTRICT_LEADER,
                               start_date=dt.date(2020, 1, 1)).cadre
        return {"date": "2025-06-04", "host": host.pk, "substitute": "",
                "received_by": host.pk, "mode": "fixed", "place": "", "notes": ""}

    # The rota is published to every role: "out of scope" does not apply to reading it.
    def test_the_list_shows_records_in_scope_only(self, client, users, tree):
        self.login(client, users)
        listed = {o.pk for o in client.get(self.url("list")).context["page"].object_list}
        assert {tree.reception_in.pk, tree.reception_out.pk} <= listed

    def test_the_detail_opens_in_scope_and_is_404_out_of_scope(self, client, users, tree):
        self.login(client, users, "cadre")
        assert client.get(self.url("detail", tree.reception_out)).status_code == 200

    def test_the_history_opens_in_scope_and_is_404_out_of_scope(self, client, users, tree):
        self.login(client, users, self.historian)
        assert client.get(self.url("history", tree.reception_in)).status_code == 200


def test_identities_are_masked_except_for_the_office_and_the_responsible(client, users, tree):
    url = reverse("petitions:petition_detail", args=[tree.petition_in.pk])
    client.force_login(users.petitions)
    assert "钱某某" in client.get(url).content.decode()
    client.force_login(users.cadre)  # GB001 is the responsible person of XF-IN
    assert "13800001111" in client.get(url).content.decode()
    client.force_login(users.org_dept)
    page = client.get(url).content.decode()
    assert "钱某某" not in page and "钱**" in page and "138****1111" in page
    listed = client.get(reverse("petitions:petition_list")).content.decode()
    assert "钱**" in listed and "钱某某" not in listed


def test_only_the_office_exports_identities(client, users, tree):
    client.force_login(users.org_dept)
    assert client.get(reverse("petitions:petition_list"), {"export": "csv"}).status_code == 403


def test_the_list_marks_overdue_cases_in_words_and_filters_them(client, users, tree):
    client.force_login(users.petitions)
    page = client.get(reverse("petitions:petition_list"), {"due": "overdue"})
    assert [o.code for o in page.context["page"].object_list] == ["XF-IN"]
    assert "已逾期" in page.content.decode()
    none = client.get(reverse("petitions:petition_list"), {"stage": "replied"})
    assert list(none.context["page"].object_list) == []


def test_every_full_identity_shown_or_exported_is_logged_for_the_inspectors(client, users,
                                                                          tree):
    from liaison.models import PersonalDataAccess

    url = reverse("petitions:petition_detail", args=[tree.petition_in.pk])
    client.force_login(users.org_dept)
    client.get(url)  # masked: nothing to log
    assert not PersonalDataAccess.objects.exists()
    client.force_login(users.petitions)
    client.get(url)
    list_url = reverse("petitions:petition_list")
    client.get(list_url, {"export": "xlsx"})  # the reason form: nothing exported yet
    client.post(list_url + "?export=xlsx", {"reason": "季度统计"})
    log = list(PersonalDataAccess.objects.order_by("pk").values_list(
        "user__username", "action", "record_label", "rows", "reason"))
    assert log == [("xfb", "view", "XF-IN", 1, ""), ("xfb", "export", "信访事项台账", 1, "季度统计")]
    client.force_login(users.inspector)
    page = client.get(reverse("personal_data_access_list"))
    assert page.status_code == 200 and "XF-IN" in page.content.decode()
    client.force_login(users.org_dept)
    assert client.get(reverse("personal_data_access_list")).status_code == 403


def test_the_workbench_shows_the_cases_a_cadre_answers_for(client, users, tree):
    client.force_login(users.cadre)  # GB001, responsible for XF-IN, overdue since 2025-03-20
    page = client.get(reverse("workbench")).content.decode()
    assert "我的接访与信访事项" in page and "XF-IN" in page and "已逾期" in page
    assert "XF-OUT" not in page
