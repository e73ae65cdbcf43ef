from django.urls import path

from . import views_visits

urlpatterns = [
    path("", views_visits.InspectionListView.as_view(), name="list"),
]
