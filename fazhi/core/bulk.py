"""Bulk inserts for large loads (imports, the audit chain's batches): COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create builds its parameter arrays value by value, which at 100,000 rows costs several times
what PostgreSQL's COPY does; SQLite (one county) is fast enough with bulk_create.
"""
from __future__ import annotations

import gc
import json
import queue
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
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
    job = prepared_insert(model, objects, with_ids=with_ids, batch_size=batch_size)
    if job is not None:
        with connections[router.db_for_write(model)].cursor() as cursor:
            job.run(cursor.cursor)


@dataclass
class CopyJob:
    """Rows ready for one COPY: `run` them on a psycopg cursor of the transaction (any thread's)."""

    table: str
    columns: tuple[str, ...]
    rows: list

    def run(self, cursor) -> None:
        with cursor.copy(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN") as copy:
            for row in self.rows:
                copy.write_row(row)


def prepared_insert(model, objects: list, *, with_ids: bool = False, keys: KeyBlocks | None = None,
                    batch_size: int = DEFAULT_BATCH_SIZE) -> CopyJob | None:
    """`bulk_insert` up to the COPY: on PostgreSQL the objects get their keys (with_ids; from `keys` when given)
    and stamps, and the rows are returned as a CopyJob to run later; elsewhere they are inserted now and None is
    returned."""
    if not objects:
        return None
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=batch_size)
        return None
    meta, now = model._meta, timezone.now()
    # A generated column is the database's to fill: COPY refuses it.
    fields = [f for f in meta.concrete_fields if (with_ids or not f.primary_key) and not getattr(f, "generated", False)]
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    quote = connection.ops.quote_name
    if with_ids:
        if keys is None:
            with connection.cursor() as cursor:
                cursor.execute(*_draw_keys(model, len(objects)))
                drawn = [pk for (pk,) in cursor.fetchall()]
        else:
            drawn = keys.take(len(objects))
        for obj, pk in zip(objects, drawn):
            obj.pk = pk
    rows = []
    for obj in objects:
        for attname in stamped:
            setattr(obj, attname, now)
        obj._state.adding = False
        rows.append([_copy_value(f, getattr(obj, f.attname)) for f in fields])
    return CopyJob(quote(meta.db_table), tuple(quote(f.column) for f in fields), rows)


def _draw_keys(model, count: int) -> tuple[str, list]:
    meta = model._meta
    return ("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count])


def prepared_values(model, attnames: tuple[str, ...], rows: list[tuple], *,
                    batch_size: int = DEFAULT_BATCH_SIZE) -> CopyJob | None:
    """`bulk_insert_values` up to the COPY, as `prepared_insert`."""
    if not rows:
        return None
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(attnames, row))) for row in rows], batch_size=batch_size)
        return None
    columns = {f.attname: f.column for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    return CopyJob(quote(model._meta.db_table), tuple(quote(columns[a]) for a in attnames), rows)


def bulk_insert_values(model, attnames: tuple[str, ...], rows: list[tuple], *,
                       batch_size: int = DEFAULT_BATCH_SIZE) -> None:
    """Insert rows given as tuples of `attnames`, no keys wanted back: on PostgreSQL straight into COPY."""
    job = prepared_values(model, attnames, rows, batch_size=batch_size)
    if job is not None:
        with connections[router.db_for_write(model)].cursor() as cursor:
            job.run(cursor.cursor)


# A bulk job's rows, models and plans live until they are saved, so the collector promotes them to its oldest
# generation, and each full collection then rescans every object of the process: a third of a 100,000-row
# import's time, a fifth of a year's merge. While such jobs run, full collections wait longer (the younger
# generations are collected as ever).
FULL_COLLECTION_THRESHOLD = 1000


class _SharedSetting:
    """A process-wide setting changed while any job needs it (jobs may overlap, in threads), and put back as it
    was when the last of them ends. Use `held()` as a context manager."""

    def __init__(self, read, write, changed):
        self.read, self.write, self.changed = read, write, changed
        self.lock = threading.Lock()
        self.jobs, self.saved = 0, None

    @contextmanager
    def held(self):
        with self.lock:
            if self.jobs == 0:
                self.saved = self.read()
                self.write(self.changed(self.saved))
            self.jobs += 1
        try:
            yield
        finally:
            with self.lock:
                self.jobs -= 1
                if self.jobs == 0:
                    self.write(self.saved)


_collections = _SharedSetting(gc.get_threshold, lambda threshold: gc.set_threshold(*threshold),
                              lambda threshold: (*threshold[:2], max(threshold[2], FULL_COLLECTION_THRESHOLD)))


def fewer_full_collections():
    return _collections.held()


# A helper thread that feeds the server needs the interpreter for a moment after each reply; while the caller runs
# Python it gets it only when the caller's turn ends (every 5 ms by default), so the server idles between
# statements. While helpers run, turns are shorter.
HELPER_SWITCH_INTERVAL = 0.001
_turns = _SharedSetting(sys.getswitchinterval, sys.setswitchinterval,
                        lambda interval: min(interval, HELPER_SWITCH_INTERVAL))


def shorter_turns():
    return _turns.held()


# Django makes its foreign keys deferrable and deferred: these run their checks now, then defer them again.
CHECK_KEYS_NOW = "SET CONSTRAINTS ALL IMMEDIATE"
DEFER_KEY_CHECKS = "SET CONSTRAINTS ALL DEFERRED"


def run_deferred_checks(using: str = "default") -> None:
    """Run now the foreign-key checks the commit would run (the transaction's writes so far); later writes are
    checked at the commit again."""
    with connections[using].cursor() as cursor:
        cursor.execute(CHECK_KEYS_NOW)
        cursor.execute(DEFER_KEY_CHECKS)


WRITE_BEHIND_STEPS = 16


class WriteBehind:
    """Writes run in order by a helper thread on this transaction's connection while the caller goes on, so
    the server writes one chunk while Python reads the next. On PostgreSQL; elsewhere (SQLite: one writer, one
    thread) each step runs when it is submitted.

    `submit(step)` queues a step, called with a psycopg cursor of the transaction (a `CopyJob.run`); None is
    nothing to do. `fetch(queryset)` queues a read whose rows the caller takes later, so a lookup queued ahead
    is answered between the writes instead of waiting for them all. The caller may keep querying: psycopg runs
    one statement at a time on a connection, so its queries take their turn (after the step running now, and
    often after every step queued: a helper that holds the connection tends to keep it); it must not read what
    a queued step writes. With `check_now`, foreign keys are checked in each statement (in the helper) instead
    of at the commit, and deferred again when the writer closes. Leaving the block waits for every step; a step's error is raised then, or at the
    next `submit`, and the steps after it are not run. Used as a context manager inside the transaction.
    """

    def __init__(self, *, using: str = "default", check_now: bool = False):
        self.connection, self.check_now = connections[using], check_now
        self.behind = self.connection.vendor == "postgresql"
        # A few chunks ahead at most: beyond that the caller waits, so rows waiting to be written stay bounded.
        self.steps: queue.Queue = queue.Queue(WRITE_BEHIND_STEPS)
        self.failures: list[BaseException] = []
        self.helper: threading.Thread | None = None
        self.turns = shorter_turns()

    def __enter__(self) -> WriteBehind:
        if self.behind:
            self.connection.ensure_connection()
            raw = self.connection.connection  # the same session, so the same transaction
            self.helper = threading.Thread(target=self._run, args=(raw,), name="write-behind", daemon=True)
            self.turns.__enter__()
            self.helper.start()
        return self

    def _run(self, raw) -> None:
        closed = False
        try:
            with raw.cursor() as cursor:
                if self.check_now:
                    self._step(cursor, lambda c: c.execute(CHECK_KEYS_NOW))
                while (step := self.steps.get()) is not None:
                    self._step(cursor, step)
                closed = True
                if self.check_now:
                    self._step(cursor, lambda c: c.execute(DEFER_KEY_CHECKS))
        except BaseException as error:  # no cursor: every step fails
            self.failures.append(error)
        while not closed and (step := self.steps.get()) is not None:  # let the caller's submissions through
            _abandon(step)

    def _step(self, cursor, step) -> None:
        if self.failures:
            _abandon(step)
            return  # the transaction is lost: nothing after a failed step runs
        try:
            step(cursor)
        except BaseException as error:  # handed to the caller's thread
            self.failures.append(error)
            _abandon(step)

    def submit(self, step) -> None:
        if step is None:
            return
        if not self.behind:
            with self.connection.cursor() as cursor:
                step(cursor)
            return
        self._raise_failure()
        self.steps.put(step)

    def fetch(self, queryset) -> Fetched:
        """The rows of a `values_list` queryset, read in its turn: after the steps submitted before, before those
        submitted after. Elsewhere (not PostgreSQL) read now."""
        if not self.behind:
            return Fetched.now([tuple(row) for row in queryset.all()])  # a fresh read, not a cached one
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # `field__in=[]`: no rows, no statement
            return Fetched.now([])
        fetched = Fetched(self, sql, params, convert=lambda rows: list(
            compiler.results_iter(results=[rows], tuple_expected=True)))
        self.submit(fetched)
        return fetched

    def fetch_sql(self, sql: str, params) -> Fetched:
        """`fetch` for a statement of one's own."""
        if not self.behind:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params)
                return Fetched.now(cursor.fetchall())
        fetched = Fetched(self, sql, params)
        self.submit(fetched)
        return fetched

    def __exit__(self, kind, error, traceback) -> None:
        if not self.behind:
            return
        self.steps.put(None)
        self.helper.join()
        self.turns.__exit__(None, None, None)
        if error is None or self.failures:
            # A failed step also explains the caller's own error (its transaction was aborted under it).
            self._raise_failure()

    def _raise_failure(self) -> None:
        if self.failures:
            with self.connection.wrap_database_errors:  # as Django's own cursor would raise it
                raise self.failures[0]


def _abandon(step) -> None:
    """Tell a step that someone waits on (a `Fetched`) that it will not run."""
    if isinstance(step, Fetched):
        step.abandon()


class Fetched:
    """Rows a `WriteBehind` helper reads in its turn; `result()` waits for them (converted as Django would),
    or raises what stopped the helper."""

    def __init__(self, writer: WriteBehind | None, sql: str = "", params=None, *, convert=None):
        self.writer, self.sql, self.params, self.convert = writer, sql, params, convert
        self.rows: list | None = None
        self.done = threading.Event()

    @classmethod
    def now(cls, rows: list) -> Fetched:
        fetched = cls(None)
        fetched.rows = rows
        fetched.done.set()
        return fetched

    def __call__(self, cursor) -> None:  # in the helper; a failure is recorded first, then `abandon` is called
        cursor.execute(self.sql, self.params)
        self.rows = cursor.fetchall()
        self.done.set()

    def abandon(self) -> None:
        self.done.set()

    def result(self) -> list:
        self.done.wait()
        if self.rows is None:
            self.writer._raise_failure()
            raise RuntimeError("a read queued behind writes was not run")  # no failure recorded: not expected
        if self.convert:  # once, in the caller's thread
            self.rows, self.convert = self.convert(self.rows), None
        return self.rows


class KeyBlocks:
    """Primary keys for new rows of `model`, drawn from its sequence ahead by a `WriteBehind` helper: after each
    chunk as many as it took are drawn for the next, so numbering a chunk never waits for the writes queued before
    it. Keys drawn and not used (at most one chunk's) leave a gap in the sequence, as a rolled-back insert does.
    PostgreSQL only: elsewhere the database numbers rows as it inserts them."""

    def __init__(self, model, writer: WriteBehind):
        self.model, self.writer = model, writer
        self.ready: list[int] = []
        self.coming: list[tuple[int, Fetched]] = []

    def _draw(self, count: int) -> None:
        self.coming.append((count, self.writer.fetch_sql(*_draw_keys(self.model, count))))

    def take(self, count: int) -> list[int]:
        while len(self.ready) < count:
            if not self.coming:
                self._draw(count - len(self.ready))
            self.ready.extend(pk for (pk,) in self.coming.pop(0)[1].result())
        taken, self.ready = self.ready[:count], self.ready[count:]
        at_hand = len(self.ready) + sum(drawing for drawing, _ in self.coming)
        if at_hand < count:
            self._draw(count - at_hand)  # for a next chunk like this one, drawn while this one is written
        return taken


@contextmanager
def statement_aside(sql: str, params, *, using: str = "default", check_now: bool = False):
    """Run one statement on this transaction's connection in a helper thread while the block runs here.

    For a long statement (rewriting a year's rows) and Python work that does not need its result: on PostgreSQL
    the server runs the statement on one core while the block runs on another. The block should not touch the
    database (psycopg serialises a connection's use, so a query in it only waits). The statement's error, if any,
    is raised when the block ends. Elsewhere the statement runs first, in this thread (`WriteBehind`).

    `check_now`: the foreign-key checks waiting for the commit (the transaction's writes so far) and the
    statement's own run in the helper too, instead of at the commit, and are deferred again afterwards.
    """
    with WriteBehind(using=using, check_now=check_now) as writer:
        writer.submit(lambda cursor: cursor.execute(sql, params))
        yield
