"""Django's admin behind the app's own login: allauth's password step, lockout and TOTP.

Django's admin ships a login form of its own (/admin/login/) that checks a password and
nothing else: none of allauth's rate limits, no MFA stage. This site never shows that form:
/admin/login/ only redirects to allauth's login (or to its TOTP step), and the admin opens
only for a session whose allauth authentication records show an "mfa" step.

How it is wired: `LiaisonAdminConfig` replaces "django.contrib.admin" in INSTALLED_APPS and
names `LiaisonAdminSite` as `default_site`, Django's documented way to change the class of
`django.contrib.admin.site`. So every `admin.site.register(...)` / `@admin.register` in the
apps and `admin.site.urls` in config/urls.py keep working unchanged, now on this class.

This module is imported while the app registry is still loading (for the AppConfig), so
allauth's modules, which define models, are imported inside the functions.
"""

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


def session_used_mfa(request) -> bool:
    """Whether this session's login (or a later re-authentication) included an MFA step.

    allauth keeps, in the session, a record of each authentication step ("password", "mfa",
    ...) bound to the user it authenticated; its TOTP and recovery-code steps add
    {"method": "mfa", "type": "totp", ...}. `force_login`, Django's own `login()` and any
    session opened by the old admin form carry no such record.
    """
    from allauth.account.authentication import get_authentication_records

    user = request.user
    if not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)


def _with_next(urlname: str, next_url: str) -> HttpResponseRedirect:
    query = QueryDict(mutable=True)
    query[REDIRECT_FIELD_NAME] = next_url
    return HttpResponseRedirect(f"{reverse(urlname)}?{query.urlencode(safe='/')}")


class LiaisonAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        """Active staff, and a session that passed MFA (checked by every admin view)."""
        return super().has_permission(request) and session_used_mfa(request)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """Authenticates nobody: sends the visitor to the step of allauth's login they lack."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return _with_next("account_login", next_url)
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied("不是系统管理账号。")

        from allauth.mfa.utils import is_mfa_enabled

        if is_mfa_enabled(user):
            # Logged in without the TOTP step (e.g. a session from before this check):
            # allauth's MFA re-authentication records the "mfa" step, then comes back.
            return _with_next("mfa_reauthenticate", next_url)
        messages.warning(request, "系统管理须使用双因素认证（TOTP 动态口令），请先设置。")
        return HttpResponseRedirect(reverse("mfa_activate_totp"))


class LiaisonAdminConfig(AdminConfig):
    default_site = "liaison.admin_site.LiaisonAdminSite"
