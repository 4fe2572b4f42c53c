from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from tests.plugin_app.forms import ErrandForm
from tests.plugin_app.models import Errand
from tests.plugin_app.resources import ErrandResource


class ErrandListView(ObjectListView):
    model = Errand
    export_resource = ErrandResource
    import_kind = "errands"
    create_url_name = "plugin_app:errand_create"
    title = "跑腿台账"
    columns = (Column("日期", "date", link=True), Column("干部", "cadre.name"),
               Column("事项", "title"))


class ErrandDetailView(ObjectDetailView):
    model = Errand
    template_name = "plugin_app/errand_detail.html"


class ErrandEditView(ObjectEditView):
    model = Errand
    form_class = ErrandForm


class ErrandDeleteView(ObjectDeleteView):
    model = Errand
    success_url_name = "plugin_app:errand_list"
