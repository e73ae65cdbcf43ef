"""Sign-in, home pages by role, the history tab every record page shows, and error pages."""
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from .models import AuditEvent
from .navigation import panels_for
from .querysets import ScopedQuerySet
from .rules import ACCOUNT_RULES
from .services import change_own_password


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"account_rules": ACCOUNT_RULES}


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    """Also the forced first-login change; the change itself is the `change_own_password` service."""

    template_name = "registration/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        change_own_password(self.request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, "密码已修改。")
        return redirect(self.get_success_url())


@login_required
def home(request):
    panels = [
        {"title": p.title, "template": p.template, "context": p.build(request)} for p in panels_for(request.user)
    ]
    return render(request, "core/home.html", {"panels": panels})


@login_required
def history(request, model_label: str, pk: str):
    """The audit events of one record, for anyone who may see the record."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise Http404("没有这类记录。")
    manager = model._default_manager
    if not isinstance(manager.all(), ScopedQuerySet):
        raise Http404("这类记录没有变更历史。")
    obj = manager.visible_to(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404("记录不存在，或不在您的查看范围内。")
    events = AuditEvent.objects.for_object(obj).select_related("actor").order_by("-seq")
    page = Paginator(events, 20).get_page(request.GET.get("page"))
    rows = [{"event": e, "changes": e.changes(model)} for e in page]
    template = "core/_history.html" if request.htmx else "core/history.html"
    return render(request, template, {"object": obj, "page_obj": page, "rows": rows, "model_label": model_label})


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else "您没有权限执行此操作。"
    return render(request, "403.html", {"message": message}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", {}, status=404)
