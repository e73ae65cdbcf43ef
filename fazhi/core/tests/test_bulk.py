"""Helpers for large loads: a statement run beside Python work, and fewer full garbage collections."""
import gc
import threading

import pytest
from django.db import DatabaseError, connection, transaction

from fazhi.core.bulk import fewer_full_collections, statement_aside
from fazhi.core.models import Region
from fazhi.core.tests.factories import region

# Serialized rollback: the flush after a transactional test must leave later tests the rows the migrations seed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RENAME = "UPDATE core_region SET name = %s WHERE code = %s"


def test_the_statement_aside_is_part_of_the_callers_transaction():
    region("449900", "测试省", 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        with statement_aside(RENAME, ["改名省", "449900"]):
            built = [n * n for n in range(10_000)]  # the caller's own work meanwhile
        assert built[-1] == 99_980_001
        assert Region.objects.get(code="449900").name == "改名省"  # seen once the block ends
        raise RuntimeError("roll back")
    assert Region.objects.get(code="449900").name == "测试省"  # undone with the transaction


def test_checking_now_runs_the_waiting_key_checks_and_defers_them_again_after():
    province = region("449900", "测试省", 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:  # a row whose parent is missing: its check waits for the commit
            cursor.execute("INSERT INTO core_region (code, name, level, parent_id) VALUES ('449901', '孤市', 2, %s)",
                           [province.pk + 1000])
        with statement_aside(RENAME, ["改名省", "449900"], check_now=True):
            pass
    with transaction.atomic():
        with statement_aside(RENAME, ["改名省", "449900"], check_now=True):
            pass
        with connection.cursor() as cursor:  # deferred again: this one waits for the commit, and is fixed by then
            cursor.execute("INSERT INTO core_region (code, name, level, parent_id) VALUES ('449902', '新市', 2, %s)",
                           [province.pk + 1000])
            cursor.execute("UPDATE core_region SET parent_id = %s WHERE code = '449902'", [province.pk])
    assert Region.objects.get(code="449902").parent == province


def test_constraints_are_deferred_unless_not_deferrable_so_checking_now_can_defer_them_again():
    if connection.vendor != "postgresql":
        pytest.skip("SET CONSTRAINTS is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass, conname FROM pg_constraint "
                       "WHERE connamespace = 'public'::regnamespace AND condeferrable AND NOT condeferred")
        assert cursor.fetchall() == []


def test_a_failing_statement_aside_raises_when_the_block_ends():
    with pytest.raises(DatabaseError), transaction.atomic():
        with statement_aside("UPDATE core_region SET no_such_column = 1", []):
            pass


def test_on_postgresql_the_statement_runs_in_another_thread():
    region("449900", "测试省", 1)
    seen = []
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        original = raw.cursor

        def cursor(*args, **kwargs):
            seen.append(threading.current_thread() is not threading.main_thread())
            return original(*args, **kwargs)

        raw.cursor = cursor
    try:
        with transaction.atomic(), statement_aside(RENAME, ["改名省", "449900"]):
            pass
    finally:
        if seen:
            del connection.connection.cursor
    assert seen == ([True] if connection.vendor == "postgresql" else [])
    assert Region.objects.get(code="449900").name == "改名省"


def test_full_collections_wait_while_bulk_jobs_run_and_come_back_after():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        with fewer_full_collections():
            with fewer_full_collections():  # a second job at the same time
                assert gc.get_threshold() == (700, 10, 1000)
            assert gc.get_threshold() == (700, 10, 1000)  # the first is still running
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*saved)
