"""Who may change what in the registry. Checked on the server by the services; views only hide buttons."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from fazhi.core.choices import Role

# Register entities and their licences: the officers who know them, their heads, the licensing desk.
EDITOR_ROLES = (Role.OFFICER, Role.SECTION_HEAD, Role.LICENSING_CLERK, Role.ADMIN)
# A credit grade is a judgement with consequences (sampling ratios, publicity): section heads and leaders.
GRADER_ROLES = (Role.SECTION_HEAD, Role.LEADER, Role.CHIEF)
# Bulk import replaces many records at once: section heads, the licensing desk and administrators.
IMPORTER_ROLES = (Role.SECTION_HEAD, Role.LICENSING_CLERK, Role.ADMIN)
# Export of the full register: anyone who may see it except the public-facing desks.
EXPORTER_ROLES = (Role.OFFICER, Role.SECTION_HEAD, Role.LEGAL_REVIEWER, Role.LEADER, Role.CHIEF,
                  Role.LICENSING_CLERK, Role.ADMIN)


def can(actor, roles) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.has_role(*roles))


def ensure_role(actor, roles, what: str) -> None:
    if not can(actor, roles):
        raise PermissionDenied(f"您没有{what}的权限。")


def is_writable(actor, entity) -> bool:
    """Whether the entity belongs to the actor's own bureau: a city sees its counties' entities, edits none."""
    from .models import Entity

    return Entity.objects.writable_by(actor).filter(pk=entity.pk).exists()


def may_edit(actor, entity) -> bool:
    return can(actor, EDITOR_ROLES) and is_writable(actor, entity)


def ensure_writable(actor, entity) -> None:
    if not is_writable(actor, entity):
        raise PermissionDenied("该监管对象不属于本局，只能查看，不能修改。")
