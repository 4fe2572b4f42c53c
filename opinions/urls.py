from django.urls import path

from liaison.generic_views import object_urls
from opinions import views
from opinions.models import Opinion, OpinionAnalysis, Questionnaire

app_name = "opinions"
urlpatterns = [
    *object_urls(Opinion, "opinion", list=views.OpinionListView, create=views.OpinionEditView,
                 detail=views.OpinionDetailView, edit=views.OpinionEditView,
                 delete=views.OpinionDeleteView),
    *object_urls(OpinionAnalysis, "analysis", "analyses/", list=views.AnalysisListView,
                 create=views.AnalysisEditView, detail=views.AnalysisDetailView,
                 edit=views.AnalysisEditView, delete=views.AnalysisDeleteView),
    *object_urls(Questionnaire, "questionnaire", "forms/", list=views.QuestionnaireListView,
                 create=views.QuestionnaireEditView, detail=views.QuestionnaireDetailView,
                 edit=views.QuestionnaireEditView, delete=views.QuestionnaireDeleteView),
    path("forms/<int:pk>/close/", views.QuestionnaireCloseView.as_view(),
         name="questionnaire_close"),
    path("forms/<int:pk>/results/", views.QuestionnaireResultsView.as_view(),
         name="questionnaire_results"),
    path("forms/<int:pk>/poster/", views.QuestionnairePosterView.as_view(),
         name="questionnaire_poster"),
    path("forms/answers/<int:pk>/opinion/", views.AnswerOpinionView.as_view(),
         name="answer_opinion"),
    path("answer/", views.OpinionAnswerView.as_view(), name="opinion_answer"),
    path("analysis/", views.OpinionAnalysisView.as_view(), name="analysis"),
    path("<int:pk>/publish/", views.OpinionPublishView.as_view(), name="opinion_publish"),
    path("poster/<str:code>/", views.OpinionPosterView.as_view(), name="poster"),
    # Open without a login: the public form and the public feedback pages.
    path("public/<str:code>/", views.PublicOpinionView.as_view(), name="public_form"),
    path("feedback/", views.PublicFeedbackView.as_view(), name="public_feedback"),
    path("forms/public/<slug:key>/", views.PublicQuestionnaireView.as_view(),
         name="questionnaire_public"),
    path("feedback/<str:code>/", views.PublicFeedbackView.as_view(),
         name="public_feedback_unit"),
]
