"""The public portal: no login. Every page is built from the portal's selectors, which return public fields only."""
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from .forms import PortalSearchForm
from .selectors import public_bureau, public_bureau_summary, public_bureaus, public_officers


def index(request):
    form = PortalSearchForm(request.GET)
    listing = public_bureaus(form.search_text(), request.GET.get("page"))
    return render(request, "portal/index.html", {"form": form, "listing": listing})


def _found(bureau):
    if bureau is None:
        raise Http404("没有这个机构，请从门户首页选择。")
    return bureau


def bureau_detail(request, bureau_id: int):
    return render(request, "portal/bureau.html", {"bureau": _found(public_bureau(bureau_id))})


def officers(request, bureau_id: int):
    bureau, today = _found(public_bureau_summary(bureau_id)), timezone.localdate()
    form = PortalSearchForm(request.GET)
    listing = public_officers(bureau.id, form.search_text(), request.GET.get("page"), today)
    return render(request, "portal/officers.html", {"bureau": bureau, "form": form, "listing": listing, "today": today})
