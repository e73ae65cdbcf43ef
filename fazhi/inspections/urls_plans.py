from django.urls import path

from . import views_plans as v

urlpatterns = [
    path("items/", v.InspectionItemListView.as_view(), name="item_list"),
    path("items/new/", v.item_create, name="item_create"),
    path("items/<int:pk>/", v.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", v.item_edit, name="item_edit"),
    path("items/<int:pk>/publish/", v.item_publish, name="item_publish"),
    path("items/<int:pk>/withdraw/", v.item_withdraw, name="item_withdraw"),
    path("plans/", v.InspectionPlanListView.as_view(), name="plan_list"),
    path("plans/new/", v.plan_create, name="plan_create"),
    path("plans/<int:pk>/", v.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", v.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/publish/", v.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/draw/", v.plan_draw, name="plan_draw"),
    path("draws/<int:pk>/", v.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/verify/", v.draw_verify, name="draw_verify"),
    path("burden/", v.BurdenReportView.as_view(), name="burden"),
    path("campaigns/", v.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", v.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", v.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", v.campaign_edit, name="campaign_edit"),
]
