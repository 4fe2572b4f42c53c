"""Imports pledges and registrations (spec/import.md)."""

from __future__ import annotations

from collections import defaultdict

from import_export.fields import Field
from import_export.widgets import IntegerWidget

from liaison.imports import (
    ChoiceLabelWidget,
    CodeWidget,
    DateWidget,
    ImportResource,
    register_import,
    row_error,
)
from liaison.models import Cadre, Organization
from liaison.permissions import Role
from pledges.models import Pledge, Registration
from pledges.rules import CAP_MESSAGE, STORED_FIELDS, excellent_cap_ok

WRITERS = (Role.ORG_DEPT, Role.UNIT_ADMIN)
RATING = ChoiceLabelWidget(Pledge.Rating.choices)


class YearWidget(IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).strip()
        if not text.isdigit() or len(text) != 4:
            raise ValueError(f"「{value}」不是有效年度，应为四位数字")
        return int(text)


@register_import
class PledgeResource(ImportResource):
    kind = "pledges"
    label = "党员承诺"
    roles = WRITERS
    required_columns = ("干部编码", "年度", "所在党组织编码", "承诺事项")
    natural_key_columns = ("干部编码", "年度")
    whole_file = True

    cadre = Field(attribute="cadre", column_name="干部编码", widget=CodeWidget(Cadre, "干部"))
    year = Field(attribute="year", column_name="年度", widget=YearWidget())
    organization = Field(attribute="organization", column_name="所在党组织编码",
                         widget=CodeWidget(Organization, "单位"))
    items = Field(attribute="items", column_name="承诺事项")
    published_on = Field(attribute="published_on", column_name="公开日期", widget=DateWidget())
    rating = Field(attribute="rating", column_name="评定等次", widget=RATING)
    rated_on = Field(attribute="rated_on", column_name="评定日期", widget=DateWidget())

    class Meta(ImportResource.Meta):
        model = Pledge
        fields = ("cadre", "year", "organization", "items", "published_on", "rating",
                  "rated_on")
        import_id_fields = ()

    def natural_key_lookup(self, row):
        try:
            return {"cadre__code": row["干部编码"], "year": YearWidget().clean(row["年度"])}
        except ValueError:
            return None

    def file_errors(self, rows):
        """The one-third cap on 优秀 per organization and year, over the file and the pledges
        already stored that the file does not replace: row order must not matter, so the
        file is checked whole, and the 优秀 rows beyond the cap are the rows in error."""
        errors = super().file_errors(rows)
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for row in rows:
            try:
                year = YearWidget().clean(row["年度"])
            except ValueError:
                continue  # the cell's own error is reported with its row
            groups[(row["所在党组织编码"], year)].append(row)
        # The stored ratings of every group, read at once: (organization, year) -> [(cadre,
        # rating)].
        stored_ratings: dict[tuple, list] = defaultdict(list)
        org_codes = sorted({org for org, _ in groups})
        years = sorted({year for _, year in groups})
        for i in range(0, len(org_codes), 500):
            for org_code, year, cadre_code, rating in Pledge.objects.filter(
                    organization__code__in=org_codes[i:i + 500], year__in=years) \
                    .exclude(rating="").values_list(
                        "organization__code", "year", "cadre__code", "rating"):
                stored_ratings[(org_code, year)].append((cadre_code, rating))
        for (org_code, year), group_rows in groups.items():
            rated_rows = [row for row in group_rows if row.get("评定等次")]
            try:
                ratings = [RATING.clean(row["评定等次"]) for row in rated_rows]
            except ValueError:
                continue
            # The stored pledges of the group that this file does not replace.
            replaced = {r["干部编码"] for r in group_rows}
            stored = [rating for cadre_code, rating in stored_ratings[(org_code, year)]
                      if cadre_code not in replaced]
            rated = len(stored) + len(ratings)
            excellent = stored.count(Pledge.Rating.EXCELLENT)
            for row, rating in zip(rated_rows, ratings, strict=True):
                if rating != Pledge.Rating.EXCELLENT:
                    continue
                excellent += 1
                if not excellent_cap_ok(excellent, rated):
                    errors.append(row_error(row, "评定等次",
                                            f"{CAP_MESSAGE}（已评定 {rated} 人）"))
        return errors

    def get_instance(self, instance_loader, row):
        instance = super().get_instance(instance_loader, row)
        if instance is not None:  # as stored, before the row changes it (pledge_stored)
            instance._stored = {f: getattr(instance, f) for f in STORED_FIELDS}
        return instance

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.rating = instance.rating or ""
        if instance.published_on:
            # A pledge published on paper (or before vetting existed) was approved then.
            instance.status = Pledge.Status.APPROVED
        instance._cap_checked = True  # by file_errors, for the whole file


@register_import
class RegistrationResource(ImportResource):
    kind = "registrations"
    label = "在职党员到社区报到"
    roles = WRITERS
    required_columns = ("干部编码", "社区编码", "报到日期")
    natural_key_columns = ("干部编码", "社区编码", "报到日期")

    cadre = Field(attribute="cadre", column_name="干部编码", widget=CodeWidget(Cadre, "干部"))
    community = Field(attribute="community", column_name="社区编码",
                      widget=CodeWidget(Organization, "单位"))
    start_date = Field(attribute="start_date", column_name="报到日期", widget=DateWidget())
    end_date = Field(attribute="end_date", column_name="结束日期", widget=DateWidget())

    class Meta(ImportResource.Meta):
        model = Registration
        fields = ("cadre", "community", "start_date", "end_date")
        import_id_fields = ()

    def natural_key_lookup(self, row):
        try:
            return {"cadre__code": row["干部编码"], "community__code": row["社区编码"],
                    "start_date": DateWidget().clean(row["报到日期"])}
        except ValueError:
            return None
