"""Passwords (#15 item 8): at least 10 characters, not containing the username, not a common
password, said in Chinese."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.mark.parametrize(("username", "password", "says"), [
    ("gb0450", "gb0450gb0450", "不能包含用户名"),
    ("zhangsan", "zhangsan123", "不能包含用户名"),
    ("ganbu", "Ab3$xyz", "至少"),
    ("ganbu", "password123", "常见"),
    ("ganbu", "1234567890123", "只包含数字"),
])
def test_weak_passwords_are_refused_in_chinese(db, username, password, says):
    from liaison.models import User

    with pytest.raises(ValidationError) as refused:
        validate_password(password, User(username=username))
    assert any(says in message for message in refused.value.messages), refused.value.messages


def test_a_good_password_passes(db):
    from liaison.models import User

    validate_password("河边3棵老槐树-2025", User(username="ganbu"))


def test_the_change_password_page_refuses_a_password_with_the_username(client, users):
    client.force_login(users.cadre)
    response = client.post(reverse("account_change_password"), {
        "oldpassword": PASSWORD, "password1": "ganbu-2025-ok", "password2": "ganbu-2025-ok"})
    assert response.status_code == 200
    assert "密码不能包含用户名" in response.content.decode()
