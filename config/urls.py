"""The platform's URLs: the only place (with INSTALLED_APPS) that names the apps."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("liaison.urls")),
    path("research/", include("research.urls")),
    path("visits/", include("contactpoints.urls")),
    path("petitions/", include("petitions.urls")),
    path("talks/", include("talks.urls")),
    path("opinions/", include("opinions.urls")),
    path("pledges/", include("pledges.urls")),
    path("supervision/", include("supervision.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
