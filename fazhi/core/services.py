"""Writes of the core: organisations, sections, staff, certificates and API tokens.

Each service runs in one transaction, checks that the actor may write where it writes, and records the
audit event. Views, the API and management commands call these; none of them save core models directly.
"""
from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .audit import changed_fields, record_create, record_event, record_update, snapshot
from .choices import AuditAction, OrganisationKind, Role
from .models import ApiToken, EnforcementCertificate, Organisation, RoleAssignment, Section, User


SYSTEM_USERNAME = "system"


def ensure_system_account() -> User:
    """The account that commands and data loads act as: a superuser that cannot sign in."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, full_name="系统", is_superuser=True, is_active=False,
                    must_change_password=False)
        user.set_unusable_password()
        user.save()
        record_create(user, actor=user, detail={"purpose": "系统初始化与定时任务"})
    return user


def ensure_can_administer(actor, organisation: Organisation) -> None:
    """Writes stay inside the actor's own bureau, and only administrators manage staff and structure."""
    if actor.is_superuser:
        return
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("只有系统管理员可以维护机构、科室和人员。")
    if organisation is None or actor.organisation_id is None or organisation.bureau_id != actor.organisation.bureau_id:
        raise PermissionDenied("只能维护本局（含所属卫生监督所）的数据。")


def _check_placement(organisation: Organisation) -> None:
    parent, region = organisation.parent, organisation.region
    if organisation.kind == OrganisationKind.SUPERVISION_INSTITUTE:
        if parent is None or parent.kind != OrganisationKind.BUREAU or parent.region_id != region.pk:
            raise ValidationError({"parent": "卫生监督所的上级机构应为同一区划的卫生健康局。"})
    elif parent is not None:
        if parent.kind != OrganisationKind.BUREAU or parent.region_id not in {r.pk for r in region.ancestors()}:
            raise ValidationError({"parent": "卫生健康局的上级机构应为上级区划的卫生健康局。"})


@transaction.atomic
def create_organisation(*, actor, **fields) -> Organisation:
    """Create a bureau or supervision institute; its place in the tree follows from its parent."""
    organisation = Organisation(**fields)
    if organisation.parent_id is not None and not actor.is_superuser:
        ensure_can_administer(actor, organisation.parent)
    elif not actor.is_superuser:
        raise PermissionDenied("只有超级管理员可以建立顶层机构。")
    organisation.full_clean(exclude=["bureau", "path"])
    _check_placement(organisation)
    organisation.save()
    organisation.path = organisation.compute_path()
    is_bureau = organisation.kind == OrganisationKind.BUREAU
    organisation.bureau = organisation if is_bureau else organisation.parent
    organisation.save(update_fields=["path", "bureau"])
    record_create(organisation, actor=actor)
    return organisation


@transaction.atomic
def update_organisation(organisation: Organisation, *, actor, **fields) -> Organisation:
    """Change an organisation's own details; its place in the tree (parent, kind, region) stays."""
    ensure_can_administer(actor, organisation)
    fixed = {"parent", "parent_id", "kind", "region", "region_id", "bureau", "path"}.intersection(fields)
    if fixed:
        raise ValidationError("机构的上级、类型和区划建立后不能修改。")
    before = snapshot(organisation)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean(exclude=["bureau", "path"])
    organisation.save()
    record_update(organisation, before, actor=actor)
    return organisation


@transaction.atomic
def create_section(*, actor, organisation: Organisation, **fields) -> Section:
    ensure_can_administer(actor, organisation)
    section = Section(organisation=organisation, **fields)
    section.full_clean()
    section.save()
    record_create(section, actor=actor)
    return section


@transaction.atomic
def update_section(section: Section, *, actor, **fields) -> Section:
    ensure_can_administer(actor, section.organisation)
    before = snapshot(section)
    for name, value in fields.items():
        setattr(section, name, value)
    section.full_clean()
    section.save()
    record_update(section, before, actor=actor)
    return section


def _check_section(user: User) -> None:
    if user.section_id and user.section.organisation_id != user.organisation_id:
        raise ValidationError({"section": "所在科室须属于该人员所在机构。"})


def _set_roles(user: User, roles) -> None:
    wanted = set(roles)
    RoleAssignment.objects.filter(user=user).exclude(role__in=wanted).delete()
    have = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in sorted(wanted - have))
    user.forget_roles()


def generate_initial_password() -> str:
    """A one-time password that itself meets the password rules; the person must change it at first login."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(9))
    return f"{body}#{secrets.choice('23456789')}A"


@transaction.atomic
def create_staff(*, actor, organisation: Organisation, roles=(), password: str | None = None, **fields) -> tuple[User, str]:
    """Create a staff account with an initial password (returned once) that must be changed at first login."""
    ensure_can_administer(actor, organisation)
    initial = password or generate_initial_password()
    user = User(organisation=organisation, must_change_password=True, **fields)
    user.full_clean(exclude=["password"])
    _check_section(user)
    validate_password(initial, user)
    user.set_password(initial)
    user.save()
    _set_roles(user, roles)
    record_create(user, actor=actor, detail={"roles": sorted(roles)})
    return user, initial


@transaction.atomic
def update_staff(user: User, *, actor, roles=None, **fields) -> User:
    ensure_can_administer(actor, user.organisation)
    if "organisation" in fields and fields["organisation"] != user.organisation:
        ensure_can_administer(actor, fields["organisation"])
    before = {**snapshot(user), "roles": sorted(user.roles)}
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    _check_section(user)
    user.save()
    if roles is not None:
        _set_roles(user, roles)
    # Roles are not a column, so they join the field snapshot by hand: one event says all that changed.
    old, new = changed_fields(before, {**snapshot(user), "roles": sorted(user.roles)})
    if new:
        record_event(actor=actor, action=AuditAction.UPDATE, obj=user, before=old, after=new)
    return user


@transaction.atomic
def reset_password(user: User, *, actor) -> str:
    """An administrator issues a new one-time password; the person must change it at next login."""
    ensure_can_administer(actor, user.organisation)
    initial = generate_initial_password()
    user.set_password(initial)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record_event(actor=actor, action=AuditAction.PASSWORD_CHANGE, obj=user, detail={"by_administrator": True})
    return initial


@transaction.atomic
def change_own_password(user: User, new_password: str) -> None:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record_event(actor=user, action=AuditAction.PASSWORD_CHANGE, obj=user, detail={"by_administrator": False})


@transaction.atomic
def issue_certificate(*, actor, holder: User, domains, **fields) -> EnforcementCertificate:
    ensure_can_administer(actor, holder.organisation)
    if not domains:
        raise ValidationError({"domains": "请至少选择一个执法领域。"})
    certificate = EnforcementCertificate(holder=holder, **fields)
    certificate.full_clean()
    certificate.save()
    certificate.domains.set(domains)
    record_create(certificate, actor=actor)
    return certificate


@transaction.atomic
def update_certificate(certificate: EnforcementCertificate, *, actor, domains=None, **fields) -> EnforcementCertificate:
    ensure_can_administer(actor, certificate.holder.organisation)
    before = snapshot(certificate)
    for name, value in fields.items():
        setattr(certificate, name, value)
    certificate.full_clean()
    certificate.save()
    if domains is not None:
        if not domains:
            raise ValidationError({"domains": "请至少选择一个执法领域。"})
        certificate.domains.set(domains)
    record_update(certificate, before, actor=actor)
    return certificate


@transaction.atomic
def issue_api_token(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for another system; the key is returned once and only its hash is kept."""
    ensure_can_administer(actor, user.organisation)
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_prefix=key[:8], key_hash=ApiToken.hash_key(key))
    record_create(token, actor=actor)
    return token, key


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor) -> ApiToken:
    ensure_can_administer(actor, token.user.organisation)
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_update(token, before, actor=actor)
    return token
