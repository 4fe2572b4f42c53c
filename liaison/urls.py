from django.urls import path

from liaison import views
from liaison.generic_views import object_urls
from liaison.models import (
    Cadre,
    ContactAssignment,
    Household,
    Organization,
    PersonalDataAccess,
    Position,
)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("me/", views.WorkbenchView.as_view(), name="workbench"),
    path("me/notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("me/2fa/continue/", views.MfaSetupContinueView.as_view(), name="mfa_setup_continue"),
    path("orgs/", views.OrganizationTreeView.as_view(), name="organization_tree"),
    *object_urls(Organization, "organization", "orgs/", create=views.OrganizationEditView,
                 detail=views.OrganizationDetailView, edit=views.OrganizationEditView,
                 delete=views.OrganizationDeleteView),
    path("orgs/list/", views.OrganizationListView.as_view(), name="organization_list"),
    path("cadres/logins/", views.CadreLoginsView.as_view(), name="cadre_logins"),
    *object_urls(Cadre, "cadre", "cadres/", list=views.CadreListView,
                 create=views.CadreEditView, detail=views.CadreDetailView,
                 edit=views.CadreEditView, delete=views.CadreDeleteView),
    *object_urls(Position, "position", "positions/", create=views.PositionEditView,
                 edit=views.PositionEditView, delete=views.PositionDeleteView, history=False),
    *object_urls(Household, "household", "households/", list=views.HouseholdListView,
                 create=views.HouseholdEditView, detail=views.HouseholdDetailView,
                 edit=views.HouseholdEditView, delete=views.HouseholdDeleteView),
    path("households/<int:pk>/reveal/", views.HouseholdRevealView.as_view(),
         name="household_reveal"),
    path("assignments/coverage/", views.CoverageView.as_view(), name="coverage"),
    *object_urls(ContactAssignment, "assignment", "assignments/",
                 list=views.AssignmentListView, create=views.AssignmentEditView,
                 detail=views.AssignmentDetailView, edit=views.AssignmentEditView,
                 delete=views.AssignmentDeleteView),
    *object_urls(PersonalDataAccess, "personal_data_access", "audit/personal-data/",
                 list=views.PersonalDataAccessListView, history=False),
    path("imports/", views.ImportIndexView.as_view(), name="import_index"),
    path("imports/<str:kind>/", views.ImportUploadView.as_view(), name="import_upload"),
    path("imports/<str:kind>/confirm/", views.ImportConfirmView.as_view(),
         name="import_confirm"),
    path("imports/<str:kind>/cancel/", views.ImportCancelView.as_view(), name="import_cancel"),
    path("imports/<str:kind>/template/", views.ImportTemplateView.as_view(),
         name="import_template"),
]
