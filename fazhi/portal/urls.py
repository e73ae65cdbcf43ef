from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("bureaus/<int:bureau_id>/", views.bureau_detail, name="bureau"),
    path("bureaus/<int:bureau_id>/officers/", views.officers, name="officers"),
]
