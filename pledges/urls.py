from django.urls import path

from liaison.generic_views import object_urls
from pledges import views
from pledges.models import Pledge, PledgePost, Registration, ServiceActivity

app_name = "pledges"
urlpatterns = [
    *object_urls(Pledge, "pledge", list=views.PledgeListView, create=views.PledgeEditView,
                 detail=views.PledgeDetailView, edit=views.PledgeEditView,
                 delete=views.PledgeDeleteView),
    *object_urls(Registration, "registration", "registrations/",
                 list=views.RegistrationListView, create=views.RegistrationEditView,
                 detail=views.RegistrationDetailView, edit=views.RegistrationEditView,
                 delete=views.RegistrationDeleteView),
    *object_urls(PledgePost, "post", "posts/", list=views.PledgePostListView,
                 create=views.PledgePostEditView, detail=views.PledgePostDetailView,
                 edit=views.PledgePostEditView, delete=views.PledgePostDeleteView),
    *object_urls(ServiceActivity, "activity", "activities/",
                 list=views.ServiceActivityListView, create=views.ServiceActivityEditView,
                 detail=views.ServiceActivityDetailView, edit=views.ServiceActivityEditView,
                 delete=views.ServiceActivityDeleteView),
    path("activities/<int:pk>/signup/", views.ServiceSignupView.as_view(),
         name="activity_signup"),
    path("activities/<int:pk>/hours/", views.ServiceHoursView.as_view(), name="activity_hours"),
    path("registrations/<int:pk>/letter/", views.FeedbackLetterView.as_view(),
         name="registration_letter"),
    path("<int:pk>/submit/", views.PledgeSubmitView.as_view(), name="pledge_submit"),
    path("<int:pk>/publish/", views.PledgePublishView.as_view(), name="pledge_publish"),
    path("<int:pk>/vet/", views.PledgeVetView.as_view(), name="pledge_vet"),
    path("vetting/", views.VettingListView.as_view(), name="vetting"),
    path("<int:pk>/progress/", views.PledgeProgressView.as_view(), name="pledge_progress"),
    path("progress/<int:pk>/evidence/", views.ProgressEvidenceAddView.as_view(),
         name="evidence_create"),
    path("evidence/<int:pk>/", views.ProgressEvidenceDownloadView.as_view(),
         name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.ProgressEvidenceDeleteView.as_view(),
         name="evidence_delete"),
    path("<int:pk>/amend/", views.PledgeAmendView.as_view(), name="pledge_amend"),
    path("<int:pk>/review/", views.PledgeReviewView.as_view(), name="pledge_review"),
    path("poster/<str:code>/", views.PledgePosterView.as_view(), name="poster"),
    path("grades/<str:code>/", views.GradeSheetView.as_view(), name="grade_sheet"),
    path("codes/<str:code>/", views.ReviewCodesView.as_view(), name="review_codes"),
    # Open without a login: an organization's pledge board (亮承诺).
    path("board/<str:code>/", views.PublicPledgeBoardView.as_view(), name="board"),
    path("board/<str:code>/evidence/<uuid:key>/", views.PublicEvidenceView.as_view(),
         name="public_evidence"),
    path("board/<str:code>/review/<int:pk>/", views.PublicPledgeReviewView.as_view(),
         name="public_review"),
]
