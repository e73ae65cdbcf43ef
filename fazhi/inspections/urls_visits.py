from django.urls import path

from . import views_visits

urlpatterns = [
    path("", views_visits.InspectionListView.as_view(), name="list"),
    path("new/", views_visits.visit_plan, name="plan"),
    path("ratings/", views_visits.VisitRatingListView.as_view(), name="ratings"),
    path("<int:pk>/", views_visits.visit_detail, name="detail"),
    path("<int:pk>/edit/", views_visits.visit_edit, name="edit"),
    path("<int:pk>/approve/", views_visits.visit_approve, name="approve"),
    path("<int:pk>/register/", views_visits.visit_register, name="register"),
    path("<int:pk>/cancel/", views_visits.visit_cancel, name="cancel"),
]
