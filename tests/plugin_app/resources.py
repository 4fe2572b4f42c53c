from import_export.fields import Field

from liaison.imports import CodeWidget, DateWidget, ImportResource, register_import
from liaison.models import Cadre
from liaison.permissions import Role
from tests.plugin_app.models import Errand


@register_import
class ErrandResource(ImportResource):
    kind = "errands"
    label = "跑腿"
    roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)
    required_columns = ("干部编码", "日期", "事项")
    natural_key_columns = ("干部编码", "日期", "事项")

    cadre = Field(attribute="cadre", column_name="干部编码", widget=CodeWidget(Cadre, "干部"))
    date = Field(attribute="date", column_name="日期", widget=DateWidget())
    title = Field(attribute="title", column_name="事项")

    class Meta(ImportResource.Meta):
        model = Errand
        fields = ("cadre", "date", "title")
        import_id_fields = ()

    def natural_key_lookup(self, row):
        return {"cadre__code": row["干部编码"], "date": row["日期"], "title": row["事项"]}
