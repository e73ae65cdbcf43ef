from django.urls import path

from . import views_portal_items

urlpatterns = [
    path("bureaus/<int:bureau_id>/items/", views_portal_items.published_items, name="items"),
]
