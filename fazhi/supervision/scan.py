"""The warning scan: every rule's evaluator over a scope, compared in bulk with the warnings already unresolved.

`scan(scope=None, today=None)` is the one service. A finding with no unresolved warning raises one; one whose
content changed (a new due day, a later stage, another officer) updates it; an unresolved warning whose record
is no longer found is resolved (its condition cleared), as are all of a rule switched off. A condition that
returns raises a new warning. Writes go in batches, each in its own transaction under a lock of the rule's row,
so concurrent scans (the nightly run, a page's on-demand scan) never raise one warning twice, and the audit
chain is held only while a batch is written; every raise, change and resolution is an audit event
(`record_events`). Nothing is read per record: each evaluator reads its scope in a few queries.

The scope: None (everything, the cron run), one record (its page), one officer's records (their list), or some
organisations. Only the warnings of records inside the scope can be resolved by it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import PendingEvent, record_events
from fazhi.core.bulk import bulk_insert, bulk_insert_values
from fazhi.core.choices import AuditAction
from fazhi.core.workdays import shared_calendar

from .choices import UNRESOLVED, Resolution, Severity, WarningStatus, higher
from .engine import Finding, ScanContext, ScanScope, chunks
from .models import EarlyWarning, WarningOfficer, WarningRule
from .status import WARNING_MACHINE
from .warning_rules import RULES, WarningRuleSpec, lead_days_of

BATCH = 2_000
PROGRESS_EVERY = 50_000
Progress = Callable[[str, int], None]  # (rule code, findings so far)


@dataclass
class RuleRun:
    code: str
    name: str
    active: bool = True
    found: int = 0
    raised: int = 0
    changed: int = 0
    resolved: int = 0
    seconds: float = 0.0


@dataclass
class ScanReport:
    today: dt.date
    scope: ScanScope | None
    runs: list[RuleRun] = field(default_factory=list)
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(getattr(run, name) for run in self.runs)


# ---- the rule rows ---------------------------------------------------------------------------------------------

def rule_rows(actor=None) -> dict[str, WarningRule]:
    """{code: WarningRule} of every declared rule; a rule declared after the seed migration gets its row here."""
    rows = {row.code: row for row in WarningRule.objects.all()}
    missing = [spec for spec in RULES if spec.code not in rows]
    if missing:
        from fazhi.core.services import ensure_system_account

        with transaction.atomic():
            made = [WarningRule(code=spec.code, severity=spec.severity, lead_days=spec.lead_days) for spec in missing]
            WarningRule.objects.bulk_create(made, ignore_conflicts=True)
            made = list(WarningRule.objects.filter(code__in=[spec.code for spec in missing]))
            record_events((PendingEvent(AuditAction.CREATE, row, after={"code": row.code, "severity": row.severity,
                                                                         "lead_days": row.lead_days})
                           for row in made), actor=actor or ensure_system_account())
        rows.update({row.code: row for row in made})
    return rows


# ---- one rule ------------------------------------------------------------------------------------------------

def fingerprint(finding: Finding, severity: str, url: str, section_id: int | None) -> str:
    parts = (finding.organisation_id, ",".join(map(str, finding.officer_ids)), finding.due_on, severity,
             finding.message, finding.label, url, section_id)
    return hashlib.md5("|".join(map(str, parts)).encode()).hexdigest()


def severity_of(spec: WarningRuleSpec, row: WarningRule, finding: Finding, today: dt.date) -> str:
    overdue = spec.escalates and finding.due_on is not None and finding.due_on < today
    return higher(row.severity, finding.severity, Severity.SERIOUS if overdue else None)


class RuleScan:
    """One rule over one scan's scope: evaluate, compare, write in batches."""

    def __init__(self, spec: WarningRuleSpec, row: WarningRule, ctx: ScanContext, actor, progress: Progress | None):
        self.spec, self.row, self.ctx, self.actor, self.progress = spec, row, ctx, actor, progress
        self.kind = spec.record
        self.content_type = ContentType.objects.get_for_model(self.kind.model)
        self.run = RuleRun(spec.code, spec.name, active=row.is_active)
        self.today = ctx.today

    def unresolved(self) -> dict[int, tuple[int, str]]:
        """{record id: (warning id, fingerprint)} of the rule's unresolved warnings inside the scope."""
        warnings = EarlyWarning.objects.filter(rule=self.row, status__in=UNRESOLVED)
        if self.ctx.scope is not None:
            records = self.ctx.narrow(self.kind.model._default_manager.all(), self.kind)
            warnings = warnings.filter(record_type=self.content_type, record_id__in=records.values("pk"))
        rows = warnings.values_list("record_id", "pk", "fingerprint").iterator(chunk_size=10_000)
        return {record_id: (pk, digest) for record_id, pk, digest in rows}

    def execute(self) -> RuleRun:
        started = time.perf_counter()
        known = self.unresolved()
        if self.row.is_active:
            self._compare(known)
        self._resolve([pk for pk, _ in known.values()],
                      Resolution.CLEARED if self.row.is_active else Resolution.RULE_OFF)
        self.run.seconds = time.perf_counter() - started
        return self.run

    def _compare(self, known: dict[int, tuple[int, str]]) -> None:
        new, changed, unchanged, seen = [], [], [], set()
        for finding in self.spec.evaluate(self.ctx, lead_days_of(self.spec, self.row)):
            if finding.record_id in seen:
                continue
            seen.add(finding.record_id)
            self.run.found += 1
            if self.progress and self.run.found % PROGRESS_EVERY == 0:
                self.progress(self.spec.code, self.run.found)
            severity = severity_of(self.spec, self.row, finding, self.today)
            url = self.kind.url(finding.record_id)
            section = self.ctx.section_of(finding.officer_ids[0] if finding.officer_ids else None)
            digest = fingerprint(finding, severity, url, section)
            existing = known.pop(finding.record_id, None)
            if existing is None:
                new.append((finding, severity, url, section, digest))
            elif existing[1] != digest:
                changed.append((existing[0], finding, severity, url, section, digest))
            else:
                unchanged.append(existing[0])
            if len(new) >= BATCH:
                self._raise(new)
                new = []
            if len(changed) >= BATCH:
                self._change(changed)
                changed = []
        self._raise(new)
        self._change(changed)
        self._touch(unchanged)

    # -- writes ------------------------------------------------------------------------------------------------
    def _lock(self) -> None:
        """Serialise the writes of concurrent scans of this rule (the row lock lasts to the batch's commit)."""
        list(WarningRule.objects.select_for_update().filter(pk=self.row.pk).values_list("pk"))

    def _warning(self, finding: Finding, severity: str, url: str, section: int | None, digest: str) -> EarlyWarning:
        return EarlyWarning(
            rule=self.row, record_type=self.content_type, record_id=finding.record_id,
            record_label=finding.label[:200], record_url=url, organisation_id=finding.organisation_id,
            section_id=section, officer_id=finding.officer_ids[0] if finding.officer_ids else None,
            severity=severity, due_on=finding.due_on, message=finding.message[:500], fingerprint=digest,
            status=WarningStatus.OPEN, first_seen=self.today, last_seen=self.today)

    @staticmethod
    def _state(warning: EarlyWarning, officers: Iterable[int]) -> dict:
        return {"severity": warning.severity, "due_on": warning.due_on, "message": warning.message,
                "record": warning.record_label, "officers": list(officers)}

    def _raise(self, batch: list) -> None:
        if not batch:
            return
        with transaction.atomic():
            self._lock()
            taken = set(EarlyWarning.objects.filter(
                rule=self.row, record_type=self.content_type, status__in=UNRESOLVED,
                record_id__in=[item[0].record_id for item in batch]).values_list("record_id", flat=True))
            batch = [item for item in batch if item[0].record_id not in taken]
            warnings = [self._warning(*item) for item in batch]
            bulk_insert(EarlyWarning, warnings, with_ids=True)
            bulk_insert_values(WarningOfficer, ("warning_id", "officer_id"), [
                (warning.pk, officer) for warning, (finding, *_) in zip(warnings, batch)
                for officer in dict.fromkeys(finding.officer_ids)])
            record_events((PendingEvent(AuditAction.CREATE, warning, after=self._state(warning, finding.officer_ids),
                                        detail={"rule": self.spec.code, "scan": True})
                           for warning, (finding, *_) in zip(warnings, batch)), actor=self.actor)
        self.run.raised += len(warnings)

    def _change(self, batch: list) -> None:
        if not batch:
            return
        fields = ("organisation_id", "section_id", "officer_id", "severity", "due_on", "message", "record_label",
                  "record_url", "fingerprint", "last_seen")
        with transaction.atomic():
            self._lock()
            current = EarlyWarning.objects.in_bulk([item[0] for item in batch])
            updated, events, officer_rows = [], [], []
            for pk, finding, *rest in batch:
                warning = current.get(pk)
                if warning is None or warning.status not in UNRESOLVED:
                    continue
                warning.rule = self.row
                before = self._state(warning, [])
                fresh = self._warning(finding, *rest)
                for name in fields:
                    setattr(warning, name, getattr(fresh, name))
                after = self._state(warning, finding.officer_ids)
                events.append(PendingEvent(AuditAction.UPDATE, warning,
                                           before={k: v for k, v in before.items() if k != "officers"},
                                           after=after, detail={"rule": self.spec.code, "scan": True}))
                officer_rows.extend((pk, officer) for officer in dict.fromkeys(finding.officer_ids))
                updated.append(warning)
            EarlyWarning.objects.bulk_update(updated, [name.removesuffix("_id") for name in fields], batch_size=500)
            WarningOfficer.objects.filter(warning_id__in=[w.pk for w in updated]).delete()
            bulk_insert_values(WarningOfficer, ("warning_id", "officer_id"), officer_rows)
            if events:
                record_events(events, actor=self.actor)
        self.run.changed += len(updated)

    def _touch(self, pks: list[int]) -> None:
        """Still found, unchanged: only the day it was last seen moves (bookkeeping, not audited)."""
        for batch in chunks(pks, 10_000):
            EarlyWarning.objects.filter(pk__in=batch, status__in=UNRESOLVED, last_seen__lt=self.today).update(
                last_seen=self.today)

    def _resolve(self, pks: list[int], resolution: str) -> None:
        transition = WARNING_MACHINE["resolve"]
        detail = WARNING_MACHINE.event_detail(transition, Resolution(resolution).label)
        for batch in chunks(pks, BATCH):
            with transaction.atomic():
                self._lock()
                warnings = list(EarlyWarning.objects.filter(pk__in=batch, status__in=transition.sources)
                                .only("pk", "status", "organisation_id", "record_label"))
                if not warnings:
                    continue
                EarlyWarning.objects.filter(pk__in=[w.pk for w in warnings]).update(
                    status=transition.target, resolved_on=self.today, resolution=resolution)
                events = []
                for warning in warnings:
                    warning.rule = self.row
                    events.append(PendingEvent(AuditAction.TRANSITION, warning, before={"status": warning.status},
                                               after={"status": transition.target, "resolved_on": self.today,
                                                      "resolution": resolution}, detail=detail))
                record_events(events, actor=self.actor)
            self.run.resolved += len(warnings)


# ---- the service -----------------------------------------------------------------------------------------------

def rules_for(scope: ScanScope | None, codes: Iterable[str] | None = None) -> list[WarningRuleSpec]:
    wanted = set(codes) if codes else None
    return [spec for spec in RULES if (wanted is None or spec.code in wanted)
            and (scope is None or scope.covers(spec.record))]


def scan(scope: ScanScope | None = None, today: dt.date | None = None, *, codes: Iterable[str] | None = None,
         actor=None, progress: Progress | None = None, on_rule: Callable[[RuleRun], None] | None = None) -> ScanReport:
    """Evaluate the rules (all, or `codes`) over `scope` on `today` and bring the warnings up to date."""
    from fazhi.core.services import ensure_system_account

    today = today or timezone.localdate()
    actor = actor or ensure_system_account()
    report, started = ScanReport(today, scope), time.perf_counter()
    rows = rule_rows(actor)
    ctx = ScanContext(today, scope)
    with shared_calendar():
        for spec in rules_for(scope, codes):
            run = RuleScan(spec, rows[spec.code], ctx, actor, progress).execute()
            report.runs.append(run)
            if scope is None:
                WarningRule.objects.filter(pk=rows[spec.code].pk).update(
                    last_scanned_at=timezone.now(), last_scan_seconds=round(run.seconds, 3),
                    last_scan_found=run.found)
            if on_rule is not None:
                on_rule(run)
    report.seconds = time.perf_counter() - started
    return report


def scan_record(obj, today: dt.date | None = None) -> ScanReport:
    """The rules that look at `obj`'s kind of record, on `obj` alone: for its page."""
    return scan(ScanScope.of_record(obj), today)


def scan_officer(user, today: dt.date | None = None) -> ScanReport:
    """Every rule over the records `user` is an officer of: for their own list."""
    return scan(ScanScope.of_officer(user), today)
