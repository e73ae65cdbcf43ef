"""Pages of the discretion table (裁量基准), included under /cases/discretion/ with the namespace "discretion"."""
from django.urls import path

from . import views_discretion as v

app_name = "discretion"
urlpatterns = [
    path("", v.ViolationListView.as_view(), name="list"),
    path("<int:pk>/", v.violation_detail, name="detail"),
    path("upload/", v.upload, name="upload"),
    path("upload/confirm/", v.upload_confirm, name="upload_confirm"),
    path("download/", v.download, name="download"),
]
