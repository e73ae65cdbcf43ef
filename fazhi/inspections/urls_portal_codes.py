"""Inspection codes on the portal (亮码入企): look a code up, see the visit, confirm and rate it."""
from django.urls import path

from . import views_portal_codes

urlpatterns = [
    path("code/", views_portal_codes.code_lookup, name="code_lookup"),
    path("code/<str:code>/", views_portal_codes.code_detail, name="code"),
    path("code/<str:code>/rate/", views_portal_codes.code_rate, name="code_rate"),
]
