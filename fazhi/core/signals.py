"""Logins, logouts and failed logins go into the audit chain (等保2.0 安全审计)."""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import record_event
from .choices import AuditAction


def _client(request) -> dict:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", ""), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]}


@receiver(user_logged_in, dispatch_uid="fazhi_audit_login")
def audit_login(sender, request, user, **kwargs):
    record_event(actor=user, action=AuditAction.LOGIN, obj=user, detail=_client(request))


@receiver(user_logged_out, dispatch_uid="fazhi_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "logout_reason", "user") if request is not None else "user"
        record_event(actor=user, action=AuditAction.LOGOUT, obj=user, detail={**_client(request), "reason": reason})


@receiver(user_login_failed, dispatch_uid="fazhi_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record_event(
        actor=None, action=AuditAction.LOGIN_FAILED, object_repr=username, detail={**_client(request), "username": username}
    )
