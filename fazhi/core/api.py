"""Core endpoints: organisations, sections and staff, each scoped to what the caller may see.

Authentication: a token for other systems (`Authorization: Bearer <key>`) or a signed-in session for people.
"""
from django.utils import timezone
from ninja import Router
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        record = (
            ApiToken.objects.active()
            .select_related("user__organisation")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
        )
        if record is None or not record.user.is_active:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user


class StaffSessionAuth(SessionAuth):
    """A signed-in person who has changed the initial password."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or user.must_change_password:
            return None
        return user


auth_methods = [TokenAuth(), StaffSessionAuth()]
router = Router(tags=["core"])
