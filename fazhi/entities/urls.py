from django.urls import path

from . import views, views_transfer

app_name = "entities"
urlpatterns = [
    path("", views.EntityListView.as_view(), name="list"),
    path("new/", views.entity_create, name="create"),
    path("<int:pk>/", views.entity_detail, name="detail"),
    path("<int:pk>/edit/", views.entity_edit, name="edit"),
    path("<int:pk>/grade/", views.entity_grade, name="grade"),
    path("<int:pk>/status/", views.entity_status, name="status"),
    path("<int:pk>/licences/new/", views.licence_create, name="licence_create"),
    path("licences/<int:pk>/edit/", views.licence_edit, name="licence_edit"),
    path("licences/<int:pk>/delete/", views.licence_delete, name="licence_delete"),
    path("export/", views_transfer.export_entities, name="export"),
    path("imports/", views_transfer.ImportListView.as_view(), name="import_list"),
    path("imports/new/", views_transfer.import_upload, name="import_upload"),
    path("imports/template.xlsx", views_transfer.import_template, name="import_template"),
    path("imports/<int:pk>/", views_transfer.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views_transfer.import_progress, name="import_progress"),
    path("imports/<int:pk>/apply/", views_transfer.import_apply, name="import_apply"),
    path("imports/<int:pk>/cancel/", views_transfer.import_cancel, name="import_cancel"),
]
