"""Permission checks for views; the services check again, so the API and commands are covered too."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

NOT_VISIBLE = "记录不存在，或不在您的查看范围内。"


def visible_or_404(queryset, user, pk):
    """One record the person may see; anything else is 'not found', so a record's existence never leaks."""
    obj = queryset.visible_to(user).filter(pk=pk).first()
    if obj is None:
        raise Http404(NOT_VISIBLE)
    return obj


def roles_required(*roles: str):
    """Allow the view to people holding any of `roles` (superusers always); others get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied("您没有访问此页面的权限。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def acting_bureau(actor, what: str = "办理业务"):
    """The bureau a person acts for: their own, or the bureau of the supervision institute they work in."""
    if actor is None or getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(f"您的账号未归属任何机构，不能{what}。")
    return actor.organisation.bureau or actor.organisation


# Tables every bureau of an installation shares (the case rule table, the review rubric, the warning rules) are
# set at the top of it: by these roles of an organisation with no parent (a province, or a county running alone).
SHARED_TABLE_EDITOR_ROLES = ("admin", "legal_reviewer")


def may_edit_shared_tables(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and (
        actor.is_superuser or (actor.has_role(*SHARED_TABLE_EDITOR_ROLES) and actor.organisation is not None
                               and actor.organisation.parent_id is None)))
