"""Helpers for large loads: a statement run beside Python work, and fewer full garbage collections."""
import gc
import sys
import threading

import pytest
from django.db import DatabaseError, connection, transaction

from fazhi.core.bulk import (
    HELPER_SWITCH_INTERVAL, KeyBlocks, WriteBehind, fewer_full_collections, prepared_insert, shorter_turns,
    statement_aside,
)
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


def test_turns_are_shorter_while_helpers_run_and_come_back_after():
    saved = sys.getswitchinterval()
    with shorter_turns():
        with shorter_turns():  # a second helper at the same time
            assert sys.getswitchinterval() == HELPER_SWITCH_INTERVAL < saved
        assert sys.getswitchinterval() == HELPER_SWITCH_INTERVAL  # the first is still running
    assert sys.getswitchinterval() == saved
    if connection.vendor == "postgresql":
        with transaction.atomic(), WriteBehind():
            assert sys.getswitchinterval() == HELPER_SWITCH_INTERVAL
        assert sys.getswitchinterval() == saved


def rename(name: str, code: str):
    return lambda cursor: cursor.execute(RENAME, [name, code])


def test_written_behind_steps_run_in_order_in_the_callers_transaction():
    region("449900", "测试省", 1)  # written behind on PostgreSQL, at once elsewhere: the same outcome
    with pytest.raises(RuntimeError), transaction.atomic():
        with WriteBehind() as writer:
            writer.submit(rename("甲", "449900"))
            writer.submit(None)  # nothing to write this time
            writer.submit(rename("乙", "449900"))
            Region.objects.filter(level=1).count()  # the caller may query meanwhile
        assert Region.objects.get(code="449900").name == "乙"
        raise RuntimeError("roll back")
    assert Region.objects.get(code="449900").name == "测试省"


def test_a_failed_step_stops_the_rest_and_is_raised_in_place_of_the_callers_error():
    if connection.vendor != "postgresql":
        pytest.skip("written behind on PostgreSQL only")
    region("449900", "测试省", 1)
    ran = []
    with pytest.raises(DatabaseError), transaction.atomic():
        with WriteBehind() as writer:
            writer.submit(lambda cursor: cursor.execute("UPDATE core_region SET no_such_column = 1"))
            writer.submit(lambda cursor: ran.append(1))
            writer.helper.join(timeout=0.5)  # the failure is in; the caller's next query fails with it
            raise KeyError("the caller's own error, caused by the aborted transaction")
    assert ran == []


def test_written_behind_key_checks_run_in_the_statements_and_are_deferred_after():
    if connection.vendor != "postgresql":
        pytest.skip("written behind on PostgreSQL only")
    province = region("449900", "测试省", 1)
    orphan = ("INSERT INTO core_region (code, name, level, parent_id) VALUES (%s, %s, 2, %s)")
    with pytest.raises(DatabaseError), transaction.atomic():
        with WriteBehind(check_now=True) as writer:
            writer.submit(lambda cursor: cursor.execute(orphan, ["449901", "孤市", province.pk + 1000]))
    with transaction.atomic():
        with WriteBehind(check_now=True) as writer:
            writer.submit(rename("改名省", "449900"))
        with connection.cursor() as cursor:  # deferred again after the writer closes
            cursor.execute(orphan, ["449902", "新市", province.pk + 1000])
            cursor.execute("UPDATE core_region SET parent_id = %s WHERE code = '449902'", [province.pk])
    assert Region.objects.get(code="449902").parent == province


def test_a_fetch_reads_in_its_turn_between_the_steps():
    region("449900", "测试省", 1)
    names = Region.objects.filter(code="449900").values_list("name", "level")
    with transaction.atomic():
        with WriteBehind() as writer:
            before = writer.fetch(names)
            writer.submit(rename("甲", "449900"))
            after = writer.fetch(names)
            nothing = writer.fetch(Region.objects.filter(code__any=[]).values_list("name"))
            drawn = writer.fetch_sql("SELECT %s + 1", [41])
            # On PostgreSQL the first read is answered before the rename, the second after it; elsewhere each
            # is read when it is asked for, which is the same order.
            assert before.result() == [("测试省", 1)]
            assert after.result() == [("甲", 1)]
            assert nothing.result() == []
            assert drawn.result() == [(42,)]


def test_a_fetch_behind_a_failed_step_raises_that_failure_instead_of_waiting():
    if connection.vendor != "postgresql":
        pytest.skip("read behind on PostgreSQL only")
    region("449900", "测试省", 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        with WriteBehind() as writer:
            writer.submit(lambda cursor: cursor.execute("UPDATE core_region SET no_such_column = 1"))
            fetched = writer.fetch(Region.objects.values_list("name"))
            with pytest.raises(DatabaseError, match="no_such_column"):
                fetched.result()
            raise KeyError("the caller's own error, caused by the aborted transaction")


def test_a_failing_fetch_raises_its_own_error_to_whoever_waits_for_it():
    if connection.vendor != "postgresql":
        pytest.skip("read behind on PostgreSQL only")
    with pytest.raises(DatabaseError), transaction.atomic():
        with WriteBehind() as writer:
            fetched = writer.fetch_sql("SELECT no_such_column FROM core_region", [])
            with pytest.raises(DatabaseError, match="no_such_column"):
                fetched.result()


def test_key_blocks_number_rows_from_the_sequence_a_chunk_ahead():
    if connection.vendor != "postgresql":
        pytest.skip("keys are drawn ahead on PostgreSQL only")
    with transaction.atomic():
        with WriteBehind() as writer:
            keys = KeyBlocks(Region, writer)
            taken = []
            for count in (3, 2, 4, 12):  # fewer than drawn ahead, more, many more
                taken += keys.take(count)
                # After each take as many are at hand or on their way, for a next chunk like it.
                assert len(keys.ready) + sum(drawing for drawing, _ in keys.coming) >= count
        assert len(set(taken)) == len(taken) == 21 and taken == sorted(taken)
        made = [Region(code=f"4499{n:02d}", name=f"测试市{n}", level=2) for n in range(3)]
        job = prepared_insert(Region, made, with_ids=True, keys=keys)
        assert [r.pk for r in made] == keys_after(taken, 3)
        with connection.cursor() as cursor:
            job.run(cursor.cursor)
        assert set(Region.objects.filter(code__startswith="4499").values_list("pk", flat=True)) == {r.pk for r in made}


def keys_after(taken: list[int], count: int) -> list[int]:
    """The next keys a KeyBlocks hands out once `taken` is used up: drawn after them, in order."""
    start = max(taken) + 1
    return list(range(start, start + count))
