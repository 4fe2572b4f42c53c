"""Imports visits (spec/import.md) and the visit list export."""

from import_export.fields import Field

from contactpoints.models import Visit
from liaison.imports import ChoiceLabelWidget, ImportResource, register_import
from liaison.resources import ContactPartiesResource


@register_import
class VisitResource(ContactPartiesResource):
    kind = "visits"
    label = "走访"

    kind_field = Field(attribute="kind", column_name="联系类型",
                       widget=ChoiceLabelWidget(Visit.Kind.choices))

    class Meta(ImportResource.Meta):
        model = Visit
        fields = ("kind_field", "contact", "target", "start_date", "end_date")
        import_id_fields = ()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.end_date is None:
            instance.end_date = instance.start_date  # empty = the same day
