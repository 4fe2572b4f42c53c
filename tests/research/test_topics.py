"""Research topics: units propose, 组织部 approves or rejects the major ones."""

from django.urls import reverse

from research.models import ResearchTopic, ResearchTrip
from tests.factories import ResearchTopicFactory


def topic_data(tree, **overrides):
    data = {"year": 2025, "title": "基层治理数字化", "kind": "major",
            "organization": tree.east.pk, "description": "区委常委牵头"}
    data.update(overrides)
    return data


def test_a_unit_admin_proposes_a_topic(client, users, tree):
    client.force_login(users.unit_admin)
    form = client.get(reverse("research:topic_create")).context["form"]
    assert form.initial["organization"] == tree.east.pk
    response = client.post(reverse("research:topic_create"), topic_data(tree))
    topic = ResearchTopic.objects.get(title="基层治理数字化")
    assert response["Location"] == topic.get_absolute_url()
    assert topic.status == ResearchTopic.Status.PROPOSED and topic.reviewed_by is None


def test_a_topic_cannot_be_proposed_for_a_unit_out_of_scope(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(reverse("research:topic_create"),
                           topic_data(tree, organization=tree.west.pk))
    assert "organization" in response.context["form"].errors


def test_the_same_title_twice_in_a_year_is_refused(client, users, tree):
    client.force_login(users.org_dept)
    response = client.post(reverse("research:topic_create"),
                           topic_data(tree, title=tree.topic_in.title))
    assert "本年度已有同名课题" in response.content.decode()


def test_cadres_and_inspectors_cannot_propose_topics(client, users, tree):
    for user in (users.cadre, users.inspector):
        client.force_login(user)
        assert client.post(reverse("research:topic_create"), topic_data(tree)).status_code == 403
    assert not ResearchTopic.objects.filter(title="基层治理数字化").exists()


def test_the_org_department_approves_a_major_topic(client, users, tree):
    client.force_login(users.org_dept)
    assert client.get(reverse("research:topic_detail", args=[tree.topic_in.pk])).context[
        "can_review"]
    response = client.post(reverse("research:topic_review", args=[tree.topic_in.pk]),
                           {"status": "approved", "comment": "同意立项"})
    assert response.status_code == 302
    tree.topic_in.refresh_from_db()
    assert (tree.topic_in.status, tree.topic_in.reviewed_by, tree.topic_in.review_comment) == (
        "approved", users.org_dept, "同意立项")
    assert tree.topic_in.reviewed_at is not None


def test_a_rejection_needs_a_comment(client, users, tree):
    client.force_login(users.org_dept)
    url = reverse("research:topic_review", args=[tree.topic_in.pk])
    assert "不予通过时请填写审定意见" in client.post(
        url, {"status": "rejected", "comment": ""}).content.decode()
    client.post(url, {"status": "rejected", "comment": "与去年课题重复"})
    tree.topic_in.refresh_from_db()
    assert tree.topic_in.status == "rejected"
    again = client.post(url, {"status": "approved", "comment": ""})
    assert "该课题已审定" in again.content.decode()


def test_only_major_topics_are_reviewed(client, users, tree):
    own = ResearchTopicFactory(organization=tree.community_in, kind="own")
    client.force_login(users.org_dept)
    response = client.post(reverse("research:topic_review", args=[own.pk]),
                           {"status": "approved", "comment": ""})
    assert "只有「区委常委重大调研课题」需要审定" in response.content.decode()


def test_unit_admins_and_inspectors_cannot_review_topics(client, users, tree):
    for user in (users.unit_admin, users.inspector, users.cadre):
        client.force_login(user)
        response = client.post(reverse("research:topic_review", args=[tree.topic_in.pk]),
                               {"status": "approved", "comment": ""})
        assert response.status_code == 403
    tree.topic_in.refresh_from_db()
    assert tree.topic_in.status == "proposed"


def test_an_approved_major_topic_is_visible_district_wide(client, users, tree):
    client.force_login(users.cadre)
    assert client.get(reverse("research:topic_detail", args=[tree.topic_out.pk])).status_code \
        == 404
    tree.topic_out.status = "approved"
    tree.topic_out.save()
    assert client.get(reverse("research:topic_detail", args=[tree.topic_out.pk])).status_code \
        == 200


def test_a_trip_links_a_topic_and_the_topic_lists_it(client, users, tree):
    client.force_login(users.cadre)
    form = client.get(reverse("research:trip_create")).context["form"]
    assert tree.topic_in in form.fields["topic"].queryset
    rejected = ResearchTopicFactory(organization=tree.community_in, status="rejected")
    assert rejected not in form.fields["topic"].queryset
    page = client.get(reverse("research:topic_detail", args=[tree.topic_in.pk]))
    assert list(page.context["trips"]) == [tree.trip_in]
    assert ResearchTrip.objects.get(pk=tree.trip_in.pk).topic == tree.topic_in


def test_the_list_filters_by_kind_and_status(client, users, tree):
    ResearchTopicFactory(organization=tree.community_in, kind="own", title="自定课题")
    client.force_login(users.unit_admin)
    url = reverse("research:topic_list")

    def titles(**params):
        return sorted(obj.title for obj, _ in client.get(url, params).context["rows"])

    assert titles() == sorted(["东城课题", "自定课题"])
    assert titles(kind="own") == ["自定课题"]
    assert titles(status="proposed", kind="major") == ["东城课题"]


def test_a_topic_in_use_is_deleted_only_once_nothing_refers_to_it(client, users, tree):
    client.force_login(users.unit_admin)
    # A topic that trips or reports refer to is not deleted behind their backs.
    response = client.post(reverse("research:topic_delete", args=[tree.topic_in.pk]),
                           follow=True)
    assert "仍被其他记录引用" in response.content.decode()
    assert ResearchTopic.objects.filter(pk=tree.topic_in.pk).exists()
    tree.trip_in.topic = None
    tree.trip_in.save()
    tree.report_in.topic = None
    tree.report_in.save()
    client.post(reverse("research:topic_delete", args=[tree.topic_in.pk]))
    assert not ResearchTopic.objects.filter(pk=tree.topic_in.pk).exists()


def test_an_own_topic_needs_no_review_and_a_rejected_major_topic_goes_back_for_review(tree):
    from research.models import ResearchTopic
    from research.services import topic_save

    own = topic_save(topic=ResearchTopic(year=2025, title="本单位课题", kind="own",
                                         organization=tree.community_in), acting_user=None)
    assert own.status == "approved"
    major = topic_save(topic=ResearchTopic(year=2025, title="重大课题", kind="major",
                                           organization=tree.community_in), acting_user=None)
    assert major.status == "proposed"
    major.status = "rejected"
    major.save()
    major.title = "重大课题（修改）"
    assert topic_save(topic=major, acting_user=None).status == "proposed"
