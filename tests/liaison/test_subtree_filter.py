"""liaison.filters.subtree_filter: a list filtered to a unit shows the rows of its whole
subtree, and a unit outside the user's scope is not a choice."""

from django.urls import reverse

from tests.factories import OrganizationFactory


def test_a_unit_filter_keeps_its_subtree(client, users, tree):
    client.force_login(users.petitions)
    url = reverse("petitions:petition_list")
    under_east = client.get(url, {"handling_unit": tree.east.pk})
    assert "XF-IN" in under_east.content.decode()  # handled by 东城一社区, under 东城办事处
    sibling = OrganizationFactory(code="SQ0199", name="东城其他社区", type="community",
                                  parent=tree.east)
    assert sibling.path.startswith(tree.east.path)
    assert "XF-IN" not in client.get(url, {"handling_unit": sibling.pk}).content.decode()
    choices = under_east.context["filterset"].form.fields["handling_unit"].queryset
    assert tree.east in choices and tree.west not in choices
