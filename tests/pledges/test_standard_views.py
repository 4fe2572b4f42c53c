"""The standard pages of pledges and registrations (tests/viewtests)."""

from django.urls import reverse

from pledges.models import Pledge, Registration
from tests.viewtests import ImportViewTests, StandardViewTests


class TestPledgeViews(StandardViewTests, ImportViewTests):
    model = Pledge
    url_name = "pledges:pledge"
    in_scope, out_of_scope = "pledge_in", "pledge_out"
    edit_changes = {"rating": "good", "rated_on": "2025-12-20"}
    import_kind = "pledges"

    def form_data(self, tree):
        return {"cadre": tree.cadre_in.pk, "year": 2024, "organization": tree.community_in.pk,
                "items": "每月入户走访\n组织邻里活动", "published_on": "", "rating": "",
                "rated_on": ""}

    def deletable(self, tree):
        return Pledge.objects.create(cadre=tree.cadre_in, year=2024,
                                     organization=tree.community_in, items="一；二")

    def import_rows(self, tree):
        return [{"干部编码": "GB001", "年度": "2024", "所在党组织编码": "SQ0101",
                 "承诺事项": "每周入户走访；组织邻里活动"}]

    def import_row_out_of_scope(self, tree):
        return {"干部编码": "GB002", "年度": "2024", "所在党组织编码": "SQ0201",
                "承诺事项": "帮扶独居老人；参加志愿服务"}


class TestRegistrationViews(StandardViewTests, ImportViewTests):
    model = Registration
    url_name = "pledges:registration"
    in_scope, out_of_scope = "registration_in", "registration_out"
    edit_changes = {"end_date": "2025-09-30"}
    import_kind = "registrations"

    def form_data(self, tree):
        return {"cadre": tree.cadre_in.pk, "community": tree.community_in.pk,
                "start_date": "2025-06-01", "end_date": ""}

    def import_rows(self, tree):
        return [{"干部编码": "GB001", "社区编码": "SQ0101", "报到日期": "2025-06-01"}]

    def import_row_out_of_scope(self, tree):
        return {"干部编码": "GB002", "社区编码": "SQ0201", "报到日期": "2025-06-01"}


def test_a_cadre_keeps_their_own_pledge_only(client, users, tree):
    client.force_login(users.cadre)
    listed = client.get(reverse("pledges:pledge_list")).context["page"].object_list
    assert [p.cadre.code for p in listed] == ["GB001"]
    form = client.get(reverse("pledges:pledge_create")).context["form"]
    assert form.fields["cadre"].disabled


def test_a_pledge_of_one_item_is_refused_in_chinese(client, users, tree):
    client.force_login(users.unit_admin)
    data = {**TestPledgeViews().form_data(tree), "items": "只有一项"}
    page = client.post(reverse("pledges:pledge_create"), data).content.decode()
    assert "承诺事项应为 2 至 5 项（现为 1 项）" in page


def test_a_new_pledge_is_for_this_year(client, users, tree):
    from django.utils import timezone

    client.force_login(users.cadre)
    form = client.get(reverse("pledges:pledge_create")).context["form"]
    assert form["year"].value() == timezone.localdate().year
