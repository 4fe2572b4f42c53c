from django.urls import path

from research import views

app_name = "research"
urlpatterns = [
    path("", views.TripListView.as_view(), name="trip_list"),
    path("add/", views.TripEditView.as_view(), name="trip_create"),
    path("<int:pk>/", views.TripDetailView.as_view(), name="trip_detail"),
    path("<int:pk>/edit/", views.TripEditView.as_view(), name="trip_edit"),
    path("<int:pk>/delete/", views.TripDeleteView.as_view(), name="trip_delete"),
    path("<int:pk>/history/", views.TripHistoryView.as_view(), name="trip_history"),
    path("<int:pk>/attachments/add/", views.TripAttachmentAddView.as_view(),
         name="attachment_create"),
    path("attachments/<int:pk>/", views.TripAttachmentDownloadView.as_view(),
         name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.TripAttachmentDeleteView.as_view(),
         name="attachment_delete"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/add/", views.ReportEditView.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"),
    path("reports/<int:pk>/delete/", views.ReportDeleteView.as_view(), name="report_delete"),
    path("reports/<int:pk>/history/", views.ReportHistoryView.as_view(), name="report_history"),
    path("reports/<int:pk>/file/", views.ReportFileView.as_view(), name="report_file"),
    path("reports/<int:pk>/review/", views.ReportReviewView.as_view(), name="report_review"),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/add/", views.TopicEditView.as_view(), name="topic_create"),
    path("topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("topics/<int:pk>/edit/", views.TopicEditView.as_view(), name="topic_edit"),
    path("topics/<int:pk>/delete/", views.TopicDeleteView.as_view(), name="topic_delete"),
    path("topics/<int:pk>/history/", views.TopicHistoryView.as_view(), name="topic_history"),
    path("topics/<int:pk>/review/", views.TopicReviewView.as_view(), name="topic_review"),
]
