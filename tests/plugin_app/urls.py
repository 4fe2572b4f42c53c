from liaison.generic_views import object_urls
from tests.plugin_app import views
from tests.plugin_app.models import Errand

app_name = "plugin_app"
urlpatterns = object_urls(
    Errand, "errand", list=views.ErrandListView, create=views.ErrandEditView,
    detail=views.ErrandDetailView, edit=views.ErrandEditView, delete=views.ErrandDeleteView,
    history=False)
