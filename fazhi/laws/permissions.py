"""Who may do what in the law library. Reading: every active member of staff. Checked on the server by the
views and again by the import service."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from fazhi.core.choices import Role

# Import a newer version of a law or a missing ministry rule: administrators and legal reviewers.
IMPORT_ROLES = (Role.ADMIN, Role.LEGAL_REVIEWER)


def may_import(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*IMPORT_ROLES))


def ensure_may_import(user) -> None:
    if not may_import(user):
        raise PermissionDenied("只有系统管理员和法制审核员可以导入法律法规文本。")
