"""The audit chain: every write leaves an event, the chain verifies, and tampering is caught and named."""
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from fazhi.core import services
from fazhi.core.audit import (
    EventBatch, PendingEvent, canonical_json, created_values, event_hash, record_event, record_events, snapshot,
    verify_chain,
)
from fazhi.core.choices import AuditAction, SectionKind
from fazhi.core.models import AuditEvent, Section


@contextmanager
def trigger_disabled():
    """Tampering in a test needs the PostgreSQL guard lifted, as an attacker with table rights would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update_delete")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_update_delete")


def raw(sql, params=()):
    with trigger_disabled(), connection.cursor() as c:
        c.execute(sql, params)


@pytest.fixture
def chain(admin, kaiping):
    """Five events from real services: a section created and changed four times."""
    section = services.create_section(actor=admin, organisation=kaiping, name="档案室", kind=SectionKind.OFFICE)
    for n in range(4):
        services.update_section(section, actor=admin, sort_order=n + 1)
    return list(AuditEvent.objects.order_by("seq"))


def test_it_records_create_and_update_with_before_and_after(chain, admin):
    created, first_update = chain[0], chain[1]
    assert created.action == AuditAction.CREATE and created.actor == admin
    assert created.after["name"] == "档案室" and created.before is None
    assert first_update.action == AuditAction.UPDATE
    assert (first_update.before, first_update.after) == ({"sort_order": 0}, {"sort_order": 1})
    assert first_update.prev_hash == created.hash


def test_it_records_nothing_when_nothing_changed(chain, admin):
    section = services.update_section(
        Section.objects.get(name="档案室"), actor=admin, sort_order=4
    )
    assert AuditEvent.objects.for_object(section).count() == len(chain)


def test_it_verifies_an_intact_chain(chain):
    check = verify_chain()
    assert check.intact and check.checked == len(chain)


def test_a_bulk_append_continues_the_chain_as_single_events_would(chain, admin):
    sections = list(Section.objects.order_by("pk"))
    pending = [PendingEvent(AuditAction.UPDATE, s, before={"sort_order": 0}, after={"sort_order": 9}) for s in sections]
    written = record_events(iter(pending), actor=admin, batch_size=2)  # several batches, one chain
    bulk = list(AuditEvent.objects.order_by("seq")[len(chain):])
    assert written == len(sections) == len(bulk)
    assert bulk[0].prev_hash == chain[-1].hash and [e.seq for e in bulk] == list(range(len(chain) + 1, len(chain) + 1 + written))
    assert {e.actor_id for e in bulk} == {admin.pk} and bulk[-1].after == {"sort_order": 9}
    check = verify_chain()
    assert check.intact and check.checked == len(chain) + written
    services.update_section(sections[0], actor=admin, name="新档案室")  # a single event after the bulk ones links on
    assert verify_chain().intact


def test_events_added_in_pieces_and_written_later_chain_on(chain, admin):
    sections = list(Section.objects.order_by("pk"))
    with transaction.atomic():
        batch = EventBatch(actor=admin)
        batch.add([PendingEvent(AuditAction.UPDATE, sections[0], before={"sort_order": 4}, after={"sort_order": 5})])
        assert AuditEvent.objects.count() == len(chain)  # added is only in memory
        batch.add(PendingEvent(AuditAction.UPDATE, s, after={"sort_order": 6}) for s in sections)
        batch.write()
        batch.write()  # nothing more to write
    assert batch.written == 1 + len(sections) == AuditEvent.objects.count() - len(chain)
    assert verify_chain().intact
    services.update_section(sections[0], actor=admin, name="新档案室")
    assert verify_chain().intact and AuditEvent.objects.order_by("-seq").first().after == {"name": "新档案室"}


def test_it_catches_a_tampered_row(chain):
    target = chain[2]
    raw("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"sort_order": 99}', target.pk])
    check = verify_chain()
    assert not check.intact and check.broken_seq == target.seq
    assert "篡改" in check.reason


def test_it_catches_swapped_order(chain):
    a, b = chain[1], chain[2]
    raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [10_000, a.pk])
    raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    check = verify_chain()
    assert not check.intact and check.broken_seq == a.seq


def test_it_catches_a_deleted_middle_event(chain):
    raw("DELETE FROM core_auditevent WHERE id = %s", [chain[2].pk])
    check = verify_chain()
    assert not check.intact and check.broken_seq == chain[3].seq


def test_it_catches_a_deleted_last_event(chain):
    raw("DELETE FROM core_auditevent WHERE id = %s", [chain[-1].pk])
    check = verify_chain()
    assert not check.intact and "末尾" in check.reason


def test_it_names_the_first_broken_event_in_the_command(chain):
    call_command("verify_audit_chain")  # intact: no error
    raw("UPDATE core_auditevent SET actor_name = %s WHERE id = %s", ["冒名者", chain[1].pk])
    with pytest.raises(CommandError, match=f"第 {chain[1].seq} 号事件"):
        call_command("verify_audit_chain")


@pytest.mark.postgres_only
@pytest.mark.parametrize("statement", ["UPDATE core_auditevent SET actor_name = 'x'", "DELETE FROM core_auditevent"])
def test_it_refuses_update_and_delete_on_postgresql(chain, statement):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError, match="审计事件只能追加"):
        with transaction.atomic(), connection.cursor() as c:
            c.execute(statement)
    assert AuditEvent.objects.count() == len(chain)


# --- what an event may carry -----------------------------------------------------------------------------------

# Text as PostgreSQL's JSON holds it: no NUL, no lone surrogate halves.
TEXTS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | TEXTS
           | st.dates() | st.decimals(allow_nan=False, allow_infinity=False, places=2)
           | st.floats(allow_nan=False, allow_infinity=False))
# Keys as services write them, and numbers too: those read back as text, in another order.
KEYS = TEXTS.filter(bool) | st.integers(0, 1000)
PAYLOADS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5)
    | st.frozensets(st.floats(allow_nan=False, allow_infinity=False) | st.integers(), max_size=3),
    max_leaves=12,
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.dictionaries(KEYS, PAYLOADS, max_size=4), after=st.dictionaries(KEYS, PAYLOADS, max_size=4),
       detail=st.dictionaries(TEXTS.filter(bool), PAYLOADS, max_size=3))
def test_any_payload_verifies_once_stored_in_bulk_and_alone(admin, kaiping, before, after, detail):
    with transaction.atomic():
        record_events([PendingEvent(AuditAction.UPDATE, kaiping, before=before, after=after, detail=detail)] * 2,
                      actor=admin)
        single = record_event(actor=admin, action=AuditAction.UPDATE, obj=kaiping, before=before, after=after,
                              detail=detail)
        stored = AuditEvent.objects.get(pk=single.pk)
        assert stored.hash == single.hash == event_hash(stored)
        assert verify_chain().intact
        transaction.set_rollback(True)


def test_a_new_objects_values_are_recorded_as_its_snapshot_would_be():
    from decimal import Decimal

    from django.utils import timezone

    from fazhi.entities.models import Entity

    entity = Entity(organisation_id=3, name="某诊所", longitude=Decimal("112.69812"), latitude=Decimal("22.3761"),
                    created_at=timezone.now(), updated_at=timezone.now())
    assert canonical_json(created_values(entity)) == canonical_json(snapshot(entity))
