"""Imports visits (spec/import.md) and the visit list export.

Visit files are the large ones (a district's year of household visits), so they import in
bulk: codes and stored visits are resolved per chunk by liaison.imports, the rules' look-ups
are read once per chunk (contactpoints.rules.PreloadedVisitLookups), and rows are written in
batches with their history rows. The rules themselves are the same functions forms use.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from import_export.fields import Field

from contactpoints.models import Visit
from contactpoints.rules import parties_key, visit_accepted, visit_lookups_preloaded
from liaison.imports import ChoiceLabelWidget, ImportResource, register_import
from liaison.permissions import Role
from liaison.resources import ContactPartiesResource


@register_import
class VisitResource(ContactPartiesResource):
    kind = "visits"
    label = "走访"
    roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)

    kind_field = Field(attribute="kind", column_name="联系类型",
                       widget=ChoiceLabelWidget(Visit.Kind.choices))

    class Meta(ImportResource.Meta):
        model = Visit
        fields = ("kind_field", "contact", "target", "start_date", "end_date")
        import_id_fields = ()
        batch_size = 2000

    @contextmanager
    def import_context(self):
        with visit_lookups_preloaded(set()) as lookups:
            self._lookups = lookups
            yield

    def prepare_rules(self, rows):
        super().prepare_rules(rows)
        keys, days = set(), set()
        for row in rows:
            try:
                _, found = self._natural_key(row)  # the parties' ids and the start
                if found is None:
                    continue
                keys.add(parties_key(dict(zip(*found, strict=True))))
                days.update(day for day in (self.fields["start_date"].clean(row),
                                            self.fields["end_date"].clean(row)) if day)
            except (ValidationError, ValueError):
                continue  # the row's own errors are reported when it is imported
        # The visits and assignments of the chunk's contacts over the chunk's dates.
        self._lookups.add(keys, min(days, default=None), max(days, default=None))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.end_date is None:
            instance.end_date = instance.start_date  # empty = the same day

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        super().validate_instance(instance, import_validation_errors, validate_unique)
        visit_accepted(instance)
