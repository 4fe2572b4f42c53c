"""Imports receptions and petitions (spec/import.md), with every rule of spec/petitions.md as
a row error naming its column."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export.fields import Field
from import_export.widgets import IntegerWidget

from liaison.imports import (
    ChoiceLabelWidget,
    CodeListsMixin,
    CodeWidget,
    DateWidget,
    ImportResource,
    register_import,
)
from liaison.models import Cadre, Organization
from liaison.permissions import Role
from liaison.workdays import WorkingCalendar
from petitions.clocks import refresh_dues
from petitions.models import Petition, ReceptionDay


class CountWidget(IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(f"「{value}」不是整数") from None
        return number


@register_import
class ReceptionResource(ImportResource):
    kind = "receptions"
    label = "接访日"
    roles = (Role.PETITIONS,)
    required_columns = ("接待日期", "接待领导编码", "实际接待人编码", "接待方式")
    natural_key_columns = ("接待日期", "接待领导编码")
    position_columns = ("接待领导编码",)  # the host must hold a district-level position

    date = Field(attribute="date", column_name="接待日期", widget=DateWidget())
    host = Field(attribute="host", column_name="接待领导编码", widget=CodeWidget(Cadre, "干部"))
    substitute = Field(attribute="substitute", column_name="B角编码",
                       widget=CodeWidget(Cadre, "干部"))
    received_by = Field(attribute="received_by", column_name="实际接待人编码",
                        widget=CodeWidget(Cadre, "干部"))
    mode = Field(attribute="mode", column_name="接待方式",
                 widget=ChoiceLabelWidget(ReceptionDay.Mode.choices))
    place = Field(attribute="place", column_name="地点")

    class Meta(ImportResource.Meta):
        model = ReceptionDay
        fields = ("date", "host", "substitute", "received_by", "mode", "place")
        import_id_fields = ()

    def natural_key_lookup(self, row):
        try:
            return {"date": DateWidget().clean(row["接待日期"]), "host__code": row["接待领导编码"]}
        except ValueError:
            return None

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.place = instance.place or ""


@register_import
class PetitionResource(CodeListsMixin, ImportResource):
    kind = "petitions"
    label = "信访事项"
    roles = (Role.PETITIONS,)
    required_columns = ("信访编号", "登记日期", "来源渠道", "信访人姓名", "事项摘要",
                        "承办单位编码", "责任人编码")
    natural_key_columns = ("信访编号",)
    extra_error_columns = {"accused_cadres": "被反映人编码", "accused_units": "被反映单位编码"}
    code_lists = (("accused_cadres", Cadre, "干部"), ("accused_units", Organization, "单位"))

    code = Field(attribute="code", column_name="信访编号")
    received_on = Field(attribute="received_on", column_name="登记日期", widget=DateWidget())
    channel = Field(attribute="channel", column_name="来源渠道",
                    widget=ChoiceLabelWidget(Petition.Channel.choices))
    people = Field(attribute="people", column_name="人数", widget=CountWidget())
    petitioner_name = Field(attribute="petitioner_name", column_name="信访人姓名")
    petitioner_phone = Field(attribute="petitioner_phone", column_name="联系电话")
    petitioner_id_number = Field(attribute="petitioner_id_number", column_name="身份证号")
    summary = Field(attribute="summary", column_name="事项摘要")
    category = Field(attribute="category", column_name="问题类别")
    accused_cadres = Field(column_name="被反映人编码")
    accused_units = Field(column_name="被反映单位编码")
    handling_unit = Field(attribute="handling_unit", column_name="承办单位编码",
                          widget=CodeWidget(Organization, "单位"))
    responsible = Field(attribute="responsible", column_name="责任人编码",
                        widget=CodeWidget(Cadre, "干部"))
    leader = Field(attribute="leader", column_name="包案领导编码", widget=CodeWidget(Cadre, "干部"))
    decision = Field(attribute="decision", column_name="受理结果",
                     widget=ChoiceLabelWidget(Petition.Decision.choices))
    decided_on = Field(attribute="decided_on", column_name="受理日期", widget=DateWidget())
    extension_days = Field(attribute="extension_days", column_name="延期天数",
                           widget=CountWidget())
    extension_approver = Field(attribute="extension_approver", column_name="延期批准人编码",
                               widget=CodeWidget(Cadre, "干部"))
    extension_granted_on = Field(attribute="extension_granted_on", column_name="延期日期",
                                 widget=DateWidget())
    replied_on = Field(attribute="replied_on", column_name="答复日期", widget=DateWidget())
    satisfaction = Field(attribute="satisfaction", column_name="满意度",
                         widget=ChoiceLabelWidget(Petition.Satisfaction.choices))
    review_requested_on = Field(attribute="review_requested_on", column_name="复查申请日期",
                                widget=DateWidget())
    review_decided_on = Field(attribute="review_decided_on", column_name="复查意见日期",
                              widget=DateWidget())
    re_review_requested_on = Field(attribute="re_review_requested_on",
                                   column_name="复核申请日期", widget=DateWidget())
    re_review_decided_on = Field(attribute="re_review_decided_on", column_name="复核意见日期",
                                 widget=DateWidget())

    class Meta(ImportResource.Meta):
        model = Petition
        fields = ("code", "received_on", "channel", "people", "petitioner_name",
                  "petitioner_phone", "petitioner_id_number", "summary", "category",
                  "accused_cadres", "accused_units", "handling_unit", "responsible", "leader",
                  "decision", "decided_on", "extension_days", "extension_approver",
                  "extension_granted_on", "replied_on", "satisfaction", "review_requested_on",
                  "review_decided_on", "re_review_requested_on", "re_review_decided_on")
        import_id_fields = ("code",)

    def natural_key_lookup(self, row):
        return {"code": row["信访编号"]}

    def import_context(self):
        self.calendar = WorkingCalendar.load()  # read once for the whole file
        return super().import_context()

    def dehydrate_accused_cadres(self, case):
        return self.codes_of(case.accused_cadres)

    def dehydrate_accused_units(self, case):
        return self.codes_of(case.accused_units)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in ("petitioner_phone", "petitioner_id_number", "category", "decision",
                      "satisfaction"):
            setattr(instance, field, getattr(instance, field) or "")
        instance.people = instance.people if instance.people is not None else 1
        self.read_code_lists(instance, row, errors)
        if errors:
            raise ValidationError(errors)
        instance._calendar = getattr(self, "calendar", None) or WorkingCalendar.load()
        refresh_dues(instance, instance._calendar)
