from django.urls import path

from . import views_portal_evidence as views

urlpatterns = [
    path("evidence/", views.evidence_start, name="evidence"),
    path("evidence/items/", views.evidence_items, name="evidence_items"),
    path("evidence/items/<int:item_pk>/", views.evidence_upload, name="evidence_upload"),
    path("evidence/leave/", views.evidence_leave, name="evidence_leave"),
]
