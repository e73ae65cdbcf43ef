"""Pages where the system administrator keeps the holiday table (节假日安排) that workday deadlines follow."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .choices import Role
from .forms_calendar import CalendarBulkForm, CalendarDayForm, CalendarYearForm
from .models import CalendarDay
from .permissions import roles_required
from .workdays import (
    EDITABLE_FIELDS, PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, UNKNOWN_YEAR_NOTICE, YearCoverage, add_announced_days,
    calendar_days_in_year, calendar_year_overview, create_calendar_day, delete_calendar_day, update_calendar_day,
)

PER_PAGE = 25
administrators_only = roles_required(Role.ADMIN)


def _list_url(year: int) -> str:
    return f"{reverse('core:calendar_list')}?year={year}"


@administrators_only
@require_GET
def calendar_list(request):
    this_year = timezone.localdate().year
    overview = calendar_year_overview(*range(this_year - 1, this_year + 3))
    year_form = CalendarYearForm(request.GET or None, years=[o.year for o in overview], default_year=this_year)
    year = year_form.selected_year()
    selected = next(o for o in overview if o.year == year)
    notice = UNKNOWN_YEAR_NOTICE.format(years=year) if selected.coverage == YearCoverage.UNKNOWN else ""
    return render(request, "core/calendar_list.html", {
        "year": year, "year_form": year_form, "overview": overview, "notice": notice,
        "page_obj": Paginator(calendar_days_in_year(year), PER_PAGE).get_page(request.GET.get("page")),
        "package_first_year": PACKAGE_FIRST_YEAR, "package_last_year": PACKAGE_LAST_YEAR,
    })


def _form_page(request, form, title, **context):
    return render(request, "core/calendar_form.html", {"form": form, "title": title, **context})


@administrators_only
@require_http_methods(["GET", "POST"])
def calendar_create(request):
    form = CalendarDayForm(request.POST or None)
    if form.is_valid():
        try:
            day = create_calendar_day(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已添加：{day}。")
            return redirect(_list_url(day.date.year))
    return _form_page(request, form, "添加节假日安排", cancel_url=reverse("core:calendar_list"))


@administrators_only
@require_http_methods(["GET", "POST"])
def calendar_edit(request, pk: int):
    day = get_object_or_404(CalendarDay, pk=pk)
    form = CalendarDayForm(request.POST or None, initial=model_to_dict(day, fields=EDITABLE_FIELDS))
    if form.is_valid():
        try:
            update_calendar_day(day, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存：{day}。")
            return redirect(_list_url(day.date.year))
    return _form_page(request, form, f"修改节假日安排：{day.date:%Y-%m-%d}", cancel_url=_list_url(day.date.year),
                      delete_url=reverse("core:calendar_delete", args=[day.pk]))


@administrators_only
@require_POST
def calendar_delete(request, pk: int):
    day = get_object_or_404(CalendarDay, pk=pk)
    year, label = day.date.year, str(day)
    delete_calendar_day(day, actor=request.user)
    messages.success(request, f"已删除：{label}。")
    return redirect(_list_url(year))


@administrators_only
@require_http_methods(["GET", "POST"])
def calendar_bulk(request):
    form = CalendarBulkForm(request.POST or None)
    if form.is_valid():
        try:
            days = add_announced_days(actor=request.user, days=form.cleaned_data["text"],
                                      source=form.cleaned_data["source"])
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            messages.success(request, f"已录入 {len(days)} 天的节假日安排。")
            return redirect(_list_url(days[0].date.year))
    return render(request, "core/calendar_bulk.html", {"form": form, "cancel_url": reverse("core:calendar_list")})
