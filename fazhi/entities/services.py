"""Writes to the entity registry. Each checks permission on the server, validates, saves and audits in one transaction."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import record_create, record_event, record_update, snapshot
from fazhi.core.choices import AuditAction
from fazhi.core.models import Domain, Organisation
from fazhi.core.permissions import acting_bureau

from .choices import CreditGrade, CreditGradeBasis
from .models import NAME_FIELDS, CreditGradeChange, Entity, Licence, domain_codes_value
from .naming import name_initials
from .permissions import EDITOR_ROLES, GRADER_ROLES, ensure_role, ensure_writable
from .rules import KINDS_BY_CODE
from .status import ENTITY_STATUS_MACHINE, no_move_message, transition_to

# Fields a plain edit may change; grade and status each have their own procedure.
EDITABLE_FIELDS = frozenset(
    f.name for f in Entity._meta.concrete_fields
    if f.editable and f.name not in {"id", "organisation", "credit_grade", "status"}
)

LICENCE_FIELDS = ["kind", "number", "issued_on", "valid_to", "issuer"]
# The reason written into the credit history when an entity is registered at its initial grade.
INITIAL_GRADE_REASON = "新登记监管对象"

# Later modules that keep such a copy register how to bring it up to date: the registry imports none of them.
_name_copies: list[Callable[[list[int]], object]] = []


def register_name_copy(update: Callable[[list[int]], object]) -> None:
    """`update(entity_ids)` runs inside the transaction that renamed the entities. Registering the same
    function again (a second `ready()` in tests) changes nothing."""
    if update not in _name_copies:
        _name_copies.append(update)


def names_changed(entity_ids: list[int]) -> None:
    """Tell the modules holding copies that these entities' names, initials or credit codes changed."""
    for update in _name_copies:
        update(entity_ids)


def home_bureau(actor) -> Organisation:
    return acting_bureau(actor, "登记监管对象")


def default_domain_codes(kind: str) -> list[str]:
    rule = KINDS_BY_CODE.get(kind)
    return list(rule.default_domains) if rule else []


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = value.strip()  # before validation: a name of spaces is an empty name


def _domains(codes) -> list[Domain]:
    codes = list(dict.fromkeys(codes))
    found = list(Domain.objects.filter(code__in=codes))
    if len(found) != len(codes):
        raise ValidationError({"domains": "监管专业中有无效的取值。"})
    if not found:
        raise ValidationError({"domains": "请至少选择一个监管专业。"})
    return found


@transaction.atomic
def create_entity(
    *, actor, domains=None, credit_grade: str | None = None, grade_reason: str = INITIAL_GRADE_REASON, **fields
) -> Entity:
    """Register an entity in the actor's bureau; its first grade is recorded as the start of its credit history."""
    ensure_role(actor, EDITOR_ROLES, "登记监管对象")
    _check_fields(fields)
    entity = Entity(organisation=home_bureau(actor), **fields)
    if credit_grade:
        entity.credit_grade = credit_grade
    entity.full_clean()
    entity.name_initials = name_initials(entity.name)
    chosen = _domains(domains if domains else default_domain_codes(entity.kind))
    entity.domain_codes = domain_codes_value(d.code for d in chosen)
    entity.save()
    entity.domains.set(chosen)
    CreditGradeChange.objects.create(
        entity=entity, organisation_id=entity.organisation_id, from_grade="", to_grade=entity.credit_grade,
        basis=CreditGradeBasis.INITIAL, reason=grade_reason, effective_on=timezone.localdate(), changed_by=actor,
    )
    record_create(entity, actor=actor)
    return entity


@transaction.atomic
def update_entity(entity: Entity, *, actor, domains=None, **fields) -> Entity:
    ensure_role(actor, EDITOR_ROLES, "修改监管对象")
    ensure_writable(actor, entity)
    _check_fields(fields)
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    # Only what a person can change: the timestamp would otherwise make every save look like a change.
    before = snapshot(entity, [*EDITABLE_FIELDS, "domains"])
    names_before = [getattr(entity, name) for name in NAME_FIELDS]
    for name, value in fields.items():
        setattr(entity, name, value)
    entity.full_clean()
    entity.name_initials = name_initials(entity.name)
    chosen = _domains(domains) if domains is not None else None
    if chosen is not None:
        entity.domain_codes = domain_codes_value(d.code for d in chosen)
    entity.save()
    if chosen is not None:
        entity.domains.set(chosen)
    if [getattr(entity, name) for name in NAME_FIELDS] != names_before:
        # The copies follow the entity; its own audited change records the rename, not each copy.
        names_changed([entity.pk])
    record_update(entity, before, actor=actor)
    return entity


@transaction.atomic
def change_credit_grade(
    entity: Entity, *, actor, grade: str, basis: str, reason: str, effective_on: dt.date | None = None
) -> CreditGradeChange:
    """Move the entity to `grade`; the history keeps who, when and why."""
    ensure_role(actor, GRADER_ROLES, "评定信用等级")
    ensure_writable(actor, entity)
    errors = {}
    if grade not in CreditGrade.values:
        errors["grade"] = "信用等级只能是A、B、C、D之一。"
    if basis not in CreditGradeBasis.values or basis == CreditGradeBasis.INITIAL:
        errors["basis"] = "请选择评定依据。"
    if not (reason or "").strip():
        errors["reason"] = "请写明调整信用等级的理由，它将记入信用档案。"
    effective_on = effective_on or timezone.localdate()
    if effective_on > timezone.localdate():
        errors["effective_on"] = "生效日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    if entity.credit_grade == grade:
        raise ValidationError({"grade": f"该对象当前已是{entity.get_credit_grade_display()}，无需调整。"})
    change = CreditGradeChange.objects.create(
        entity=entity, organisation_id=entity.organisation_id, from_grade=entity.credit_grade, to_grade=grade,
        basis=basis, reason=reason.strip()[:500], effective_on=effective_on, changed_by=actor,
    )
    before = snapshot(entity, ["credit_grade"])
    entity.credit_grade = grade
    entity.save(update_fields=["credit_grade", "updated_at"])
    record_update(entity, before, actor=actor, detail={"basis": change.get_basis_display(), "reason": change.reason})
    return change


def change_status(entity: Entity, *, actor, target: str, reason: str) -> Entity:
    """Move the entity's status through the status machine (注销 and 吊销 are final)."""
    ensure_writable(actor, entity)
    transition = transition_to(entity.status, target)
    if transition is None:
        raise ValidationError({"status": no_move_message(entity.status, target)})
    return ENTITY_STATUS_MACHINE.fire(entity, transition.name, actor=actor, note=reason, reason=reason)


@transaction.atomic
def add_licence(entity: Entity, *, actor, **fields) -> Licence:
    ensure_role(actor, EDITOR_ROLES, "登记证照")
    ensure_writable(actor, entity)
    licence = Licence(entity=entity, organisation_id=entity.organisation_id, **fields)
    licence.number = (licence.number or "").strip()
    licence.full_clean()
    licence.save()
    record_create(licence, actor=actor, detail={"entity": entity.name})
    return licence


@transaction.atomic
def update_licence(licence: Licence, *, actor, **fields) -> Licence:
    ensure_role(actor, EDITOR_ROLES, "修改证照")
    ensure_writable(actor, licence.entity)
    # Compare with what is stored, whatever the caller's copy holds (a bound form has already changed it).
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    before = snapshot(licence, LICENCE_FIELDS)
    for name, value in fields.items():
        if name not in LICENCE_FIELDS:
            raise ValueError(f"not editable here: {name}")
        setattr(licence, name, value)
    licence.number = (licence.number or "").strip()
    licence.full_clean()
    licence.save()
    record_update(licence, before, actor=actor)
    return licence


@transaction.atomic
def remove_licence(licence: Licence, *, actor, reason: str) -> None:
    ensure_role(actor, EDITOR_ROLES, "删除证照")
    ensure_writable(actor, licence.entity)
    if not (reason or "").strip():
        raise ValidationError({"reason": "请写明删除原因（如录入错误）。"})
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    record_event(actor=actor, action=AuditAction.DELETE, obj=licence, before=snapshot(licence), detail={"reason": reason})
    licence.delete()
