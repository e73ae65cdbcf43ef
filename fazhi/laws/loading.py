"""Loading texts into the library: a law, one version of it and its provisions, all or nothing.

`write_version` takes the model classes as arguments so the seed migration runs the same code on its
historical models; `import_version` is the service the import page and `load_laws` call (transaction and
audit). Versions are never overwritten: a newer text supersedes the one before it from its effective
date, an older text slots in before the next one, and the same text loaded again changes nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core.audit import record_create, record_event, record_update, snapshot
from fazhi.core.bulk import bulk_insert
from fazhi.core.choices import AuditAction

from .choices import VersionStatus
from .permissions import ensure_may_import
from .parser import LawTextError, ParsedText, parse_law_text
from .seed import DATA_DIR, seed_entries


@dataclass(frozen=True)
class VersionData:
    """What is said about a text besides the text itself."""

    title: str
    short_title: str
    level: str
    issuer: str
    version_label: str
    effective_from: dt.date
    promulgated_on: dt.date | None = None
    effective_to: dt.date | None = None
    status: str = VersionStatus.IN_FORCE
    caveats: str = ""
    source: str = ""


@dataclass
class LoadResult:
    version: object
    created: bool
    law_created: bool = False
    # (version, its fields before) for each neighbouring version whose dates or status changed
    adjusted: list[tuple[object, dict]] = field(default_factory=list)

    @property
    def provision_count(self) -> int:
        return self.version.provisions.count()


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _find_or_make_law(data: VersionData, Law) -> tuple[object, bool]:
    by_short = Law.objects.filter(short_title=data.short_title).first()
    by_title = Law.objects.filter(title=data.title).first()
    if by_short and by_title and by_short.pk != by_title.pk:
        raise ValidationError(f"简称“{data.short_title}”与标题“{data.title}”分属库中两部不同的法律法规，请核对。")
    law = by_short or by_title
    if law is not None:
        return law, False
    return Law.objects.create(title=data.title, short_title=data.short_title, level=data.level,
                              issuer=data.issuer), True


def write_version(data: VersionData, parsed: ParsedText, *, Law, LawVersion, Provision,
                  imported_by=None) -> LoadResult:
    """Create the version and its provisions (and the law if new); adjust neighbouring versions' dates.

    Call inside a transaction. Identical text already loaded for the law → nothing changes.
    """
    if data.effective_to and data.effective_to <= data.effective_from:
        raise ValidationError("失效日期必须晚于施行日期。")
    law, law_created = _find_or_make_law(data, Law)
    existing = LawVersion.objects.filter(law=law, body_sha256=parsed.sha256).first()
    if existing is not None:
        return LoadResult(existing, created=False)
    same_day = LawVersion.objects.filter(law=law, effective_from=data.effective_from).first()
    if same_day is not None:
        raise ValidationError(
            f"《{law.short_title}》已有自{_date_text(data.effective_from)}起施行的版本“{same_day.version_label}”，"
            f"内容与上传的文本不同。已载入的版本不会被覆盖；请核对施行日期。")
    versions = LawVersion.objects.filter(law=law).select_for_update()
    previous = versions.filter(effective_from__lt=data.effective_from).order_by("-effective_from").first()
    following = versions.filter(effective_from__gt=data.effective_from).order_by("effective_from").first()

    effective_to, status = data.effective_to, data.status
    if following is not None:
        # An older text loaded after a newer one: it stops where the newer one starts.
        if effective_to is None or effective_to > following.effective_from:
            effective_to = following.effective_from
        if status == VersionStatus.IN_FORCE:
            status = VersionStatus.SUPERSEDED
    version = LawVersion.objects.create(
        law=law, version_label=data.version_label, promulgated_on=data.promulgated_on,
        effective_from=data.effective_from, effective_to=effective_to, status=status, caveats=data.caveats,
        body=parsed.body, body_sha256=parsed.sha256, source=data.source, imported_by=imported_by,
    )
    adjusted = []
    if previous is not None and (previous.effective_to is None or previous.effective_to > data.effective_from):
        before = {"effective_to": previous.effective_to and previous.effective_to.isoformat(),
                  "status": previous.status}
        previous.effective_to = data.effective_from
        if previous.status == VersionStatus.IN_FORCE:
            previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["effective_to", "status"])
        adjusted.append((previous, before))
    bulk_insert(Provision, [
        Provision(version_id=version.pk, chapter=p.chapter, article=p.article, paragraph=p.paragraph,
                  item=p.item, text=p.text, sort_order=p.sort_order)
        for p in parsed.provisions
    ])
    return LoadResult(version, created=True, law_created=law_created, adjusted=adjusted)


def import_version(data: VersionData, text: str, *, actor=None) -> LoadResult:
    """Parse `text` and load it as a version of the law `data` names, audited; all or nothing.

    Raises ValidationError (Chinese) for a text that cannot be parsed or a version that conflicts, and
    PermissionDenied when a person (`actor`) who may not import tries; `actor=None` is the system itself.
    """
    from .models import Law, LawVersion, Provision

    if actor is not None:
        ensure_may_import(actor)
    try:
        parsed = parse_law_text(text)
    except LawTextError as exc:
        raise ValidationError(str(exc), code="text_invalid") from exc
    with transaction.atomic():
        result = write_version(data, parsed, Law=Law, LawVersion=LawVersion, Provision=Provision,
                               imported_by=actor if getattr(actor, "pk", None) else None)
        if not result.created:
            return result
        version = result.version
        if result.law_created:
            record_create(version.law, actor=actor)
        record_event(actor=actor, action=AuditAction.CREATE, obj=version,
                     after=snapshot(version, fields=[f for f in _AUDITED_VERSION_FIELDS]),
                     detail={"provisions": len(parsed.provisions), "articles": parsed.article_count})
        for neighbour, before in result.adjusted:
            record_update(neighbour, before, actor=actor,
                          detail={"superseded_by": version.pk, "reason": "导入新版本"})
    return result


# The body is kept out of the audit trail (its SHA-256 is in it): a statute's text is not a change record.
_AUDITED_VERSION_FIELDS = ("law", "version_label", "promulgated_on", "effective_from", "effective_to", "status",
                           "caveats", "body_sha256", "source", "imported_by")


def load_seed(*, actor=None, data_dir: Path = DATA_DIR) -> list[LoadResult]:
    """Load every shipped text not yet loaded (the same as the seed migration, but audited)."""
    results = []
    with transaction.atomic():
        for entry in seed_entries(data_dir):
            results.append(import_version(seed_version_data(entry), entry.read_text(data_dir), actor=actor))
    return results


def seed_version_data(entry) -> VersionData:
    return VersionData(
        title=entry.title, short_title=entry.short_title, level=entry.level, issuer=entry.issuer,
        version_label=entry.version_label, effective_from=entry.effective_from,
        promulgated_on=entry.promulgated_on, effective_to=entry.effective_to, status=entry.status,
        caveats=entry.caveats, source=entry.source,
    )
