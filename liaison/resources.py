"""Import/export of the roster kinds of spec/import.md: organizations, cadres, households,
assignments. The same resources export the lists, so an export re-imports unchanged."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export.fields import Field

from liaison.imports import (
    ROW_COLUMN,
    ChoiceLabelWidget,
    CodeWidget,
    DateWidget,
    ImportResource,
    YesNoWidget,
    code_lookup,
    code_remember,
    codes_lookup,
    register_import,
    row_error,
)
from liaison.models import (
    Cadre,
    CalendarDay,
    Category,
    ContactAssignment,
    ContactParties,
    Household,
    Organization,
    Position,
)
from liaison.permissions import CHANGE, Role, can
from liaison.personal import PersonalExportMixin
from liaison.services import record_save
from liaison.workdays import calendar_changed


@register_import
class OrganizationResource(ImportResource):
    kind = "organizations"
    label = "单位"
    required_columns = ("单位编码", "单位名称", "单位类型")
    natural_key_columns = ("单位编码",)
    whole_file = True

    code = Field(attribute="code", column_name="单位编码")
    name = Field(attribute="name", column_name="单位名称")
    type = Field(attribute="type", column_name="单位类型",
                 widget=ChoiceLabelWidget(Organization.Type.choices))
    parent = Field(attribute="parent", column_name="上级单位编码",
                   widget=CodeWidget(Organization, "上级单位"))

    class Meta(ImportResource.Meta):
        model = Organization
        fields = ("code", "name", "type", "parent")
        import_id_fields = ("code",)
        use_bulk = False  # a row's parent may be created by an earlier row of the file

    def natural_key_lookup(self, row):
        return {"code": row["单位编码"]}

    def order_rows(self, rows):
        """Parents before children, whatever the order in the file."""
        by_code = {r["单位编码"]: r for r in rows}
        ordered, placed = [], set()

        def place(row, trail=()):
            code = row["单位编码"]
            if code in placed or code in trail:
                return
            parent = by_code.get(row.get("上级单位编码") or "")
            if parent is not None:
                place(parent, trail + (code,))
            placed.add(code)
            ordered.append(row)

        for row in rows:
            place(row)
        return ordered

    def file_errors(self, rows):
        errors = super().file_errors(rows)
        by_code: dict[str, dict] = {}
        for row in rows:
            by_code.setdefault(row["单位编码"], row)
        # A file-level check, not a hook before each row: an unchanged row then skips
        # import-export (ImportResource.stored_unchanged), and its message is the same.
        # A duplicate row is not imported, so it was never checked.
        duplicates = {number for number, _ in errors}
        errors += [row_error(row, "上级单位编码", "除「区」外必须填写上级单位编码") for row in rows
                   if row.get("单位类型") != "区" and not row.get("上级单位编码")
                   and row[ROW_COLUMN] not in duplicates]
        roots = [r for r in rows if r["单位类型"] == "区"]
        for extra in roots[1:]:
            first = roots[0][ROW_COLUMN]
            errors.append(row_error(extra, "单位类型", f"只能有一个「区」，第{first}行已是「区」"))
        for row in rows:
            seen, code = [], row["单位编码"]
            while code in by_code and code not in seen:
                seen.append(code)
                code = by_code[code].get("上级单位编码") or ""
            if code in seen:
                chain = " → ".join(seen + [code])
                errors.append(row_error(row, "上级单位编码", f"上级关系形成循环：{chain}"))
        return errors


@register_import
class CadreResource(ImportResource):
    """One row per position; the cadre is created or renamed from the same rows."""

    kind = "cadres"
    label = "干部"
    roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)
    required_columns = ("干部编码", "姓名", "单位编码", "类别", "任职开始日期")
    natural_key_columns = ("干部编码", "单位编码", "类别", "任职开始日期")
    extra_error_columns = {"name": "姓名"}
    whole_file = True
    skip_unchanged_cells = False  # a row renaming its cadre is written (skip_row)

    cadre = Field(attribute="cadre", column_name="干部编码", widget=CodeWidget(Cadre, "干部"))
    cadre_name = Field(attribute="cadre__name", column_name="姓名", readonly=True)
    organization = Field(attribute="organization", column_name="单位编码",
                         widget=CodeWidget(Organization, "单位"))
    category = Field(attribute="category", column_name="类别",
                     widget=ChoiceLabelWidget(Category.choices))
    start_date = Field(attribute="start_date", column_name="任职开始日期", widget=DateWidget())
    end_date = Field(attribute="end_date", column_name="任职结束日期", widget=DateWidget())
    party_secretary = Field(attribute="party_secretary", column_name="党组织负责人",
                            widget=YesNoWidget())

    class Meta(ImportResource.Meta):
        model = Position
        fields = ("cadre", "cadre_name", "organization", "category", "start_date", "end_date",
                  "party_secretary")
        import_id_fields = ("cadre", "organization", "category", "start_date")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.renamed_cadres: set[str] = set()
        self.created_cadres: set[str] = set()

    def prepare_chunk(self, rows):
        # Each row's cadre created or renamed before the chunk's positions are checked and
        # written in batches (a row finds its cadre stored); a row whose cadre cannot be is
        # told so by before_import_row, which asks again.
        names: dict[str, str] = {}
        for row in rows:
            names.setdefault(row["干部编码"], row["姓名"])
        codes_lookup(Cadre, names)
        for code, name in names.items():
            try:
                self._cadre_ready(code, name)
            except ValidationError:
                continue
        super().prepare_chunk(rows)

    def natural_key_lookup(self, row):
        return {
            "cadre__code": row["干部编码"],
            "organization__code": row["单位编码"],
            "category": self.fields["category"].clean(row),
            "start_date": self.fields["start_date"].clean(row),
        }

    def file_errors(self, rows):
        errors, first_name = super().file_errors(rows), {}
        for row in rows:
            code, name = row["干部编码"], row["姓名"]
            first = first_name.setdefault(code, (name, row[ROW_COLUMN]))
            if first[0] != name:
                errors.append(row_error(
                    row, "姓名", f"干部「{code}」的姓名与第{first[1]}行「{first[0]}」不一致"))
        return errors

    def before_import_row(self, row, **kwargs):
        self._cadre_ready(row["干部编码"], row["姓名"])

    def _cadre_ready(self, code: str, name: str) -> None:
        """The cadre of a row stored under its name: created, or renamed inside the user's
        scope."""
        cadre = code_lookup(Cadre, code)
        if cadre is None:
            cadre = record_save(instance=Cadre(code=code, name=name), acting_user=self.acting_user)
            code_remember(cadre)
            self.created_cadres.add(code)
            return
        if code in self.created_cadres:
            return  # created by this file: its position puts it in the user's scope
        if self.acting_user is not None and not can(self.acting_user, CHANGE, cadre):
            # A cadre of another unit is renamed or given a post by 组织部, not by this file.
            raise ValidationError({"cadre": f"干部「{code}」不在您的管理范围内"})
        if cadre.name != name:
            cadre.name = name
            record_save(instance=cadre, acting_user=self.acting_user)
            self.renamed_cadres.add(code)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if row["干部编码"] in self.renamed_cadres:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)


@register_import
class HouseholdResource(PersonalExportMixin, ImportResource):
    kind = "households"
    label = "住户"
    roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)
    required_columns = ("住户编码", "户主姓名", "社区编码")
    natural_key_columns = ("住户编码",)

    code = Field(attribute="code", column_name="住户编码")
    head_name = Field(attribute="head_name", column_name="户主姓名")
    community = Field(attribute="community", column_name="社区编码",
                      widget=CodeWidget(Organization, "社区"))
    address = Field(attribute="address", column_name="地址")
    is_poor = Field(attribute="is_poor", column_name="贫困户", widget=YesNoWidget())

    class Meta(ImportResource.Meta):
        model = Household
        fields = ("code", "head_name", "community", "address", "is_poor")
        import_id_fields = ("code",)

    def natural_key_lookup(self, row):
        return {"code": row["住户编码"]}

    def import_instance(self, instance, row, **kwargs):
        row.setdefault("地址", "")
        row["地址"] = row["地址"] or ""
        super().import_instance(instance, row, **kwargs)


class ContactPartiesResource(ImportResource):
    """Rows naming a contact (a cadre, or a 区直单位 for 单位联系社区) and a target (an
    organization, or a household for household kinds) by code: assignments and visits."""

    required_columns = ("联系类型", "联系人编码", "联系对象编码", "开始日期")
    natural_key_columns = ("联系类型", "联系人编码", "联系对象编码", "开始日期")
    extra_error_columns = {
        "cadre": "联系人编码", "unit": "联系人编码",
        "target_org": "联系对象编码", "target_household": "联系对象编码",
    }

    contact = Field(column_name="联系人编码")
    target = Field(column_name="联系对象编码")
    start_date = Field(attribute="start_date", column_name="开始日期", widget=DateWidget())
    end_date = Field(attribute="end_date", column_name="结束日期", widget=DateWidget())

    def dehydrate_contact(self, obj):
        return obj.contact_code

    def dehydrate_target(self, obj):
        return obj.target_code

    def _by_code(self, model, code: str):
        """A roster row by code (resolved for each chunk of the file at once)."""
        return code_lookup(model, code)

    def code_columns(self):
        return [("联系人编码", (Cadre, Organization), False),
                ("联系对象编码", (Organization, Household), False)]

    def _parties(self, row) -> dict:
        """The contact and target of the row, resolved by its kind; errors per column."""
        kind = self.fields["kind_field"].clean(row)
        contact_code, target_code = row["联系人编码"], row["联系对象编码"]
        parties: dict = {"kind": kind}
        errors: dict[str, str] = {}
        if kind == ContactParties.UNIT_KIND:
            parties["unit"] = self._by_code(Organization, contact_code)
            if parties["unit"] is None:
                errors["unit"] = f"单位编码「{contact_code}」不存在"
        else:
            parties["cadre"] = self._by_code(Cadre, contact_code)
            if parties["cadre"] is None:
                errors["cadre"] = f"干部编码「{contact_code}」不存在"
        if kind == ContactParties.HOUSEHOLD_KIND:
            parties["target_household"] = self._by_code(Household, target_code)
            if parties["target_household"] is None:
                errors["target_household"] = f"住户编码「{target_code}」不存在"
        else:
            parties["target_org"] = self._by_code(Organization, target_code)
            if parties["target_org"] is None:
                errors["target_org"] = f"单位编码「{target_code}」不存在"
        if errors:
            raise ValidationError(errors)
        return parties

    def natural_key_lookup(self, row):
        try:
            parties = self._parties(row)
        except ValidationError:
            return None
        return {**parties, "start_date": self.fields["start_date"].clean(row)}

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "kind" not in errors:
            try:
                for name, value in self._parties(row).items():
                    setattr(instance, name, value)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


@register_import
class AssignmentResource(ContactPartiesResource):
    kind = "assignments"
    label = "联系关系"

    kind_field = Field(attribute="kind", column_name="联系类型",
                       widget=ChoiceLabelWidget(ContactAssignment.Kind.choices))

    class Meta(ImportResource.Meta):
        model = ContactAssignment
        fields = ("kind_field", "contact", "target", "start_date", "end_date")
        import_id_fields = ()

    position_columns = ("联系人编码",)  # the 领导联系点 rule asks for the cadre's positions


@register_import
class CalendarResource(ImportResource):
    """工作日历 (spec/import.md, calendar): an imported row replaces the row of its date."""

    kind = "calendar"
    label = "工作日历"
    roles = (Role.SYSADMIN,)
    required_columns = ("日期", "类型")
    natural_key_columns = ("日期",)

    date = Field(attribute="date", column_name="日期", widget=DateWidget())
    kind_ = Field(attribute="kind", column_name="类型",
                  widget=ChoiceLabelWidget(CalendarDay.Kind.choices))
    name = Field(attribute="name", column_name="名称")

    class Meta(ImportResource.Meta):
        model = CalendarDay
        fields = ("date", "kind_", "name")
        import_id_fields = ("date",)

    def natural_key_lookup(self, row):
        try:
            return {"date": DateWidget().clean(row["日期"])}
        except ValueError:
            return None

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run") and (result.totals.get("new") or
                                           result.totals.get("update")):
            calendar_changed.send(sender=CalendarDay)
