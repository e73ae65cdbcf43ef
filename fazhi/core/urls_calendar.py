"""The holiday table's pages; included by the core's management urls, so names live in the `core` namespace."""
from django.urls import path

from . import views_calendar as views

urlpatterns = [
    path("", views.calendar_list, name="calendar_list"),
    path("new/", views.calendar_create, name="calendar_create"),
    path("bulk/", views.calendar_bulk, name="calendar_bulk"),
    path("<int:pk>/edit/", views.calendar_edit, name="calendar_edit"),
    path("<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
]
