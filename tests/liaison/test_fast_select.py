"""FastSelect: the filters' <select> written directly, with the markup Django's own gives."""

import re

from django import forms
from django.urls import reverse

from liaison.filters import FastSelect

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def options(html: str) -> list[tuple[str, bool, str]]:
    return [(v, bool(s), label) for v, s, label in OPTION.findall(html)]


def test_it_renders_the_options_django_renders():
    choices = [("", "---------"), (1, "张三"), (2, "<李四 & 王五>"), (3, "赵六")]
    attrs = {"class": "form-select", "id": "id_cadre"}
    ours = FastSelect(choices=choices).render("cadre", 2, attrs)
    django = forms.Select(choices=choices).render("cadre", 2, attrs)
    assert options(ours) == options(django)
    assert options(ours)[2] == ("2", True, "&lt;李四 &amp; 王五&gt;")
    assert ours.startswith('<select class="form-select" id="id_cadre" name="cadre">')
    assert options(FastSelect(choices=choices).render("cadre", None))[0] == ("", True,
                                                                              "---------")


def test_a_ledger_filter_keeps_the_chosen_cadre(client, users, tree):
    client.force_login(users.org_dept)
    page = client.get(reverse("research:trip_list"), {"cadre": tree.cadre_in.pk})
    form = page.context["filterset"].form
    assert isinstance(form.fields["cadre"].widget, FastSelect)
    html = str(form["cadre"])
    assert (str(tree.cadre_in.pk), True, str(tree.cadre_in)) in options(html)
    assert str(tree.cadre_out) not in html  # the scope still limits the choices
    assert [row[0] for row in page.context["rows"]] == [tree.trip_in]
