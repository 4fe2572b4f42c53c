"""Account plumbing: no public sign-up, forced first password change, MFA for some roles."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.forms import ChangePasswordForm
from allauth.mfa.utils import is_mfa_enabled
from django.utils.http import url_has_allowed_host_and_scheme

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

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """The forced TOTP set-up right after logging in does not ask for the password again:
        that login is the re-authentication (allauth 65 otherwise asks for it before the QR
        code and again before the recovery codes). Every other MFA change still asks."""
        if app == "allauth.mfa" and self.request is not None and in_first_setup(self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


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


# Where a user sent to set up TOTP was going: the recovery codes page's 继续 leads there.
SETUP_NEXT_SESSION_KEY = "liaison_mfa_setup_next"


def setup_started(request) -> None:
    """Remembers, once per set-up, the page the user asked for (a GET; else the start page)."""
    if SETUP_NEXT_SESSION_KEY not in request.session:
        wanted = request.get_full_path() if request.method == "GET" else ""
        request.session[SETUP_NEXT_SESSION_KEY] = wanted


def setup_finished(request) -> str:
    """The page to go on to after the set-up (ends it); the login's landing page by default."""
    wanted = request.session.pop(SETUP_NEXT_SESSION_KEY, "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return AccountAdapter().get_login_redirect_url(request)


def in_first_setup(request) -> bool:
    """Whether the user is in the set-up they were sent to, within allauth's
    re-authentication window (ACCOUNT_REAUTHENTICATION_TIMEOUT) of their password login."""
    user = request.user
    if not user.is_authenticated or SETUP_NEXT_SESSION_KEY not in request.session:
        return False
    logins = [record["at"] for record in get_authentication_records(request, user)
              if record.get("method") == "password" and "at" in record]
    return bool(logins) and time.time() - logins[-1] < account_settings.REAUTHENTICATION_TIMEOUT


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
