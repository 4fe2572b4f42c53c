"""Imports talks (spec/import.md `talks`), with every rule of talks.rules as a row error."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export.fields import Field

from liaison.imports import (
    ChoiceLabelWidget,
    CodeListsMixin,
    CodeWidget,
    DateWidget,
    ImportResource,
    register_import,
)
from liaison.models import Cadre, Household
from liaison.permissions import Role
from liaison.personal import personal_visible
from talks.models import Talk


@register_import
class TalkResource(CodeListsMixin, ImportResource):
    kind = "talks"
    label = "谈心谈话"
    roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)
    required_columns = ("谈话编号", "日期", "发起人编码", "类型", "形式")
    natural_key_columns = ("谈话编号",)
    extra_error_columns = {"cadres": "参与干部编码", "households": "参与住户编码"}
    code_lists = (("cadres", Cadre, "干部"), ("households", Household, "住户"))

    code = Field(attribute="code", column_name="谈话编号")
    date = Field(attribute="date", column_name="日期", widget=DateWidget())
    initiator = Field(attribute="initiator", column_name="发起人编码",
                      widget=CodeWidget(Cadre, "干部"))
    type = Field(attribute="type", column_name="类型", widget=ChoiceLabelWidget(Talk.Type.choices))
    form = Field(attribute="form", column_name="形式", widget=ChoiceLabelWidget(Talk.Form.choices))
    cadres = Field(column_name="参与干部编码")
    households = Field(column_name="参与住户编码")
    summary = Field(attribute="summary", column_name="内容摘要")

    class Meta(ImportResource.Meta):
        model = Talk
        fields = ("code", "date", "initiator", "type", "form", "cadres", "households", "summary")
        import_id_fields = ("code",)

    def natural_key_lookup(self, row):
        return {"code": row["谈话编号"]}

    def dehydrate_cadres(self, talk):
        return self.codes_of(talk.cadres)

    def dehydrate_households(self, talk):
        return self.codes_of(talk.households)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        instance.summary = instance.summary or ""
        if instance.pk and self.acting_user is not None \
                and not personal_visible(self.acting_user, instance):
            # Who may not read a talk's content may not rewrite it from a file either (its
            # export shows them a placeholder): the stored summary stays.
            instance.summary = Talk.objects.values_list("summary", flat=True).get(
                pk=instance.pk)
        self.read_code_lists(instance, row, errors)
        if errors:
            raise ValidationError(errors)
