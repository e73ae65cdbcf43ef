"""The long part of an import (checking, applying) runs off the request, in a background thread.

The thread starts once the request's transaction has committed, so it sees the batch; it closes its own
database connection when done. With `settings.FAZHI_JOBS_INLINE` (tests, or a server that prefers it) the work
runs inside the request instead. A running job publishes its progress to the cache with a timestamp; a batch
still marked as checking or applying whose job has not been heard of for a while died with its process
(a restart): `imports.is_interrupted` says so, the pages show it, and the check may be run again. Nothing of
an interrupted apply was saved: its transaction never committed.
"""
from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction

from fazhi.core.models import User

from .choices import ImportStatus
from .imports import (
    ACTIVE_STATUSES, RECHECKABLE_STATUSES, apply_batch, check_batch, ensure_own_batch, is_interrupted,
    publish_progress,
)
from .models import ImportBatch
from .permissions import IMPORTER_ROLES, ensure_role

logger = logging.getLogger(__name__)


def _run(batch_id: int, phase: str, actor_id: int | None) -> None:
    # check_batch and apply_batch record their own failures on the batch; anything else is for the log.
    try:
        batch = ImportBatch.objects.get(pk=batch_id)
        if phase == "check":
            check_batch(batch)
        else:
            apply_batch(batch, actor=User.objects.get(pk=actor_id))
    except Exception:
        logger.exception("entity import %s: %s job failed", batch_id, phase)


def _start(batch: ImportBatch, phase: str, actor_id: int | None = None) -> None:
    # A heartbeat at once: a job that is queued but not yet running must not look interrupted.
    publish_progress(batch.pk, phase, 0, batch.total_rows)
    if getattr(settings, "FAZHI_JOBS_INLINE", False):
        _run(batch.pk, phase, actor_id)
        return

    def work() -> None:
        try:
            _run(batch.pk, phase, actor_id)
        finally:
            connections.close_all()

    def launch() -> None:
        threading.Thread(target=work, name=f"entity-import-{batch.pk}-{phase}", daemon=True).start()

    transaction.on_commit(launch)


def start_check(batch: ImportBatch, *, actor) -> None:
    """Check (again) a batch that is waiting, checked, failed, or whose job was interrupted."""
    ensure_role(actor, IMPORTER_ROLES, "检查导入文件")
    ensure_own_batch(actor, batch)
    allowed = RECHECKABLE_STATUSES + (ACTIVE_STATUSES if is_interrupted(batch) else ())
    # Compare and set: of two clicks, or a click and a job that is still alive, only one gets through.
    claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=allowed)
    if not claimed.update(status=ImportStatus.CHECKING, processed_rows=0, errors=[], error_count=0, message=""):
        batch.refresh_from_db()
        raise ValidationError(f"该批次{batch.get_status_display()}，不能重新检查。")
    batch.refresh_from_db()
    _start(batch, "check")


def start_apply(batch: ImportBatch, *, actor) -> None:
    """Apply a batch that passed its check, as `actor`; the rows are checked again first."""
    ensure_role(actor, IMPORTER_ROLES, "批量导入监管对象")
    ensure_own_batch(actor, batch)
    if not ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED_OK).update(status=ImportStatus.APPLYING):
        batch.refresh_from_db()
        raise ValidationError(f"只有“检查通过”的批次才能导入，该批次{batch.get_status_display()}。")
    batch.refresh_from_db()
    _start(batch, "apply", actor.pk)
