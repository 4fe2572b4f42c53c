from liaison.generic_views import object_urls
from opinions import views
from opinions.models import Opinion, OpinionAnalysis

app_name = "opinions"
urlpatterns = [
    *object_urls(Opinion, "opinion", list=views.OpinionListView, create=views.OpinionEditView,
                 detail=views.OpinionDetailView, edit=views.OpinionEditView,
                 delete=views.OpinionDeleteView),
    *object_urls(OpinionAnalysis, "analysis", "analyses/", list=views.AnalysisListView,
                 create=views.AnalysisEditView, detail=views.AnalysisDetailView,
                 edit=views.AnalysisEditView, delete=views.AnalysisDeleteView),
]
