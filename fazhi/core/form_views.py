"""The one way a page shows a form and saves it through a service; every app's form pages call it."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import add_service_errors
from .workflow import TransitionRefused


# A form page answers GET (the form) and POST (its submission), nothing else.
form_methods = require_http_methods(["GET", "POST"])


def save_form(request, form, save, *, title, cancel_url=None, template="core/form.html", success_message="已保存。",
              **extra):
    """Validate `form`, hand it to `save` (which calls one service), redirect to what it returns.

    A service's ValidationError lands on the form's fields, a refused procedure move above the form;
    PermissionDenied propagates as a 403. `extra` joins the template's context.
    """
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, success_message)
            return redirect(target)
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url, **extra})
