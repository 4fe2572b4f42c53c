from django.urls import path

from liaison.generic_views import object_urls
from research import views
from research.models import ResearchReport, ResearchTopic, ResearchTrip

app_name = "research"
urlpatterns = [
    *object_urls(ResearchTrip, "trip", list=views.TripListView, create=views.TripEditView,
                 detail=views.TripDetailView, edit=views.TripEditView,
                 delete=views.TripDeleteView),
    path("<int:pk>/attachments/add/", views.TripAttachmentAddView.as_view(),
         name="attachment_create"),
    path("attachments/<int:pk>/", views.TripAttachmentDownloadView.as_view(),
         name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.TripAttachmentDeleteView.as_view(),
         name="attachment_delete"),
    *object_urls(ResearchReport, "report", "reports/", list=views.ReportListView,
                 create=views.ReportEditView, detail=views.ReportDetailView,
                 edit=views.ReportEditView, delete=views.ReportDeleteView),
    path("reports/<int:pk>/file/", views.ReportFileView.as_view(), name="report_file"),
    path("reports/<int:pk>/review/", views.ReportReviewView.as_view(), name="report_review"),
    *object_urls(ResearchTopic, "topic", "topics/", list=views.TopicListView,
                 create=views.TopicEditView, detail=views.TopicDetailView,
                 edit=views.TopicEditView, delete=views.TopicDeleteView),
    path("topics/<int:pk>/review/", views.TopicReviewView.as_view(), name="topic_review"),
]
