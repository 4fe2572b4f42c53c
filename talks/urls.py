from django.urls import path

from liaison.generic_views import object_urls
from talks import views
from talks.models import Talk

app_name = "talks"
urlpatterns = [
    *object_urls(Talk, "talk", list=views.TalkListView, create=views.TalkEditView,
                 detail=views.TalkDetailView, edit=views.TalkEditView,
                 delete=views.TalkDeleteView),
    path("<int:pk>/opinions/<int:number>/forward/", views.TalkOpinionForwardView.as_view(),
         name="talk_opinion_forward"),
    path("<int:pk>/confirm/", views.TalkConfirmView.as_view(), name="talk_confirm"),
    path("secretaries/", views.SecretaryListView.as_view(), name="secretary_list"),
    path("secretaries/<int:pk>/", views.SecretaryDetailView.as_view(), name="secretary_detail"),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/<int:pk>/", views.TeamMatrixView.as_view(), name="team_matrix"),
]
