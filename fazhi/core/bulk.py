"""Bulk inserts for large loads (imports, the audit chain's batches): COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create builds its parameter arrays value by value, which at 100,000 rows costs several times
what PostgreSQL's COPY does; SQLite (one county) is fast enough with bulk_create.
"""
from __future__ import annotations

import json

from django.db import connections, models, router
from django.utils import timezone

DEFAULT_BATCH_SIZE = 2_000


def _copy_value(field, value):
    # COPY takes JSON as text; everything else psycopg adapts itself.
    if isinstance(field, models.JSONField) and value is not None:
        return json.dumps(value, ensure_ascii=False)
    return value


def bulk_insert(model, objects: list, *, with_ids: bool = False, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
    """Insert new rows; `with_ids` gives each object its primary key, as bulk_create does.

    On PostgreSQL the keys are drawn from the table's sequence first, then the rows go in through COPY;
    auto_now and auto_now_add fields are stamped as save() would.
    """
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=batch_size)
        return
    meta, now = model._meta, timezone.now()
    # A generated column is the database's to fill: COPY refuses it.
    fields = [f for f in meta.concrete_fields if (with_ids or not f.primary_key) and not getattr(f, "generated", False)]
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(objects)])
            for obj, (pk,) in zip(objects, cursor.fetchall()):
                obj.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                for attname in stamped:
                    setattr(obj, attname, now)
                obj._state.adding = False
                copy.write_row([_copy_value(f, getattr(obj, f.attname)) for f in fields])


def bulk_insert_values(model, attnames: tuple[str, ...], rows: list[tuple], *,
                       batch_size: int = DEFAULT_BATCH_SIZE) -> None:
    """Insert rows given as tuples of `attnames`, no keys wanted back: on PostgreSQL straight into COPY."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(attnames, row))) for row in rows], batch_size=batch_size)
        return
    columns = {f.attname: f.column for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(columns[a]) for a in attnames)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
