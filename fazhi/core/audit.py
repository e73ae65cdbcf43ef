"""Writing and verifying the audit chain.

Every write service calls `record_create`, `record_update` or `record_event` inside its transaction, so the
event commits or rolls back with the change it describes. Each event carries the hash of the previous one;
appends are serialised by locking the chain head, so the chain has one order even under concurrent writes.
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.functional import Promise

from .bulk import bulk_insert_values, prepared_values
from .choices import AuditAction
from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
# Never written to the audit trail, not even hashed: secrets have no business in a log.
SECRET_FIELDS = frozenset({"password", "key_hash"})


def _json_default(value):
    """What json.dumps cannot write itself: dates as ISO text, decimals, UUIDs and lazy text as text, files by name."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID, Promise)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"cannot record {type(value).__name__} in the audit trail")


def _json_value(value):
    """One field's value, JSON-ready."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return _json_default(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The object's field values as JSON-ready data: foreign keys as ids, many-to-many as sorted ids."""
    wanted = set(fields) if fields is not None else None
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS or (wanted is not None and field.name not in wanted):
            continue
        data[field.name] = _json_value(getattr(obj, field.attname))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if wanted is None or field.name in wanted:
                data[field.name] = sorted(str(pk) for pk in getattr(obj, field.name).values_list("pk", flat=True))
    return data


@lru_cache(maxsize=None)
def _columns(model) -> tuple[tuple[str, str], ...]:
    # A generated column is the database's: a new object has no value for it to record.
    return tuple((f.name, f.attname) for f in model._meta.concrete_fields
                 if f.name not in SECRET_FIELDS and not getattr(f, "generated", False))


def created_values(obj: models.Model) -> dict:
    """A new object's concrete fields for its creation event, as `snapshot` names them, without copying.

    For bulk creation: the values go in as they are (the chain writes dates, decimals and JSON itself, to the
    same text `snapshot` would give), so the caller must not change the object before its event is recorded.
    """
    return {name: getattr(obj, attname) for name, attname in _columns(type(obj))}


def _organisation_id(obj: models.Model | None):
    if obj is None:
        return None
    explicit = getattr(obj, "audit_organisation_id", None)
    if explicit is not None:
        return explicit
    if obj._meta.label_lower == "core.organisation":
        return obj.pk
    return getattr(obj, "organisation_id", None)


# Made once: json.dumps with options builds a new encoder per call, a cost at a bulk append's scale.
_CANONICAL_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)
_PLAIN_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_json_default)


def _text(value) -> str:
    """A scalar column as JSON text."""
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return _CANONICAL_ENCODER.encode(value)


def _hash_of(*, seq, occurred_at, actor_id, actor_name, action, object_type, object_id, object_repr, organisation_id,
             before: str, after: str, detail: str, prev_hash) -> str:
    """SHA-256 of the event's canonical JSON: its fields by name in order, compact, the JSON fields as given.

    `before`, `after` and `detail` are already canonical text (`canonical_json`); the rest is written here
    in the order `json.dumps(sort_keys=True)` would put it, so the text is the same as dumping the whole.
    """
    canonical = "".join((
        '{"action":', _text(action), ',"actor_id":', _text(actor_id), ',"actor_name":', _text(actor_name),
        ',"after":', after, ',"before":', before, ',"detail":', detail, ',"object_id":', _text(object_id),
        ',"object_repr":', _text(object_repr), ',"object_type":', _text(object_type),
        ',"occurred_at":', _text(occurred_at.astimezone(dt.timezone.utc).isoformat()),
        ',"organisation_id":', _text(organisation_id), ',"prev_hash":', _text(prev_hash), ',"seq":', _text(seq), "}",
    ))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Floats from this magnitude on are written in exponent form, which PostgreSQL's JSON reads as a whole number.
_EXPONENT_FORM_FROM = 1e16


def _reads_back_as_written(value) -> bool:
    """Whether `value`'s JSON reads back from the database as the same value in the same key order.

    Keys that are not text (numbers) come back as text, in another order; PostgreSQL keeps no negative zero
    and writes large floats as whole numbers. Written as loops with text and whole numbers passed inline:
    every audited payload goes through here.
    """
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return False
            if type(item) not in _PLAIN_SCALARS and item is not None and not _reads_back_as_written(item):
                return False
        return True
    if kind is list or kind is tuple:
        for item in value:
            if type(item) not in _PLAIN_SCALARS and item is not None and not _reads_back_as_written(item):
                return False
        return True
    if kind is float:
        return value != 0 and abs(value) < _EXPONENT_FORM_FROM
    return kind is not set and kind is not frozenset  # written as lists, of anything: read back to be sure


_PLAIN_SCALARS = frozenset({str, int, bool})


def _as_read_back(value):
    """A JSON-read value with its floats as PostgreSQL gives them back; on SQLite it is then stored so too."""
    kind = type(value)
    if kind is dict:
        return {k: _as_read_back(v) for k, v in value.items()}
    if kind is list:
        return [_as_read_back(v) for v in value]
    if kind is float:
        return 0.0 if value == 0 else int(value) if abs(value) >= _EXPONENT_FORM_FROM else value
    return value


def canonical_json(value) -> str:
    """`value` as canonical JSON text (sorted keys, compact): the text its stored copy gives back when dumped so.

    Dates, decimals and the like are written as `_json_default` writes them. A value that would not read
    back as written (`_reads_back_as_written`) is first put in the form it would read back in.
    """
    if not _reads_back_as_written(value):
        value = _as_read_back(json.loads(_PLAIN_ENCODER.encode(value)))
    return _CANONICAL_ENCODER.encode(value)


def event_hash(event: AuditEvent) -> str:
    """The hash an event's stored content gives: what `verify_chain` compares with the one it was written with."""
    return _hash_of(
        seq=event.seq, occurred_at=event.occurred_at, actor_id=event.actor_id, actor_name=event.actor_name,
        action=event.action, object_type=event.object_type, object_id=event.object_id,
        object_repr=event.object_repr, organisation_id=event.organisation_id, before=canonical_json(event.before),
        after=canonical_json(event.after), detail=canonical_json(event.detail), prev_hash=event.prev_hash,
    )


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
        except IntegrityError:
            pass  # another writer made it first; lock theirs
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def lock_audit_chain() -> None:
    """Take the chain's lock now, inside the caller's transaction.

    The chain head stays locked until the transaction commits. A service that locks other rows after it has
    recorded an event (or that may run inside one that has) takes this lock first, so every writer acquires
    the head before its other row locks and two writers cannot wait on each other.
    """
    _locked_head()


def _actor_and_name(actor) -> tuple:
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    return actor_id, (str(actor) if actor_id else "系统")[:150]


# An event's columns in the order `_chained_row` gives them; the JSON ones as canonical text.
EVENT_COLUMNS = ("seq", "occurred_at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr",
                 "organisation_id", "before", "after", "detail", "prev_hash", "hash")
JSON_COLUMNS = frozenset({"before", "after", "detail"})


def _chained_row(*, seq, prev_hash, actor_id, actor_name, action, obj, before, after, detail,
                 organisation_id=None, object_repr=None) -> tuple:
    """The columns of an event following `prev_hash` in the chain, with its own hash (EVENT_COLUMNS)."""
    occurred_at = timezone.now()
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    object_repr = (object_repr if object_repr is not None else str(obj) if obj is not None else "")[:200]
    organisation_id = organisation_id if organisation_id is not None else _organisation_id(obj)
    action = str(action)
    before_text, after_text = canonical_json(before), canonical_json(after)
    detail_text = canonical_json(detail or {})
    event_hash_ = _hash_of(
        seq=seq, occurred_at=occurred_at, actor_id=actor_id, actor_name=actor_name, action=action,
        object_type=object_type, object_id=object_id, object_repr=object_repr, organisation_id=organisation_id,
        before=before_text, after=after_text, detail=detail_text, prev_hash=prev_hash,
    )
    return (seq, occurred_at, actor_id, actor_name, action, object_type, object_id, object_repr, organisation_id,
            None if before is None else before_text, None if after is None else after_text, detail_text,
            prev_hash, event_hash_)


def _event_from_row(row: tuple) -> AuditEvent:
    values = dict(zip(EVENT_COLUMNS, row))
    for name in JSON_COLUMNS:
        if values[name] is not None:
            values[name] = json.loads(values[name])
    return AuditEvent(**values)


def _insert_rows(rows: list[tuple]) -> None:
    """Append chained rows: on PostgreSQL the canonical JSON text goes straight into COPY."""
    if connections[router.db_for_write(AuditEvent)].vendor == "postgresql":
        bulk_insert_values(AuditEvent, EVENT_COLUMNS, rows)
    else:
        AuditEvent.objects.bulk_create([_event_from_row(row) for row in rows])


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    detail: dict | None = None,
    organisation_id: int | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Call it inside the transaction that makes the change."""
    with transaction.atomic():
        head = _locked_head()
        actor_id, actor_name = _actor_and_name(actor)
        event = _event_from_row(_chained_row(
            seq=head.seq + 1, prev_hash=head.hash, actor_id=actor_id, actor_name=actor_name, action=action,
            obj=obj, before=before, after=after, detail=detail, organisation_id=organisation_id,
            object_repr=object_repr,
        ))
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class PendingEvent:
    """One event of a batch for `record_events`: what `record_event` takes, minus the actor."""

    action: str
    obj: models.Model
    before: dict | None = None
    after: dict | None = None
    detail: dict | None = None


class EventBatch:
    """Events chained in memory and appended in bulk, in the caller's transaction (which it must be inside).

    Made, it locks the chain's head (until the transaction ends); `add` chains events in memory only, so a
    caller may build them while the database works on something else; `write` appends what was added and
    moves the head. The chain is the same as if each event had been recorded alone.
    """

    def __init__(self, *, actor):
        self.head = _locked_head()
        self.actor_id, self.actor_name = _actor_and_name(actor)
        self.seq, self.prev_hash = self.head.seq, self.head.hash
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, pending: Iterable[PendingEvent]) -> None:
        for item in pending:
            row = _chained_row(
                seq=self.seq + 1, prev_hash=self.prev_hash, actor_id=self.actor_id, actor_name=self.actor_name,
                action=item.action, obj=item.obj, before=item.before, after=item.after, detail=item.detail,
            )
            self.seq, self.prev_hash = row[0], row[-1]
            self.rows.append(row)

    def write(self) -> None:
        if self.rows:
            _insert_rows(self._take())
            self.head.save(update_fields=["seq", "hash"])

    def write_step(self):
        """What `write` does, as a step for `WriteBehind` to run in its turn; on a database whose steps are not
        run aside (not PostgreSQL), written now and None returned."""
        connection = connections[router.db_for_write(AuditEvent)]
        if not self.rows or connection.vendor != "postgresql":
            self.write()
            return None
        head = (connection.ops.quote_name(AuditChainHead._meta.db_table), self.seq, self.prev_hash, self.head.pk)
        job = prepared_values(AuditEvent, EVENT_COLUMNS, self._take())

        def step(cursor) -> None:
            job.run(cursor)
            cursor.execute(f"UPDATE {head[0]} SET seq = %s, hash = %s WHERE id = %s", head[1:])

        return step

    def _take(self) -> list[tuple]:
        """The rows added so far, handed over to be written; the head moves past them."""
        rows, self.rows = self.rows, []
        self.written += len(rows)
        self.head.seq, self.head.hash = self.seq, self.prev_hash
        return rows


def record_events(pending: Iterable[PendingEvent], *, actor, batch_size: int = 2000) -> int:
    """Append many events at once (a bulk import): one lock of the head, hashes chained in order, bulk inserts.

    No model instance is made per event: rows go from the pending events to the database.
    """
    pending = iter(pending)
    with transaction.atomic():
        batch = EventBatch(actor=actor)
        while chunk := list(islice(pending, batch_size)):
            batch.add(chunk)
            batch.write()
    return batch.written


def record_create(obj: models.Model, *, actor, detail: dict | None = None) -> AuditEvent:
    return record_event(actor=actor, action=AuditAction.CREATE, obj=obj, after=snapshot(obj), detail=detail)


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    keys = sorted(k for k in after if before.get(k) != after.get(k))
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record_update(obj: models.Model, before: dict, *, actor, detail: dict | None = None) -> AuditEvent | None:
    """Record what changed between `before` (a snapshot taken before the change) and the object now.

    Nothing is recorded when nothing changed.
    """
    old, new = changed_fields(before, snapshot(obj, fields=before.keys()))
    if not new:
        return None
    return record_event(actor=actor, action=AuditAction.UPDATE, obj=obj, before=old, after=new, detail=detail)


@dataclass(frozen=True)
class ChainCheck:
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None


def verify_chain(chunk_size: int = 2000) -> ChainCheck:
    """Walk the chain in order and name the first event whose link or content does not hold."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq", "id").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return ChainCheck(checked, event.seq, event.pk, f"序号不连续：应为 {expected_seq}，实为 {event.seq}")
        if event.prev_hash != expected_prev:
            return ChainCheck(checked, event.seq, event.pk, "前一事件摘要与链上前一事件不符（事件被删除、插入或调换）")
        if event_hash(event) != event.hash:
            return ChainCheck(checked, event.seq, event.pk, "事件内容与其摘要不符（事件被篡改）")
        expected_prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, expected_prev):
        return ChainCheck(checked, head.seq, None, "链头与最后一个事件不符（末尾事件被删除）")
    return ChainCheck(checked)
