"""Imports visits (spec/import.md) and the visit list export.

Visit files are the large ones (a district's year of household visits), so they import in
bulk: every code is resolved once, the rules' look-ups are read once for all the file's
contacts (contactpoints.services.PreloadedVisitLookups), and rows are written in batches with
their history rows. The rules themselves are the same functions forms use.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from import_export.fields import Field

from contactpoints.models import Visit
from contactpoints.rules import visit_accepted, visit_key, visit_lookups_preloaded
from liaison.imports import ChoiceLabelWidget, ImportResource, register_import
from liaison.models import Cadre, Household, Organization
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
        use_bulk = True
        batch_size = 2000

    @contextmanager
    def import_context(self, rows):
        self._prefill_codes(rows)
        keys, starts = set(), {}
        for row in rows:
            try:
                parties = self._parties(row)
                start = self.fields["start_date"].clean(row)
            except (ValidationError, ValueError):
                continue  # the row's own errors are reported when it is imported
            visit = Visit(**parties)
            keys.add(visit_key(visit))
            starts[row["__row__"]] = (visit_key(visit), start)
        with visit_lookups_preloaded(keys) as lookups:
            by_natural_key = {(key, start): pk for key, periods in lookups.periods.items()
                              for pk, (start, _) in periods.items()}
            wanted = {by_natural_key[k] for k in starts.values() if k in by_natural_key}
            self._existing = Visit.objects.in_bulk(wanted)
            self._by_natural_key = by_natural_key
            yield

    def _prefill_codes(self, rows) -> None:
        """Resolve every code of the file in three queries (see ContactPartiesResource)."""
        codes = {row["联系人编码"] for row in rows} | {row["联系对象编码"] for row in rows}
        cache = self.__dict__.setdefault("_code_cache", {})
        for model in (Cadre, Organization, Household):
            found = {o.code: o for o in model.objects.filter(code__in=codes)}
            for code in codes:
                cache[(model, code)] = found.get(code)

    def get_instance(self, instance_loader, row):
        try:
            visit = Visit(**self._parties(row))
            start = self.fields["start_date"].clean(row)
        except (ValidationError, ValueError):
            return None
        pk = self._by_natural_key.get((visit_key(visit), start))
        return self._existing.get(pk) if pk else None

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.end_date is None:
            instance.end_date = instance.start_date  # empty = the same day

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        super().validate_instance(instance, import_validation_errors, validate_unique)
        visit_accepted(instance)
