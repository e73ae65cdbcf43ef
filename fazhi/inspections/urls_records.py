"""The on-site record's pages: the officer's day, the record form and page, attachments, and the documents."""
from django.urls import path

from . import views_records

urlpatterns = [
    # At the top of /inspections/ so that the worker's scope covers the day page and the record forms.
    path("sw.js", views_records.service_worker, name="service_worker"),
    path("records/csrf/", views_records.csrf_token, name="record_csrf"),
    path("today/", views_records.TodayView.as_view(), name="today"),
    path("<int:pk>/record/", views_records.record_detail, name="record"),
    path("<int:pk>/record/edit/", views_records.record_edit, name="record_edit"),
    path("<int:pk>/record/sign/", views_records.record_sign, name="record_sign"),
    path("<int:pk>/record/files/", views_records.record_file_upload, name="record_file_upload"),
    path("<int:pk>/record/files/<int:file_pk>/", views_records.record_file_download, name="record_file"),
    path("records/<int:pk>/docx", views_records.record_docx, name="record_docx"),
    path("opinions/<int:pk>/docx", views_records.opinion_docx, name="opinion_docx"),
]
