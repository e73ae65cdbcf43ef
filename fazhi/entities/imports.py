"""Bulk import of entities from a spreadsheet (.xlsx, or .csv in UTF-8 or GBK), all or nothing.

An upload becomes an ImportBatch (`create_batch`). `check_batch` reads every row and checks it with the
model's own rules, so the import and the entity form never disagree; the person sees every bad row
(row, column, message) before anything is saved. `apply_batch` reads and checks the file again, against the
data as it is then, and writes everything in one transaction: bulk inserts and updates in chunks, one audit
event per created or changed record. Rows are matched by credit code (or, without one, by name and address),
so importing the same file twice changes nothing the second time.

Reading the file within its limits is `fazhi.core.spreadsheets`; the template's columns, how a row's cells are
read and the downloadable template are `import_template`.
"""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, router, transaction
from django.utils import timezone, translation

from fazhi.core.audit import (
    EventBatch, PendingEvent, created_values, lock_audit_chain, record_create, record_update, snapshot,
)
from fazhi.core.bulk import (
    CopyJob, Fetched, KeyBlocks, WriteBehind, fewer_full_collections, prepared_insert, prepared_values,
)
from fazhi.core.choices import AuditAction
from fazhi.core.models import Organisation
from fazhi.core.spreadsheets import (
    FileProblem, SheetLimits, Table, cell_text, read_table, read_table_aside, read_upload, sniff,
)

from .choices import CreditGradeBasis, ImportStatus
from .import_template import (  # noqa: F401 (build_template: part of this module's API)
    FIELD_HEADERS, TEMPLATE_COLUMNS, RowInput, RowReader, Vocabulary, build_template, map_header, value_key,
)
from .models import NAME_FIELDS, CreditGradeChange, Entity, ImportBatch, Licence, domain_codes_value
from .naming import name_initials
from .permissions import GRADER_ROLES, IMPORTER_ROLES, can, ensure_role
from .querysets import domain_codes_of
from .rules import IMPORT_RULES
from .services import default_domain_codes, home_bureau, names_changed
from .status import ENTITY_STATUS_MACHINE, no_move_message, transition_to

logger = logging.getLogger(__name__)

# The batch page shows the first rows of a checked file; a big file is not read again just for that.
PREVIEW_ROWS = 10
PREVIEW_MAX_BYTES = 5 * 1024 * 1024
PREVIEW_KEYS = ("name", "credit_code", "kind", "sub_kind", "address", "township")
ACTIVE_STATUSES = (ImportStatus.CHECKING, ImportStatus.APPLYING)
RECHECKABLE_STATUSES = (ImportStatus.UPLOADED, ImportStatus.CHECKED_OK, ImportStatus.CHECKED_BAD, ImportStatus.FAILED)

ENTITY_COMPARED_FIELDS = tuple(
    f for f in Entity._meta.concrete_fields
    if f.editable and f.name not in {"id", "organisation", "status", "credit_grade", "name_initials"}
)


def open_table(batch: ImportBatch, *, keeper: RowKeeper | None = None) -> Table:
    """The batch's file as header and rows, read within IMPORT_RULES; with a `keeper`, parsed in a child process
    while the rows are checked (`read_table_aside`), the rows handed to the keeper as they are read."""
    rules = IMPORT_RULES
    # No sheet within the limits needs more distinct texts than it has cells.
    limits = SheetLimits(max_rows=rules.max_rows, max_columns=rules.max_columns, max_cell_chars=rules.max_cell_chars,
                         max_expansion=rules.max_expansion, max_texts=rules.max_rows * len(TEMPLATE_COLUMNS) * 2)
    with batch.file.open("rb") as handle:
        data = handle.read()
    if keeper is None:
        return read_table(data, batch.file_format, batch.encoding, limits)
    return read_table_aside(data, batch.file_format, batch.encoding, limits, keep_lines=keeper.spool.write)


# ---- the rows as the check read them -----------------------------------------------------------------------------
# Reading a large workbook is a third of a check. The check keeps the cells it read (one JSON line per row, under
# the upload's name), so the apply reads the same cells without parsing the workbook again; a kept copy is used
# only when it names the upload's SHA-256, and it is removed once the batch is applied or cancelled.

PARSED_ROWS_VERSION = 1


def parsed_rows_name(batch: ImportBatch) -> str:
    return f"{batch.file.name}.rows.jsonl"


class RowKeeper:
    """The rows a check reads, spooled as they are read (`rows_as_lines`); `keep` saves them for the apply."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.spool = tempfile.TemporaryFile()

    def keep(self, table: Table) -> None:
        batch = self.batch
        storage, name = batch.file.storage, parsed_rows_name(batch)
        header = {"version": PARSED_ROWS_VERSION, "sha256": batch.file_sha256, "header": table.header,
                  "total_hint": table.total_hint, "date1904": table.date1904}
        try:
            with tempfile.TemporaryFile() as kept:
                kept.write(json.dumps(header, ensure_ascii=False).encode() + b"\n")
                self.spool.seek(0)
                shutil.copyfileobj(self.spool, kept)
                kept.seek(0)
                storage.delete(name)
                storage.save(name, File(kept, name=name))
        except OSError:
            # Only a saving: without the kept rows the apply reads the workbook again.
            logger.warning("entity import %s: could not keep the checked rows", batch.pk, exc_info=True)

    def close(self) -> None:
        self.spool.close()


def _parsed_table(batch: ImportBatch) -> Table | None:
    """The rows the check read, if they were kept for exactly this upload."""
    storage, name = batch.file.storage, parsed_rows_name(batch)
    try:
        handle = storage.open(name, "rb")
    except OSError:
        return None
    header = json.loads(handle.readline() or b"null")
    if not isinstance(header, dict) or header.get("version") != PARSED_ROWS_VERSION \
            or header.get("sha256") != batch.file_sha256:
        handle.close()
        return None

    def rows():
        with handle:
            # One JSON document per line; read by lines (a storage File iterates in chunks of its own).
            for line in iter(handle.readline, b""):
                number, cells = json.loads(line)
                yield number, cells

    return Table(header["header"], rows(), header["total_hint"], header["date1904"])


def discard_parsed_rows(batch: ImportBatch) -> None:
    if batch.file:
        batch.file.storage.delete(parsed_rows_name(batch))


# ---- planning a chunk of rows ------------------------------------------------------------------------------------

LICENCE_PERIOD_MESSAGE = next(
    str(c.violation_error_message) for c in Licence._meta.constraints if c.name == "licence_valid_after_issue"
)


# What full_clean need not check field by field: fields the row leaves alone (they keep a default or a stored
# value), the township (resolved from the bureau's own list), and choices the reader could only map to a valid
# code. The cross-field rules (Entity.clean) always run.
ENTITY_FIELD_NAMES = frozenset(f.name for f in Entity._meta.concrete_fields)
ENTITY_ALWAYS_CHECKED = frozenset(f.name for f in Entity._meta.concrete_fields if not f.blank and f.editable
                                  and not f.has_default() and f.name != "organisation")
ENTITY_NEVER_CHECKED = frozenset({"organisation", "township"})
ENTITY_CHOICE_FIELDS = frozenset({"no_credit_code_reason", "legal_form", "kind", "sub_kind", "status", "credit_grade",
                                  "is_key_supervision"})
LICENCE_UNCHECKED = frozenset({"id", "organisation", "entity", "kind", "issuer", "created_at", "updated_at"})


def _unfilled(row: RowInput) -> set[str]:
    filled = row.values.keys()
    unfilled = ENTITY_FIELD_NAMES - ENTITY_ALWAYS_CHECKED - filled
    return unfilled | ENTITY_NEVER_CHECKED | (ENTITY_CHOICE_FIELDS & filled)


@dataclass
class RowPlan:
    """What one good row does: create or change an entity, perhaps its status, grade, domains and a licence."""

    number: int
    entity: Entity
    is_new: bool
    changed: tuple[str, ...] = ()
    before: dict = field(default_factory=dict)
    domains: list[str] | None = None
    old_domains: list[str] = field(default_factory=list)
    transition: object = None
    old_status: str = ""
    old_grade: str = ""
    licence: Licence | None = None
    licence_is_new: bool = False
    licence_before: dict = field(default_factory=dict)

    @property
    def entity_changed(self) -> bool:
        return self.is_new or bool(self.changed or self.domains is not None or self.transition or self.old_grade)

    @property
    def touches_anything(self) -> bool:
        return self.entity_changed or self.licence is not None


# Every column of a looked-up record, in the model's order (`Model.from_db`).
ENTITY_COLUMNS = tuple(f.attname for f in Entity._meta.concrete_fields)
LICENCE_COLUMNS = tuple(f.attname for f in Licence._meta.concrete_fields)
NOTHING_FETCHED = Fetched.now([])


@dataclass
class Lookup:
    """A chunk's queries, queued; `_existing` takes their rows."""

    by_code: Fetched
    codeless: Fetched
    licences: Fetched


@dataclass
class Existing:
    """The bureau's records a chunk of rows may refer to, fetched in a few queries."""

    by_code: dict = field(default_factory=dict)
    codeless: dict = field(default_factory=dict)
    licences: dict = field(default_factory=dict)


class _Importer:
    """Reads, checks and (when `write`) saves the rows of one batch, chunk by chunk."""

    def __init__(self, batch: ImportBatch, actor, *, write: bool, report: Callable[[int, int], None],
                 check_new_rows: bool = True):
        self.batch, self.actor, self.write, self.report = batch, actor, write, report
        # A new entity's row is checked against its own cells alone (nothing stored is compared), so once the
        # check has passed the file, the apply need not run those checks again; matching, updates, licence
        # numbers held by others and duplicates depend on the data as it is now, and are checked again.
        self.check_new_rows = check_new_rows
        self.bureau = Organisation.objects.select_related("region").get(pk=batch.organisation_id)
        self.vocabulary = Vocabulary(self.bureau)
        self.can_grade = can(actor, GRADER_ROLES)
        self.seen_entities: dict[tuple, int] = {}
        self.seen_licences: dict[tuple, int] = {}
        self.claimed: dict[int, int] = {}
        self.errors: list[dict] = []
        self.error_count = self.processed = self.created = self.updated = self.unchanged = 0
        self.unread_columns: set[str] = set()
        self.now, self.today = timezone.now(), timezone.localdate()
        self.helper: WriteBehind | None = None
        self.events: EventBatch | None = None
        self.entity_keys: KeyBlocks | None = None
        self.licence_keys: KeyBlocks | None = None

    def error(self, row: int, column: str, message) -> None:
        self.error_count += 1
        if len(self.errors) < IMPORT_RULES.max_stored_errors:
            self.errors.append({"row": row, "column": column, "message": str(message)})

    def reason(self, row: int) -> str:
        return f"批量导入（{self.batch.original_name} 第{row}行）"[:500]

    def run(self, table: Table) -> None:
        # A helper thread on this connection reads what the next chunk refers to while this one is planned;
        # applying, it also writes each chunk's rows while the next is read and planned.
        with fewer_full_collections(), WriteBehind(check_now=self.write) as helper:
            self.helper = helper
            if self.write:
                self.events = EventBatch(actor=self.actor)
                self.entity_keys = KeyBlocks(Entity, helper)
                self.licence_keys = KeyBlocks(Licence, helper)
            self._run(table)

    def _run(self, table: Table) -> None:
        reader = RowReader(table, self.vocabulary)
        ahead: tuple[list[RowInput], Lookup] | None = None  # the chunk read before, its lookup queued
        while chunk := list(islice(table.rows, IMPORT_RULES.batch_size)):
            rows = [reader.read(number, cells) for number, cells in chunk]
            # Queued before the writes of the chunk read before, so the lookup is answered while the helper is
            # still writing earlier ones; none of its rows can be one those write (a row repeated in the file is
            # refused by what was seen, not by what is stored).
            lookup = self._look_up(rows)
            if ahead:
                self._take(*ahead, table.total_hint)
            ahead = rows, lookup
        if ahead:
            self._take(*ahead, table.total_hint)
        if not self.processed:
            raise FileProblem("表格只有表头，没有数据行。请在表头下方逐行填写监管对象后再上传。")

    def _take(self, rows: list[RowInput], lookup: Lookup, total_hint: int) -> None:
        existing = self._existing(lookup)
        plans = [plan for row in rows if (plan := self._plan(row, existing)) is not None]
        if self.write and not self.error_count:
            self._write(plans)
        for plan in plans:
            if plan.is_new:
                self.created += 1
            elif plan.touches_anything:
                self.updated += 1
            else:
                self.unchanged += 1
        self.processed += len(rows)
        self.report(self.processed, max(self.batch.total_rows or total_hint, self.processed))

    # -- what the rows refer to

    def _look_up(self, rows: list[RowInput]) -> Lookup:
        """The queries for the bureau's records the rows may refer to, queued on the helper (locking the rows
        when applying)."""
        codes = {r.values.get("credit_code") for r in rows} - {None, ""}
        names = {r.values["name"] for r in rows if r.values.get("name")}
        numbers = {r.licence["number"] for r in rows if r.licence.get("number")}
        entities = Entity.objects.filter(organisation=self.bureau).order_by()
        licences = Licence.objects.filter(organisation=self.bureau).order_by()
        if self.write:
            entities, licences = entities.select_for_update(), licences.select_for_update()
        by_code = entities.filter(credit_code__any=codes)
        codeless = entities.filter(credit_code="", name__any=names)
        fetch = self.helper.fetch
        return Lookup(
            by_code=fetch(by_code.values_list(*ENTITY_COLUMNS)) if codes else NOTHING_FETCHED,
            codeless=fetch(codeless.values_list(*ENTITY_COLUMNS)) if names else NOTHING_FETCHED,
            licences=fetch(licences.filter(number__any=numbers).values_list(*LICENCE_COLUMNS))
            if numbers else NOTHING_FETCHED,
        )

    def _existing(self, lookup: Lookup) -> Existing:
        found = Existing()
        using = router.db_for_read(Entity)
        for row in lookup.by_code.result():
            entity = Entity.from_db(using, ENTITY_COLUMNS, row)
            found.by_code[entity.credit_code] = self.vocabulary.attach_township(entity)
        for row in lookup.codeless.result():
            entity = self.vocabulary.attach_township(Entity.from_db(using, ENTITY_COLUMNS, row))
            found.codeless.setdefault((entity.name, value_key(entity.address)), []).append(entity)
        matched = [*found.by_code.values(), *(e for group in found.codeless.values() for e in group)]
        self.vocabulary.attach_other_townships(matched)
        for row in lookup.licences.result():
            licence = Licence.from_db(using, LICENCE_COLUMNS, row)
            found.licences[(licence.kind, licence.number)] = licence
        return found

    def _identify(self, row: RowInput, found: Existing):
        """The bureau's entity this row is about, None for a new one, or False when the row cannot be placed."""
        code = row.values.get("credit_code") or ""
        name, address = row.values.get("name", ""), row.values.get("address", "")
        if not (code or name):
            return None
        key = ("code", code) if code else ("place", value_key(name), value_key(address))
        earlier = self.seen_entities.get(key)
        if earlier:
            if code:
                self.error(row.number, "统一社会信用代码", f"与第{earlier}行的统一社会信用代码相同，同一监管对象只能占一行。")
            else:
                self.error(row.number, "名称", f"与第{earlier}行的名称、地址相同且都没有信用代码，同一监管对象只能占一行。")
            return False
        self.seen_entities[key] = row.number
        entity = found.by_code.get(code) if code else None
        if entity is None:
            candidates = found.codeless.get((name, value_key(address)), [])
            if len(candidates) > 1:
                self.error(row.number, "名称", "本局有多个名称、地址都相同且没有信用代码的监管对象，无法确定更新哪一个；"
                                             "请填写统一社会信用代码，或先在系统中核对这些记录。")
                return False
            entity = candidates[0] if candidates else None
        if entity is not None:
            earlier = self.claimed.get(entity.pk)
            if earlier:
                self.error(row.number, "名称", f"与第{earlier}行对应系统中同一个监管对象“{entity.name}”。")
                return False
            self.claimed[entity.pk] = row.number
        return entity

    # -- one row

    def _plan(self, row: RowInput, found: Existing) -> RowPlan | None:
        errors_before = self.error_count
        for column, message in row.errors:
            self.error(row.number, column, message)
        entity = self._identify(row, found)
        if entity is False:
            return None
        # A cell that could not be read is reported once: the model's "required" on it would only repeat it.
        self.unread_columns = {column for column, _ in row.errors}
        if "统一社会信用代码" in self.unread_columns:
            self.unread_columns.add("无代码原因")
        plan = self._plan_new(row) if entity is None else self._plan_update(row, entity)
        self._plan_licence(row, plan, found)
        return plan if self.error_count == errors_before else None

    def _clean(self, obj, row: int, exclude: list[str]) -> None:
        # Unique and check constraints are checked in bulk (matching, licence numbers), not one query per row.
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = "" if name == NON_FIELD_ERRORS else FIELD_HEADERS.get(name, "")
                if column in self.unread_columns:
                    continue
                for message in messages:
                    self.error(row, column, message)

    def _plan_new(self, row: RowInput) -> RowPlan:
        entity = Entity(organisation=self.bureau, **row.values)
        if self.check_new_rows:
            self._clean(entity, row.number, _unfilled(row))
        domains = row.domains or default_domain_codes(entity.kind)
        if not domains and entity.kind:
            self.error(row.number, "监管专业", f"类别“{entity.get_kind_display()}”没有默认的监管专业，请填写监管专业。")
        return RowPlan(row.number, entity, True, domains=domains)

    def _plan_update(self, row: RowInput, entity: Entity) -> RowPlan:
        before = {f.name: getattr(entity, f.attname) for f in ENTITY_COMPARED_FIELDS}
        values = dict(row.values)
        status, grade = values.pop("status", None), values.pop("credit_grade", None)
        # A value as stored was checked when it was stored: only what the row changes is checked again.
        unchanged = {name for name, value in values.items()
                     if (value.pk if name == "township" else value) == before.get(name)}
        for name, value in values.items():
            setattr(entity, name, value)
        entity.organisation = self.bureau
        self._clean(entity, row.number, _unfilled(row) | unchanged)
        plan = RowPlan(row.number, entity, False)
        if status and status != entity.status:
            self._plan_status(plan, status)
        if grade and grade != entity.credit_grade:
            if self.can_grade:
                plan.old_grade, entity.credit_grade = entity.credit_grade, grade
            else:
                self.error(row.number, "信用等级", f"系统中为{entity.get_credit_grade_display()}，调整信用等级须有信用评定权限；"
                                               f"如不调整，请清空此格或填写“{entity.credit_grade}”。")
        current = set(domain_codes_of(entity.domain_codes))
        if row.domains is not None and set(row.domains) != current:
            plan.domains, plan.old_domains = row.domains, sorted(current)
        plan.changed = tuple(f.name for f in ENTITY_COMPARED_FIELDS if getattr(entity, f.attname) != before[f.name])
        plan.before = {name: before[name] for name in plan.changed}
        return plan

    def _plan_status(self, plan: RowPlan, target: str) -> None:
        entity = plan.entity
        transition = transition_to(entity.status, target)
        if transition is None:
            refusal = no_move_message(entity.status, target)
        else:
            context = {"reason": self.reason(plan.number)}
            refusal = ENTITY_STATUS_MACHINE.refusal(entity, transition, self.actor, context)
        if refusal:
            self.error(plan.number, "经营状态", refusal)
            return
        plan.transition, plan.old_status, entity.status = transition, entity.status, target

    def _plan_licence(self, row: RowInput, plan: RowPlan, found: Existing) -> None:
        data = row.licence
        number, kind = data.get("number"), data.get("kind")
        if not number:
            if data:
                self.error(row.number, "证照编号", "填写了证照类别或日期的，请同时填写证照编号。")
            return
        if not kind:
            self.error(row.number, "证照类别", "填写证照编号的，请同时填写证照类别。")
            return
        earlier = self.seen_licences.get((kind, number))
        if earlier:
            self.error(row.number, "证照编号", f"与第{earlier}行的证照类别、编号都相同。")
            return
        self.seen_licences[(kind, number)] = row.number
        held = found.licences.get((kind, number))
        if held is not None and (plan.is_new or held.entity_id != plan.entity.pk):
            holder = Entity.objects.filter(pk=held.entity_id).values_list("name", flat=True).first()
            self.error(row.number, "证照编号", f"该证照已登记在“{holder}”名下，不能再登记给本行的监管对象，请核对编号。")
            return
        licence = held or Licence(organisation=self.bureau, entity=plan.entity, kind=kind, number=number)
        before = {"issued_on": licence.issued_on, "valid_to": licence.valid_to}
        for name in ("issued_on", "valid_to"):
            if name in data:
                setattr(licence, name, data[name])
        changed = {k: v for k, v in before.items() if getattr(licence, k) != v}
        if held is not None and not changed:
            return  # as stored: nothing to check or save
        if self.check_new_rows or not plan.is_new:
            self._clean(licence, row.number, LICENCE_UNCHECKED)
        if licence.issued_on and licence.valid_to and licence.valid_to < licence.issued_on:
            self.error(row.number, "有效期至", LICENCE_PERIOD_MESSAGE)
        plan.licence, plan.licence_is_new, plan.licence_before = licence, held is None, changed

    # -- saving a chunk

    def _write(self, plans: list[RowPlan]) -> None:
        new = [p for p in plans if p.is_new]
        for plan in new:
            plan.entity.name_initials = name_initials(plan.entity.name)
            plan.entity.domain_codes = domain_codes_value(plan.domains)
        entities = prepared_insert(Entity, [p.entity for p in new], with_ids=True, keys=self.entity_keys,
                                   batch_size=IMPORT_RULES.batch_size)
        self._update_entities([p for p in plans if not p.is_new and p.entity_changed])
        domains = self._write_domains([p for p in plans if p.domains is not None])
        grades = prepared_values(CreditGradeChange, GRADE_CHANGE_COLUMNS,
                                 [self._grade_change(p) for p in plans if p.is_new or p.old_grade],
                                 batch_size=IMPORT_RULES.batch_size)
        licences = [p for p in plans if p.licence is not None and p.licence_is_new]
        for plan in licences:
            plan.licence.entity_id = plan.entity.pk  # known only now, for a new entity
        licences = prepared_insert(Licence, [p.licence for p in licences], with_ids=True, keys=self.licence_keys,
                                   batch_size=IMPORT_RULES.batch_size)
        changed_licences = [p.licence for p in plans if p.licence is not None and not p.licence_is_new]
        for licence in changed_licences:
            licence.updated_at = self.now
        Licence.objects.bulk_update(changed_licences, ["issued_on", "valid_to", "updated_at"],
                                    batch_size=IMPORT_RULES.batch_size)
        # The server writes the rows (with their key checks) while their events are chained here.
        for job in (entities, domains, grades, licences):
            self.helper.submit(job and job.run)
        self.events.add(event for plan in plans for event in self._events(plan))
        self.helper.submit(self.events.write_step())

    def _update_entities(self, plans: list[RowPlan]) -> None:
        groups: dict[tuple, list[Entity]] = {}
        for plan in plans:
            fields = set(plan.changed) | {"updated_at"}
            if "name" in fields:
                plan.entity.name_initials = name_initials(plan.entity.name)
                fields.add("name_initials")
            if plan.transition:
                fields.add("status")
            if plan.old_grade:
                fields.add("credit_grade")
            if plan.domains is not None:
                plan.entity.domain_codes = domain_codes_value(plan.domains)
                fields.add("domain_codes")
            plan.entity.updated_at = self.now
            groups.setdefault(tuple(sorted(fields)), []).append(plan.entity)
        for fields, entities in groups.items():
            Entity.objects.bulk_update(entities, fields, batch_size=IMPORT_RULES.batch_size)
        renamed = [p.entity.pk for p in plans if set(p.changed) & set(NAME_FIELDS)]
        if renamed:
            names_changed(renamed)

    def _write_domains(self, plans: list[RowPlan]) -> CopyJob | None:
        """Clear the domains of changed entities now; the rows of all of them, to insert (`prepared_values`)."""
        through = Entity.domains.through
        replaced = [p.entity.pk for p in plans if not p.is_new]
        if replaced:
            through.objects.filter(entity_id__any=replaced).delete()
        rows = [(p.entity.pk, code) for p in plans for code in p.domains]
        return prepared_values(through, ("entity_id", "domain_id"), rows, batch_size=IMPORT_RULES.batch_size)

    def _grade_change(self, plan: RowPlan) -> tuple:
        entity = plan.entity
        return (entity.pk, entity.organisation_id, plan.old_grade, entity.credit_grade,
                CreditGradeBasis.INITIAL if plan.is_new else CreditGradeBasis.IMPORT, self.reason(plan.number),
                self.today, self.actor.pk, self.now)

    def _events(self, plan: RowPlan) -> Iterator[PendingEvent]:
        source = {"import_batch": self.batch.pk, "file": self.batch.original_name, "row": plan.number}
        entity = plan.entity
        if plan.is_new:
            after = created_values(entity)
            after["domains"] = sorted(plan.domains)
            yield PendingEvent(AuditAction.CREATE, entity, after=after, detail=source)
        else:
            before = dict(plan.before)
            after = {name: getattr(entity, Entity._meta.get_field(name).attname) for name in plan.changed}
            detail = dict(source)
            if plan.old_grade:
                before["credit_grade"], after["credit_grade"] = plan.old_grade, entity.credit_grade
                detail.update(basis=CreditGradeBasis.IMPORT.label, reason=self.reason(plan.number))
            if plan.domains is not None:
                before["domains"], after["domains"] = plan.old_domains, sorted(plan.domains)
            if after:
                yield PendingEvent(AuditAction.UPDATE, entity, before=before, after=after, detail=detail)
            if plan.transition:
                transition = plan.transition
                yield PendingEvent(AuditAction.TRANSITION, entity, before={"status": plan.old_status},
                                   after={"status": entity.status},
                                   detail={**source, **ENTITY_STATUS_MACHINE.event_detail(
                                       transition, self.reason(plan.number))})
        if plan.licence is not None:
            licence = plan.licence
            if plan.licence_is_new:
                yield PendingEvent(AuditAction.CREATE, licence, after=created_values(licence),
                                   detail={**source, "entity": entity.name})
            else:
                after = {name: getattr(licence, name) for name in plan.licence_before}
                yield PendingEvent(AuditAction.UPDATE, licence, before=plan.licence_before, after=after,
                                   detail={**source, "entity": entity.name})


GRADE_CHANGE_COLUMNS = ("entity_id", "organisation_id", "from_grade", "to_grade", "basis", "reason", "effective_on",
                        "changed_by_id", "changed_at")


# ---- progress ----------------------------------------------------------------------------------------------------

def progress_key(batch_id: int) -> str:
    return f"entities:import:{batch_id}:progress"


def publish_progress(batch_id: int, phase: str, processed: int, total: int) -> None:
    """Progress every worker can read, even while the apply's transaction is still open."""
    cache.set(progress_key(batch_id), {"phase": phase, "processed": processed, "total": total, "at": time.time()},
              timeout=24 * 3600)


def read_progress(batch_id: int) -> dict | None:
    return cache.get(progress_key(batch_id))


def is_interrupted(batch: ImportBatch) -> bool:
    """Marked as checking or applying, but its job has not reported for a while: it died with its process."""
    if batch.status not in ACTIVE_STATUSES:
        return False
    progress = read_progress(batch.pk)
    return progress is None or time.time() - progress.get("at", 0) > IMPORT_RULES.interrupted_after_seconds


def preview_rows(batch: ImportBatch) -> dict | None:
    """The first rows of a checked file as written, so the person recognises it before confirming."""
    if batch.file_size > PREVIEW_MAX_BYTES:
        return None
    try:
        table = open_table(batch)
        columns, _ = map_header(table.header)
    except (FileProblem, OSError):
        return None
    wanted = [(index, column) for index, column in sorted(columns.items()) if column.key in PREVIEW_KEYS]
    rows = [(number, [cell_text(cells[i]) if i < len(cells) and cells[i] is not None else "" for i, _ in wanted])
            for number, cells in islice(table.rows, PREVIEW_ROWS)]
    return {"headers": [column.header for _, column in wanted], "rows": rows}


# ---- the public API ----------------------------------------------------------------------------------------------

def ensure_own_batch(actor, batch: ImportBatch) -> None:
    if not ImportBatch.objects.writable_by(actor).filter(pk=batch.pk).exists():
        raise PermissionDenied("该导入批次不属于本局，不能操作。")


def create_batch(*, actor, uploaded_file) -> ImportBatch:
    """Store an upload as a batch of the actor's bureau; refuse at once what is plainly not an entity list."""
    ensure_role(actor, IMPORTER_ROLES, "批量导入监管对象")
    bureau = home_bureau(actor)
    try:
        data = read_upload(uploaded_file, IMPORT_RULES.max_file_bytes)
        file_format, encoding = sniff(data)
    except FileProblem as problem:
        raise ValidationError({"file": problem.message}) from None
    name = (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1] or f"导入文件.{file_format}"
    batch = ImportBatch(
        organisation=bureau, created_by=actor, original_name=name[:200], file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(), file_format=file_format, encoding=encoding,
    )
    # The stored name is ours: the person's file name may hold anything, and is kept in original_name.
    batch.file.save(f"{uuid.uuid4().hex}.{file_format}", ContentFile(data), save=False)
    with transaction.atomic():
        batch.save()
        record_create(batch, actor=actor)
    return batch


def _finish(batch: ImportBatch, status: str, *, importer: _Importer | None = None, message: str = "",
            total: int | None = None, expect: tuple[str, ...] = ()) -> ImportBatch:
    fields = {"status": status, "message": message[:500], "finished_at": timezone.now()}
    if importer is not None:
        # What the rows would do is told only when they can be applied; with errors nothing would happen.
        good = status == ImportStatus.CHECKED_OK
        fields.update(errors=importer.errors, error_count=importer.error_count,
                      created_count=importer.created if good else 0, updated_count=importer.updated if good else 0,
                      unchanged_count=importer.unchanged if good else 0,
                      processed_rows=importer.processed, total_rows=importer.processed if total is None else total)
    queryset = ImportBatch.objects.filter(pk=batch.pk)
    (queryset.filter(status__in=expect) if expect else queryset).update(**fields)
    batch.refresh_from_db()
    return batch


def _problem_counts(importer: _Importer) -> str:
    shown = f"，下面列出前{len(importer.errors)}处" if importer.error_count > len(importer.errors) else ""
    return f"共{importer.processed}行，发现{importer.error_count}处错误{shown}"


def check_batch(batch: ImportBatch, *, on_progress: Callable[[int, int], None] | None = None) -> ImportBatch:
    """Read and check every row; nothing is saved but the batch's findings. Checked as its uploader."""
    if batch.status not in (*RECHECKABLE_STATUSES, ImportStatus.CHECKING):
        raise ValidationError(f"该批次{batch.get_status_display()}，不能再检查。")
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.CHECKING, processed_rows=0, total_rows=0, errors=[], error_count=0, created_count=0,
        updated_count=0, unchanged_count=0, message="", finished_at=None,
    )
    publish_progress(batch.pk, "check", 0, 0)

    def report(processed: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=processed, total_rows=total)
        publish_progress(batch.pk, "check", processed, total)
        if on_progress:
            on_progress(processed, total)

    with translation.override(settings.LANGUAGE_CODE), closing(RowKeeper(batch)) as keeper:
        try:
            importer = _Importer(batch, batch.created_by, write=False, report=report)
            table = open_table(batch, keeper=keeper)
            importer.run(table)
        except FileProblem as problem:
            return _finish(batch, ImportStatus.FAILED, message=problem.message)
        except Exception:
            logger.exception("entity import %s: check failed", batch.pk)
            return _finish(batch, ImportStatus.FAILED, message="检查时发生意外错误，未导入任何记录。请重新检查，仍不行请联系系统管理员。")
        if importer.error_count:
            return _finish(batch, ImportStatus.CHECKED_BAD, importer=importer,
                           message=f"{_problem_counts(importer)}。请改正后重新上传，本次未导入任何记录。")
        keeper.keep(table)
    return _finish(batch, ImportStatus.CHECKED_OK, importer=importer,
                   message=f"检查通过：共{importer.processed}行，将新增{importer.created}个、更新{importer.updated}个监管对象，"
                           f"{importer.unchanged}个无变化。确认后导入。")


class _Rejected(Exception):
    def __init__(self, importer: _Importer):
        super().__init__("rows rejected")
        self.importer = importer


def apply_batch(batch: ImportBatch, *, actor, on_progress: Callable[[int, int], None] | None = None) -> ImportBatch:
    """Check the file again against the data as it is now, then write all of it in one transaction, or none."""
    ensure_role(actor, IMPORTER_ROLES, "批量导入监管对象")
    ensure_own_batch(actor, batch)
    batch.refresh_from_db()
    if batch.status not in (ImportStatus.CHECKED_OK, ImportStatus.APPLYING):
        raise ValidationError(f"只有检查通过的批次才能导入，该批次{batch.get_status_display()}。")
    ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED_OK).update(status=ImportStatus.APPLYING)
    publish_progress(batch.pk, "apply", 0, batch.total_rows)

    def report(processed: int, total: int) -> None:
        publish_progress(batch.pk, "apply", processed, total)
        if on_progress:
            on_progress(processed, total)

    failed = {"expect": (ImportStatus.APPLYING,)}
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                # The batch row stays locked to the end, so two applies of one batch run one after the other.
                locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
                if locked.status != ImportStatus.APPLYING:
                    batch.refresh_from_db()
                    return batch
                # Rows are locked chunk by chunk after events are recorded: take the chain first (lock order).
                lock_audit_chain()
                importer = _Importer(locked, actor, write=True, report=report, check_new_rows=False)
                importer.run(_parsed_table(locked) or open_table(locked))
                if importer.error_count:
                    raise _Rejected(importer)
                _record_applied(locked, importer, actor)
        except _Rejected as rejected:
            return _finish(batch, ImportStatus.CHECKED_BAD, importer=rejected.importer, **failed,
                           message=f"导入前复查时{_problem_counts(rejected.importer)}（系统中的数据在检查后有变化），"
                                   "未导入任何记录。请改正后重新上传。")
        except FileProblem as problem:
            return _finish(batch, ImportStatus.FAILED, message=problem.message, **failed)
        except IntegrityError:
            logger.warning("entity import %s: conflicting concurrent change", batch.pk, exc_info=True)
            return _finish(batch, ImportStatus.FAILED, **failed,
                           message="导入时与他人同时进行的修改冲突，未导入任何记录。请重新上传并检查后再导入。")
        except Exception:
            logger.exception("entity import %s: apply failed", batch.pk)
            return _finish(batch, ImportStatus.FAILED, **failed,
                           message="导入时发生意外错误，未导入任何记录。请稍后重新上传，仍不行请联系系统管理员。")
    batch.refresh_from_db()
    if batch.status == ImportStatus.APPLIED:
        discard_parsed_rows(batch)
    return batch


def _record_applied(batch: ImportBatch, importer: _Importer, actor) -> None:
    before = snapshot(batch)
    batch.status = ImportStatus.APPLIED
    batch.errors, batch.error_count = [], 0
    batch.created_count, batch.updated_count = importer.created, importer.updated
    batch.unchanged_count = importer.unchanged
    batch.processed_rows = batch.total_rows = importer.processed
    batch.finished_at = timezone.now()
    batch.message = (f"已导入：共{importer.processed}行，新增{importer.created}个、更新{importer.updated}个监管对象，"
                     f"{importer.unchanged}个无变化。")
    batch.save()
    record_update(batch, before, actor=actor)


def cancel_batch(batch: ImportBatch, *, actor) -> ImportBatch:
    """Drop a batch that has not been applied; nothing of it was ever saved to the registry."""
    ensure_role(actor, IMPORTER_ROLES, "取消导入")
    ensure_own_batch(actor, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in RECHECKABLE_STATUSES and not is_interrupted(locked):
            raise ValidationError(f"该批次{locked.get_status_display()}，不能取消。")
        before = snapshot(locked)
        locked.status, locked.finished_at = ImportStatus.CANCELLED, timezone.now()
        locked.save(update_fields=["status", "finished_at"])
        record_update(locked, before, actor=actor)
    discard_parsed_rows(locked)
    return locked

