"""Account plumbing: no public sign-up, forced first password change, MFA for some roles."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import ChangePasswordForm
from allauth.mfa.utils import is_mfa_enabled

from liaison.permissions import Role, user_roles


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False  # accounts are created from the roster by the organization department

    def get_login_redirect_url(self, request):
        """A cadre (and nobody else) starts on their workbench, where they log their work."""
        from django.urls import reverse

        if user_roles(request.user) == {Role.CADRE}:
            return reverse("workbench")
        return super().get_login_redirect_url(request)


class InitialPasswordChangeForm(ChangePasswordForm):
    def save(self) -> None:
        super().save()
        if self.user.must_change_password:
            self.user.must_change_password = False
            self.user.save(update_fields=["must_change_password"])


def mfa_required(user) -> bool:
    return bool(user_roles(user) & Role.MFA_REQUIRED)


def mfa_missing(user) -> bool:
    return mfa_required(user) and not is_mfa_enabled(user, ["totp"])


class UsernameInPasswordValidator:
    """A password must not contain the username (gb0450gb0450, zhangsan123): Django's
    similarity validator lets these through because the whole strings differ enough."""

    def validate(self, password, user=None):
        from django.core.exceptions import ValidationError

        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名。"


class MinimumLengthValidator:
    """Django's, with its message in Chinese (the zh-hans catalogue leaves it in English)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        from django.core.exceptions import ValidationError

        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。",
                                  code="password_too_short")

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
