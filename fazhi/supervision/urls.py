"""Early warnings, mounted at /supervision/ under the namespace "supervision"."""
from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("warnings/", views.EarlyWarningListView.as_view(), name="list"),
    path("warnings/mine/", views.MyWarningListView.as_view(), name="mine"),
    path("warnings/summary/", views.summary, name="summary"),
    path("warnings/<int:pk>/", views.warning_detail, name="detail"),
    path("warnings/<int:pk>/acknowledge/", views.warning_acknowledge, name="acknowledge"),
    path("warnings/records/<slug:kind>/<int:pk>/", views.record_warnings, name="record"),
    path("warning-rules/", views.rule_list, name="rules"),
    path("warning-rules/<str:code>/", views.rule_edit, name="rule_edit"),
]
