"""The history every record keeps (django-simple-history, DESIGN.md §5), as this platform
keeps it."""

from __future__ import annotations

from simple_history.models import HistoricalRecords


class RecordHistory(HistoricalRecords):
    """HistoricalRecords whose tables index only what is read of them: a record's history by
    its id (the history page), the date order, the acting user (a deleted user's rows are
    set to null) and, for a many-to-many list's history, its history row. django-simple-history
    indexes every copied column besides: each foreign key, and each unique column (a code, a
    checksum) as a plain index. Nothing reads those, and every write of a record paid for
    them: a petition's history row updated thirteen indexes (bench/RESULTS.md)."""

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != "id":
                field.db_index = False
        return fields
