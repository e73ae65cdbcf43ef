"""Session rules under 等保2.0: idle timeout, and no work before the initial password is changed."""
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .rules import ACCOUNT_RULES

SESSION_LAST_SEEN = "fazhi_last_seen"


class IdleTimeoutMiddleware:
    """Log a person out after the configured minutes without a request, and say why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The same clock as sessions and audit events, so that moving it moves them all alike.
        now = int(timezone.now().timestamp())
        if request.user.is_authenticated:
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > ACCOUNT_RULES.idle_timeout_minutes * 60:
                request.logout_reason = "idle_timeout"
                logout(request)
                messages.info(request, f"您已超过{ACCOUNT_RULES.idle_timeout_minutes}分钟未操作，请重新登录。")
                return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        # Stamped after the view, so the sign-in request itself starts the clock; a sign-out leaves none.
        if request.user.is_authenticated:
            request.session[SESSION_LAST_SEEN] = now
        return response


class ForcePasswordChangeMiddleware:
    """Until the initial password is changed, every page leads to the password form."""

    allowed_names = ("password_change", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not self._allowed(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先修改初始密码。"}, status=403)
            return redirect("password_change")
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        if path.startswith("/static/"):
            return True
        return any(path == reverse(name) for name in self.allowed_names)
