"""Many new rows in one go (#16): COPY on PostgreSQL, bulk_create elsewhere.

An import's batch of 2,000 rows with their history rows spent most of its time in Django
compiling one INSERT of 26,000 parameters and PostgreSQL parsing it; COPY streams the same
values. The ids come from the table's sequence first, so that the rows are stored with them
set, as bulk_create sets them."""

from __future__ import annotations

import datetime as dt

from django.db import connections, models, router

# Fields whose plain Python values psycopg adapts as they are: their get_db_prep_save only
# checks them (a third of a wide row's cost). Any other value goes through it (a history
# row's file column holds the file, stored by its name); a date-time always does (a naive
# value is made aware there).
AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
         models.ForeignKey, models.AutoField, models.BigAutoField)
# Not a bool (an integer column would get "t"), not a datetime (it is no date).
PLAIN_TYPES = frozenset({int, dt.date, type(None)})


def _as_is(field) -> bool:
    return isinstance(field, AS_IS) or type(field) is models.DateField


def bulk_insert(model, objs) -> list:
    """Insert `objs` (new instances of `model`), setting their ids; returns them."""
    objs = list(objs)
    if not objs:
        return objs
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        return model._default_manager.using(using).bulk_create(objs, batch_size=2000)
    opts = model._meta
    fields = list(opts.concrete_fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        missing = [obj for obj in objs if obj.pk is None]
        if missing:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)",
                           [opts.db_table, opts.pk.column, len(missing)])
            for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
                if pk is None:
                    raise ValueError(f"{opts.db_table}.{opts.pk.column} has no sequence")
                obj.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        as_is = [_as_is(f) for f in fields]
        with cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                row = []
                for f, plain in zip(fields, as_is, strict=True):
                    value = f.pre_save(obj, True)
                    row.append(value if plain and (type(value) in PLAIN_TYPES
                                                   or isinstance(value, str))  # TextChoices
                               else f.get_db_prep_save(value, connection))
                copy.write_row(row)
    for obj in objs:
        obj._state.adding, obj._state.db = False, using
    return objs
