"""Errors show a page in Chinese in the site's layout and reveal nothing (#14): DEBUG is off
as under `make run`, so these are the pages a user meets."""

import pytest
from django.conf import settings
from django.urls import reverse


def test_debug_is_off_as_make_run_has_it():
    assert settings.DEBUG is False


def test_a_missing_page_is_a_chinese_404(client, users, tree):
    client.force_login(users.cadre)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in page and "返回首页" in page
    assert "Traceback" not in page and "urlpatterns" not in page


def test_a_record_out_of_scope_is_a_404_that_does_not_say_what_it_was(client, users, tree):
    client.force_login(users.cadre)
    response = client.get(reverse("household_detail", args=[tree.household_out.pk]))
    assert response.status_code == 404
    assert "Household" not in response.content.decode()
    assert tree.household_out.head_name not in response.content.decode()


def test_a_refused_page_says_why_in_chinese(client, users, tree):
    client.force_login(users.cadre)
    response = client.get(reverse("import_index"))
    assert response.status_code == 403 and "无权" in response.content.decode()


def test_a_crash_is_a_chinese_500_without_the_traceback(client, users, tree, monkeypatch):
    from liaison import views

    def crash(*args, **kwargs):
        raise RuntimeError("secret-detail-in-the-exception")

    monkeypatch.setattr(views.OrganizationTreeView, "get_context_data", crash)
    client.raise_request_exception = False
    client.force_login(users.org_dept)
    response = client.get(reverse("organization_tree"))
    page = response.content.decode()
    assert response.status_code == 500 and "系统出错" in page
    assert "secret-detail" not in page and "Traceback" not in page
    assert settings.SECRET_KEY not in page


@pytest.mark.parametrize("path", ["/static/css/site.css",
                                  "/static/vendor/bootstrap/bootstrap.min.css"])
def test_static_files_are_served_with_debug_off(client, path):
    response = client.get(path)
    assert response.status_code == 200
