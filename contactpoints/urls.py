from django.urls import path

from contactpoints import views
from contactpoints.models import Visit
from liaison.generic_views import object_urls

app_name = "contactpoints"
urlpatterns = [
    path("leader-point/add/", views.LeaderPointVisitCreateView.as_view(),
         name="leader_visit_create"),
    path("unit/add/", views.UnitVisitCreateView.as_view(), name="unit_visit_create"),
    path("households/add/", views.HouseholdVisitsCreateView.as_view(),
         name="household_visit_create"),
    *object_urls(Visit, "visit", list=views.VisitListView, detail=views.VisitDetailView,
                 edit=views.VisitEditView, delete=views.VisitDeleteView),
]
