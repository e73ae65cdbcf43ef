"""Staff pages of the law library."""
from django.urls import path

from . import views

app_name = "laws"
urlpatterns = [
    path("", views.LawListView.as_view(), name="list"),
    path("search/", views.ProvisionSearchView.as_view(), name="search"),
    path("import/", views.law_import, name="import"),
    path("import/confirm/", views.law_import_confirm, name="import_confirm"),
    path("<int:pk>/", views.law_detail, name="law"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("provisions/<int:pk>/", views.provision_detail, name="provision"),
]
