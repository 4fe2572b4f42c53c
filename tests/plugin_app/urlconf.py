"""The platform's URLs plus the plug-in's, as a district's config/urls.py would add them."""

from django.urls import include, path

from config.urls import urlpatterns as platform

urlpatterns = [path("errands/", include("tests.plugin_app.urls")), *platform]
