from django.urls import path

from contactpoints import views

app_name = "contactpoints"
urlpatterns = [
    path("", views.VisitListView.as_view(), name="visit_list"),
    path("leader-point/add/", views.LeaderPointVisitCreateView.as_view(),
         name="leader_visit_create"),
    path("unit/add/", views.UnitVisitCreateView.as_view(), name="unit_visit_create"),
    path("households/add/", views.HouseholdVisitsCreateView.as_view(),
         name="household_visit_create"),
    path("<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("<int:pk>/edit/", views.VisitEditView.as_view(), name="visit_edit"),
    path("<int:pk>/delete/", views.VisitDeleteView.as_view(), name="visit_delete"),
    path("<int:pk>/history/", views.VisitHistoryView.as_view(), name="visit_history"),
]
