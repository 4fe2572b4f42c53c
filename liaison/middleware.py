from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from liaison.auth import mfa_missing, setup_started

# Paths a user with an unfinished account set-up may still open.
SETUP_PREFIXES = ("/accounts/", "/static/")


class AccountSetupMiddleware:
    """Before anything else: change an initial password, then (for some roles) set up TOTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(SETUP_PREFIXES):
            if user.must_change_password:
                messages.warning(request, "首次登录请先修改初始密码。")
                return redirect(reverse("account_change_password"))
            if mfa_missing(user):
                setup_started(request)
                messages.warning(request, "您的角色须启用双因素认证（TOTP 动态口令），请先设置。")
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


# No inline or outside script anywhere (site.js wires behaviour through data- attributes); inline
# style attributes stay allowed. Django's admin and allauth comply as well.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'",
    "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
