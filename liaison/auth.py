"""Account plumbing: no public sign-up, forced first password change, MFA for some roles."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import ChangePasswordForm
from allauth.mfa.utils import is_mfa_enabled

from liaison.permissions import Role, user_roles


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False  # accounts are created from the roster by the organization department


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
