"""Pages of the reports: the dashboard, the records behind each figure, the annual report."""
from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("records/<str:code>/", views.records, name="records"),
    path("annual/", views.annual, name="annual"),
    path("annual/export.docx", views.annual_export, name="annual_export"),
]
